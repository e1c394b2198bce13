#include "remediation/decision.h"

#include <iterator>

#include <fmt/compile.h>
#include <fmt/format.h>

#include "core/json_writer.h"
#include "remediation/json_text.h"

namespace remediator::remediation {

std::string DecisionToJson(const Decision& d) {
  std::string out;
  out.reserve(512 + d.reason.size() + d.stdout_preview.size() + d.stderr_preview.size());  // one allocation
  // Unix seconds with 6 decimals, printed from integers so no float rounding shows up.
  int64_t us = d.timestamp_ns / 1000;
  int64_t secs = us / 1'000'000;
  int64_t frac = us % 1'000'000;
  if (frac < 0) {
    frac += 1'000'000;
    --secs;
  }
  fmt::format_to(std::back_inserter(out), FMT_COMPILE("{{\"timestamp\":{}.{:06d},\"alert\":"), secs, frac);
  AppendJsonText(out, d.alert);
  out += ",\"playbook\":";
  AppendJsonText(out, d.playbook);
  out += d.success ? ",\"success\":true" : ",\"success\":false";
  fmt::format_to(std::back_inserter(out), FMT_COMPILE(",\"confidence\":{},\"parameters\":{{"), d.confidence);
  for (size_t i = 0; i < d.parameters.size(); ++i) {
    if (i > 0) out += ',';
    AppendJsonText(out, d.parameters[i].first);
    out += ':';
    AppendJsonText(out, d.parameters[i].second);
  }
  out += "},\"stdout\":";
  AppendJsonText(out, d.stdout_preview);
  out += ",\"stderr\":";
  AppendJsonText(out, d.stderr_preview);
  out += ",\"action\":";
  AppendJsonText(out, ActionName(d.action));
  out += ",\"reason\":";
  AppendJsonText(out, d.reason);
  out += ",\"fingerprint\":";
  AppendJsonText(out, d.fingerprint);
  out += ",\"service\":";
  AppendJsonText(out, d.service);
  out += d.exit_code ? fmt::format(",\"exit_code\":{}", *d.exit_code) : ",\"exit_code\":null";
  out += d.duration_ms ? fmt::format(",\"duration_ms\":{}", *d.duration_ms) : ",\"duration_ms\":null";
  out += ",\"decision_id\":";
  AppendJsonText(out, d.decision_id);
  out += '}';
  return out;
}

}  // namespace remediator::remediation

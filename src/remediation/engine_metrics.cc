#include "remediation/engine_metrics.h"

#include <fmt/format.h>

#include "core/json_writer.h"
#include "core/labels.h"

namespace remediator::remediation {
namespace {

std::string Num(double v) {
  std::string s;
  AppendJsonNumber(s, v);
  return s;
}

}  // namespace

void EngineMetrics::CountExecution(const std::string& playbook, std::string_view result,
                                   double seconds) {
  ++executions_[{playbook, std::string(result)}];
  Histogram& h = durations_[playbook];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++h.buckets[i];
  }
  ++h.count;
  h.sum += seconds;
}

void EngineMetrics::Append(std::string& out) const {
  out += "# HELP remediator_decisions_total Decisions recorded, by action and playbook.\n";
  out += "# TYPE remediator_decisions_total counter\n";
  for (const auto& [k, v] : decisions_) {
    out += fmt::format("remediator_decisions_total{{action={},playbook={}}} {}\n", GoQuote(k.first),
                       GoQuote(k.second), v);
  }
  out += "# HELP remediator_executions_total Playbook runs, by result.\n";
  out += "# TYPE remediator_executions_total counter\n";
  for (const auto& [k, v] : executions_) {
    out += fmt::format("remediator_executions_total{{playbook={},result={}}} {}\n", GoQuote(k.first),
                       GoQuote(k.second), v);
  }
  out += "# HELP remediator_playbook_duration_seconds Playbook run time.\n";
  out += "# TYPE remediator_playbook_duration_seconds histogram\n";
  for (const auto& [pb, h] : durations_) {
    std::string l = GoQuote(pb);
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      out += fmt::format("remediator_playbook_duration_seconds_bucket{{playbook={},le=\"{}\"}} {}\n", l,
                         Num(kBuckets[i]), h.buckets[i]);
    }
    out += fmt::format("remediator_playbook_duration_seconds_bucket{{playbook={},le=\"+Inf\"}} {}\n", l,
                       h.count);
    out += fmt::format("remediator_playbook_duration_seconds_sum{{playbook={}}} {}\n", l, Num(h.sum));
    out += fmt::format("remediator_playbook_duration_seconds_count{{playbook={}}} {}\n", l, h.count);
  }
}

}  // namespace remediator::remediation

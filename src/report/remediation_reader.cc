#include "report/remediation_reader.h"

#include <cmath>
#include <fstream>
#include <sstream>

#include <simdjson.h>

namespace remediator::report {
namespace {

// The string at `key`, or "" when absent or not a string.
std::string StringField(simdjson::dom::object obj, const char* key) {
  std::string_view v;
  if (obj[key].get_string().get(v) != simdjson::SUCCESS) return {};
  return std::string(v);
}

bool IsRun(std::string_view action) { return action == "executed" || action == "timed_out"; }

}  // namespace

RemediationScan ScanRemediations(std::string_view jsonl, int64_t start_ns, int64_t end_ns) {
  RemediationScan scan;
  simdjson::dom::parser parser;
  size_t pos = 0;
  while (pos < jsonl.size()) {
    size_t nl = jsonl.find('\n', pos);
    std::string_view line = jsonl.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? jsonl.size() : nl + 1;
    ++scan.lines;
    if (line.empty()) continue;
    auto note_malformed = [&] {
      ++scan.malformed;
      if (scan.first_malformed_line == 0) scan.first_malformed_line = scan.lines;
    };
    simdjson::dom::object obj;
    double timestamp = 0;
    if (parser.parse(line.data(), line.size()).get_object().get(obj) != simdjson::SUCCESS ||
        obj["timestamp"].get_double().get(timestamp) != simdjson::SUCCESS || !std::isfinite(timestamp)) {
      note_malformed();
      continue;
    }
    std::string action = StringField(obj, "action");
    if (!IsRun(action)) continue;
    Remediation r;
    r.ended_ns = static_cast<int64_t>(std::llround(timestamp * 1e9));
    int64_t duration_ms = 0;
    if (obj["duration_ms"].get_int64().get(duration_ms) != simdjson::SUCCESS || duration_ms < 0) duration_ms = 0;
    r.started_ns = r.ended_ns - duration_ms * 1'000'000;
    if (r.started_ns < start_ns || r.started_ns >= end_ns) continue;
    r.alert = StringField(obj, "alert");
    r.playbook = StringField(obj, "playbook");
    r.service = StringField(obj, "service");
    r.action = std::move(action);
    bool success = false;
    r.success = obj["success"].get_bool().get(success) == simdjson::SUCCESS && success;
    r.decision_id = StringField(obj, "decision_id");
    scan.remediations.push_back(std::move(r));
  }
  return scan;
}

Result<RemediationScan> ReadRemediations(const std::string& path, int64_t start_ns, int64_t end_ns) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot read the decision log " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return ScanRemediations(text.str(), start_ns, end_ns);
}

}  // namespace remediator::report

// One decision-log line (the format is docs/formats/decision-log.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "remediation/action.h"

namespace remediator::remediation {

struct Decision {
  int64_t timestamp_ns = 0;
  std::string alert;
  std::string playbook;
  bool success = false;
  int64_t confidence = 0;
  std::vector<std::pair<std::string, std::string>> parameters;
  std::string stdout_preview;
  std::string stderr_preview;
  Action action = Action::kNoRoute;
  std::string reason;
  std::string fingerprint;
  std::string service;
  std::optional<int> exit_code;           // null unless a process ran and exited
  std::optional<int64_t> duration_ms;     // null unless a process was started
  std::string decision_id;
};

// One JSON object, no newline. `timestamp` is fractional Unix seconds (microsecond
// precision), as the seed's Promtail `format: Unix` stage reads it.
std::string DecisionToJson(const Decision& d);

}  // namespace remediator::remediation

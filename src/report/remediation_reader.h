// Reads the remediations (the decisions that ran a playbook) out of a decision log, for
// `remediator report`. The decision log's format is docs/formats/decision-log.md.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace remediator::report {

struct Remediation {
  int64_t started_ns = 0;  // when the playbook started (the line's time minus duration_ms)
  int64_t ended_ns = 0;    // when it ended (the line's `timestamp`)
  std::string alert;
  std::string playbook;
  std::string service;  // the route's rendered service; "" when it named none
  std::string action;   // executed or timed_out
  bool success = false;
  std::string decision_id;
};

struct RemediationScan {
  std::vector<Remediation> remediations;  // in file order
  size_t lines = 0;
  size_t malformed = 0;           // lines that are not a decision object (skipped)
  size_t first_malformed_line = 0;  // 1-based; 0 when none
};

// The remediations in `jsonl` (the whole log's text) that started in [start_ns, end_ns).
// Only runs count: `executed` and `timed_out`; blocked decisions changed nothing.
RemediationScan ScanRemediations(std::string_view jsonl, int64_t start_ns, int64_t end_ns);

// The same from a file. kNotFound when it cannot be read.
Result<RemediationScan> ReadRemediations(const std::string& path, int64_t start_ns, int64_t end_ns);

}  // namespace remediator::report

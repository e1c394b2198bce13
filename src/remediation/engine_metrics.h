// Counters the engine keeps for /metrics. Not thread-safe: the engine holds its lock.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "remediation/action.h"

namespace remediator::remediation {

class EngineMetrics {
 public:
  void CountDecision(Action action, const std::string& playbook) {
    ++decisions_[{std::string(ActionName(action)), playbook}];
  }
  // result: "success", "failure", "timed_out", "failed_to_start".
  void CountExecution(const std::string& playbook, std::string_view result, double seconds);

  // Appends the counters and the histogram in Prometheus text format.
  void Append(std::string& out) const;

 private:
  static constexpr std::array<double, 10> kBuckets = {0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300};
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> buckets{};
    uint64_t count = 0;
    double sum = 0;
  };
  std::map<std::pair<std::string, std::string>, uint64_t> decisions_;   // (action, playbook)
  std::map<std::pair<std::string, std::string>, uint64_t> executions_;  // (playbook, result)
  std::map<std::string, Histogram> durations_;
};

}  // namespace remediator::remediation

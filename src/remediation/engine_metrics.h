// Counters the engine keeps for /metrics. Not thread-safe: the engine holds its lock.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "remediation/action.h"

namespace remediator::remediation {

class EngineMetrics {
 public:
  // Every decision comes here: an existing counter is found without building its key.
  void CountDecision(Action action, const std::string& playbook) {
    std::pair<std::string_view, std::string_view> key{ActionName(action), playbook};
    auto it = decisions_.find(key);
    if (it == decisions_.end()) {
      it = decisions_.emplace(std::pair<std::string, std::string>(key.first, key.second), 0).first;
    }
    ++it->second;
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
  // Orders pairs of strings, and finds by pairs of string_views.
  struct PairLess {
    using is_transparent = void;
    template <class A, class B>
    bool operator()(const A& a, const B& b) const {
      if (std::string_view(a.first) != std::string_view(b.first)) {
        return std::string_view(a.first) < std::string_view(b.first);
      }
      return std::string_view(a.second) < std::string_view(b.second);
    }
  };
  std::map<std::pair<std::string, std::string>, uint64_t, PairLess> decisions_;  // (action, playbook)
  std::map<std::pair<std::string, std::string>, uint64_t> executions_;  // (playbook, result)
  std::map<std::string, Histogram> durations_;
};

}  // namespace remediator::remediation

// A Runner for engine tests: returns scripted outcomes per playbook without spawning, records
// every RunSpec it was given, and can hold a playbook's runs until released.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "remediation/executor.h"

namespace remediator::remediation::testing {

class FakeRunner final : public Runner {
 public:
  // Later runs of `playbook` exit with `code` (default 0) after `duration_ns`.
  void SetExit(const std::string& playbook, int code, int64_t duration_ns = 1'000'000) {
    RunResult r;
    r.outcome = RunOutcome::kExited;
    r.exit_code = code;
    r.duration_ns = duration_ns;
    SetResult(playbook, std::move(r));
  }
  void SetResult(const std::string& playbook, RunResult r) {
    std::lock_guard<std::mutex> lock(mu_);
    results_[playbook] = std::move(r);
  }
  // Runs of `playbook` block until Release() (or 20 s, so a broken test cannot hang).
  void Hold(const std::string& playbook) {
    std::lock_guard<std::mutex> lock(mu_);
    held_.insert(playbook);
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    held_.clear();
    cv_.notify_all();
  }
  std::vector<RunSpec> runs() const {
    std::lock_guard<std::mutex> lock(mu_);
    return runs_;
  }

  RunResult Run(const RunSpec& spec) override {
    std::string playbook;
    for (const auto& [k, v] : spec.env) {
      if (k == "REMEDIATOR_PLAYBOOK") playbook = v;
    }
    std::unique_lock<std::mutex> lock(mu_);
    runs_.push_back(spec);
    cv_.wait_for(lock, std::chrono::seconds(20), [&] { return held_.count(playbook) == 0; });
    auto it = results_.find(playbook);
    if (it != results_.end()) return it->second;
    RunResult ok;
    ok.outcome = RunOutcome::kExited;
    ok.exit_code = 0;
    ok.duration_ns = 1'000'000;
    return ok;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, RunResult> results_;
  std::set<std::string> held_;
  std::vector<RunSpec> runs_;
};

}  // namespace remediator::remediation::testing

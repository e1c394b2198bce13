// A RemediationService that records what the HTTP layer asked of it.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

#include "remediation/service.h"

namespace remediator::http::testing {

class FakeService final : public remediation::RemediationService {
 public:
  Result<std::vector<remediation::DecisionSummary>> Submit(
      const alerts::Payload& payload) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++submits_;
    if (!submit_error_.ok()) return submit_error_;
    std::vector<remediation::DecisionSummary> out;
    for (const alerts::Alert& a : payload.alerts) {
      remediation::DecisionSummary d;
      d.decision_id = std::to_string(++next_id_);
      d.decision_id.insert(d.decision_id.begin(), 'd');
      d.alert = a.name();
      d.fingerprint = a.fingerprint;
      d.playbook = "restart-service";
      d.action = paused_ ? "paused" : "executed";
      d.reason = "queued";
      out.push_back(d);
    }
    return out;
  }
  Status SetPaused(bool paused) override {
    paused_ = paused;
    return Status::Ok();
  }
  bool paused() const override { return paused_; }
  Status ResetCircuit(std::string_view playbook) override {
    if (playbook != "restart-service") return NotFound(std::string("unknown playbook ").append(playbook));
    std::lock_guard<std::mutex> lock(mu_);
    resets_.emplace_back(playbook);
    return Status::Ok();
  }
  std::string StatusJson() const override { return R"({"paused":false,"circuits":{}})"; }
  void AppendMetrics(std::string& out) const override {
    out +=
        "# HELP remediator_decisions_total Decisions made, by action and playbook.\n"
        "# TYPE remediator_decisions_total counter\n"
        "remediator_decisions_total{action=\"executed\",playbook=\"restart-service\"} 1\n";
  }

  int submits() const {
    std::lock_guard<std::mutex> lock(mu_);
    return submits_;
  }
  std::vector<std::string> resets() const {
    std::lock_guard<std::mutex> lock(mu_);
    return resets_;
  }
  void set_submit_error(Status st) {
    std::lock_guard<std::mutex> lock(mu_);
    submit_error_ = std::move(st);
  }

 private:
  mutable std::mutex mu_;
  int submits_ = 0;
  int next_id_ = 0;
  Status submit_error_;
  std::vector<std::string> resets_;
  std::atomic<bool> paused_{false};
};

}  // namespace remediator::http::testing

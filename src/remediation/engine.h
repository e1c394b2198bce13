// The remediation engine: route -> guards -> executor -> decision log (DESIGN.md).
//
// Threading: every public method is thread-safe. Submit() decides synchronously (routing and
// guards under one lock, so concurrent webhooks see a consistent budget), writes the decision
// lines durably (group commit), queues executions and returns; worker threads run the
// playbooks and log each outcome as another decision line. The destructor stops accepting
// work, lets running playbooks finish (or kills them after their timeout) and joins the
// workers.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "alerts/payload.h"
#include "core/clock.h"
#include "core/status.h"
#include "remediation/config.h"
#include "remediation/executor.h"
#include "remediation/service.h"

namespace remediator::remediation {

struct EngineOptions {
  // Guard state in memory only (simulate, tests); otherwise SQLite at Config::state.
  bool in_memory_state = false;
  // false: decisions that would run a playbook are logged as "executed" (reason says
  // "simulated") and nothing is spawned (simulate).
  bool execute = true;
  // false: no decision-log file is written (simulate); the observer still sees every line.
  bool write_decision_log = true;
  // Called with every decision-log line (JSON, no newline) after it is recorded; for
  // decisions from the decision log's flusher thread (the caller's without a log file), for
  // execution outcomes from a worker thread. May be empty.
  std::function<void(std::string_view line)> observer;
  // Runs the playbooks (must outlive the engine). Null: real processes (ProcessRunner).
  Runner* runner = nullptr;
};

class Engine final : public RemediationService {
 public:
  // Opens the state (running migrations) and the decision log (repairing a torn last line),
  // and starts the workers. `clock` must outlive the engine.
  static Result<std::unique_ptr<Engine>> Create(const Config& config, Clock& clock,
                                                EngineOptions options = {});
  ~Engine() override;

  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // RemediationService.
  Result<std::vector<DecisionSummary>> Submit(const alerts::Payload& payload) override;
  void SubmitAsync(const alerts::Payload& payload, SubmitCallback done) override;
  void SubmitAsyncPrepared(const alerts::Payload& payload, PrepareCallback prepare,
                           RecordedCallback done) override;
  void HoldCommits() override;
  void ReleaseCommits() override;
  Status SetPaused(bool paused) override;
  bool paused() const override;
  Status ResetCircuit(std::string_view playbook) override;
  std::string StatusJson() const override;
  void AppendMetrics(std::string& out) const override;

  // Reopens the decision log at its configured path (call on SIGHUP; the engine also
  // notices by itself when logrotate renamed the file away).
  Status Reopen();

  // Blocks until no execution is queued or running, or `timeout_ns` of steady time passed.
  // Returns whether the engine went idle. For tests and orderly shutdown.
  bool WaitIdle(int64_t timeout_ns);

  // Stops taking executions (later Submits log blocked_busy with reason "shutting down"),
  // waits for running playbooks and joins the workers. Idempotent; the destructor calls it.
  void Shutdown();

  const Config& config() const;

  class Impl;

 private:
  explicit Engine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace remediator::remediation

// What the HTTP layer and the CLI need from the remediation engine. The engine implements
// it; tests of the HTTP layer use a fake.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "alerts/payload.h"
#include "core/status.h"

namespace remediator::remediation {

// The immediate answer for one alert of a webhook call (the execution outcome, if any,
// follows later as its own decision-log line).
struct DecisionSummary {
  std::string decision_id;
  std::string alert;
  std::string fingerprint;
  std::string playbook;
  std::string action;  // a decision-log action: "executed" (queued), "deduplicated", ...
  std::string reason;
};

class RemediationService {
 public:
  virtual ~RemediationService() = default;

  // Routes and guards every alert, records each decision durably (fsynced) and queues the
  // executions. Never waits for a playbook. kUnavailable/kInternal when the decisions could
  // not be recorded (the webhook answers 5xx so Alertmanager retries); nothing is executed
  // then.
  virtual Result<std::vector<DecisionSummary>> Submit(const alerts::Payload& payload) = 0;

  // Submit without blocking the caller on the decision log's fsync: `done` gets what Submit
  // would return, once the decisions are durable — possibly on another thread, possibly
  // before SubmitAsync returns. The default runs Submit inline. (Added for the event-loop
  // webhook path; additive.)
  using SubmitCallback = std::function<void(Result<std::vector<DecisionSummary>>)>;
  virtual void SubmitAsync(const alerts::Payload& payload, SubmitCallback done) {
    done(Submit(payload));
  }

  // SubmitAsync for a caller that builds its answer from the summaries: `prepare` gets
  // them before the decisions are recorded — on the calling thread, before this returns,
  // when the implementation can (the engine does), so the answer is made there and not on
  // the thread that completes the submit — and `done` runs once they are durable, with
  // what Submit's status would be (ok: the summaries stand; else nothing was recorded and
  // the caller answers the error). `prepare` runs before `done`, at most once; not when
  // deciding failed. The default goes through SubmitAsync. (Additive.)
  using PrepareCallback = std::function<void(const std::vector<DecisionSummary>&)>;
  using RecordedCallback = std::function<void(const Status&)>;
  virtual void SubmitAsyncPrepared(const alerts::Payload& payload, PrepareCallback prepare,
                                   RecordedCallback done) {
    SubmitAsync(payload, [prepare = std::move(prepare), done = std::move(done)](
                             Result<std::vector<DecisionSummary>> r) {
      if (!r.ok()) {
        done(r.status());
        return;
      }
      prepare(*r);
      done(Status::Ok());
    });
  }

  // A batching hint from a caller that submits several payloads in a row (the webhook event
  // loop, around each pass over its ready connections): between HoldCommits() and
  // ReleaseCommits() no new group commit of the decision log starts, so the decisions of
  // one pass share one write + fdatasync instead of the first one syncing alone. A commit
  // in progress is not affected. Every Hold needs its Release. The default does nothing.
  // (Added for the event-loop webhook path; additive.)
  virtual void HoldCommits() {}
  virtual void ReleaseCommits() {}

  // The kill switch: while paused every decision is logged as "paused" and nothing runs.
  // Persistent across restarts.
  virtual Status SetPaused(bool paused) = 0;
  virtual bool paused() const = 0;

  // Closes a playbook's circuit. kNotFound for an unknown playbook.
  virtual Status ResetCircuit(std::string_view playbook) = 0;

  // Guard state as a JSON object (for GET /api/v1/status).
  virtual std::string StatusJson() const = 0;

  // Appends the engine's metrics in Prometheus text format (decisions by action and
  // playbook, executions by result, duration histogram, circuit state, rate budget left).
  virtual void AppendMetrics(std::string& out) const = 0;
};

}  // namespace remediator::remediation

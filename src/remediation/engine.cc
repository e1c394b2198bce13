#include "remediation/engine.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include <fmt/format.h>

#include "core/duration.h"
#include "core/json_writer.h"
#include "core/labels.h"
#include "core/time_format.h"
#include "remediation/decision.h"
#include "remediation/decision_log.h"
#include "remediation/engine_metrics.h"
#include "remediation/executor.h"
#include "remediation/guards/circuit_breaker_guard.h"
#include "remediation/guards/idempotency_guard.h"
#include "remediation/guards/oscillation_guard.h"
#include "remediation/guards/protected_service_guard.h"
#include "remediation/guards/rate_limit_guard.h"
#include "remediation/router.h"
#include "remediation/state_store.h"

namespace remediator::remediation {
namespace {

// The environment every playbook starts from (plus its configured env and parameters).
constexpr const char* kPlaybookPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::string_view PhaseName(CircuitPhase p) {
  switch (p) {
    case CircuitPhase::kClosed: return "closed";
    case CircuitPhase::kOpen: return "open";
    case CircuitPhase::kHalfOpen: return "half_open";
  }
  return "closed";
}

// A run waiting for (or holding) a worker.
struct Job {
  Decision decision;  // alert, playbook, parameters, ... filled; the outcome is added
  RunSpec spec;
};

struct PlaybookQueue {
  std::deque<Job> jobs;
  int reserved = 0;  // decided but not yet handed to the queue (Submit in progress)
  bool running = false;
};

}  // namespace

class Engine::Impl {
 public:
  Impl(Config config, Clock& clock, EngineOptions options)
      : config_(std::move(config)),
        clock_(clock),
        options_(std::move(options)),
        protected_(config_.guards.protected_services),
        idempotency_(config_.guards.idempotency),
        circuit_(config_.guards.circuit_breaker),
        oscillation_(config_.guards.oscillation),
        rate_limit_(config_.guards.rate_limit) {
    // The documented order (docs/guards.md); the global rate limit last.
    chain_ = {&protected_, &idempotency_, &circuit_, &oscillation_, &rate_limit_};
    runner_ = options_.runner != nullptr ? options_.runner : &process_runner_;
    std::random_device rd;
    id_salt_ = rd() & 0xffff;
  }

  // The log's flusher may still be finishing submits, whose callbacks use everything else.
  ~Impl() { log_.reset(); }

  Status Init() {
    REMEDIATOR_ASSIGN_OR_RETURN(router_, Router::Create(config_));
    if (options_.in_memory_state) {
      state_ = NewMemoryStateStore();
    } else {
      REMEDIATOR_ASSIGN_OR_RETURN(state_, OpenSqliteStateStore(config_.state));
    }
    if (options_.write_decision_log) {
      REMEDIATOR_ASSIGN_OR_RETURN(log_, DecisionLog::Open(config_.decision_log));
    }
    REMEDIATOR_RETURN_IF_ERROR(RecoverPending());
    if (options_.execute) {
      for (int64_t i = 0; i < config_.executor.workers; ++i) {
        workers_.emplace_back([this] { WorkerLoop(); });
      }
    }
    return Status::Ok();
  }

  // Runs left over from a process that died between decision and outcome get their line.
  Status RecoverPending() {
    if (state_->pending().empty()) return Status::Ok();
    std::vector<std::string> lines;
    std::vector<std::string> ids;
    for (const auto& [id, json] : state_->pending()) {
      ids.push_back(id);
      lines.push_back(json);
    }
    REMEDIATOR_RETURN_IF_ERROR(Record(lines));
    for (const std::string& id : ids) state_->RemovePending(id);
    return state_->Commit();
  }

  // Writes lines to the decision log (when there is one) and shows them to the observer.
  Status Record(const std::vector<std::string>& lines) {
    if (lines.empty()) return Status::Ok();
    if (log_) REMEDIATOR_RETURN_IF_ERROR(log_->Append(lines));
    if (options_.observer) {
      for (const std::string& l : lines) options_.observer(l);
    }
    return Status::Ok();
  }

  std::string NewDecisionId(int64_t now_ns) {
    // 11 hex digits of milliseconds, 4 of salt, 6 of sequence (every decision: no fmt).
    uint64_t seq = ++seq_;
    std::string id(21, '0');
    auto hex = [&id](size_t at, size_t width, uint64_t v) {
      for (size_t i = at + width; i-- > at; v >>= 4) id[i] = "0123456789abcdef"[v & 0xf];
    };
    hex(0, 11, static_cast<uint64_t>(now_ns / kNanosPerMilli));
    hex(11, 4, id_salt_);
    hex(15, 6, seq);
    return id;
  }

  // Decides one alert. REQUIRES: mu_ held. Returns the decision; `job` is set when the
  // playbook is to run.
  Decision Decide(const alerts::Alert& alert, int64_t now, std::optional<Job>& job) {
    Decision d;
    d.timestamp_ns = now;
    d.alert = alert.name();
    d.fingerprint = alert.fingerprint;
    d.decision_id = NewDecisionId(now);
    const CompiledRoute* route = router_.Match(alert);
    if (route == nullptr) {
      d.action = alert.firing() ? Action::kNoRoute : Action::kIgnoredResolved;
      d.reason = alert.firing() ? "no route matches the alert's labels" : "resolved; no route";
      return d;
    }
    const PlaybookConfig& pb = *route->playbook;
    d.playbook = pb.name;
    d.confidence = route->config->confidence;
    d.service = route->service.Render(alert);
    for (const auto& [name, tmpl] : route->parameters) d.parameters.emplace_back(name, tmpl.Render(alert));
    if (!alert.firing() && !route->config->on_resolved) {
      d.action = Action::kIgnoredResolved;
      d.reason = "alert resolved; the route does not set on_resolved";
      return d;
    }
    if (state_->paused()) {
      d.action = Action::kPaused;
      d.reason = "remediation is paused (kill switch)";
      return d;
    }
    for (const auto& [name, value] : d.parameters) {
      for (const ParameterSpec& spec : pb.parameters) {
        if (spec.name != name || RE2::FullMatch(value, *spec.regex)) continue;
        d.action = Action::kInvalidParameters;
        d.reason = fmt::format("parameter {}={} does not match {}", name, GoQuote(value.substr(0, 200)),
                               spec.pattern);
        return d;
      }
    }
    if (d.confidence < config_.min_confidence) {
      d.action = Action::kSkippedLowConfidence;
      d.reason = fmt::format("confidence {} is below min_confidence {}", d.confidence,
                             config_.min_confidence);
      return d;
    }
    Candidate c;
    c.alert = &alert;
    c.alert_name = d.alert;
    c.playbook = &pb;
    c.service = d.service;
    c.parameters = &d.parameters;
    c.now_ns = now;
    for (const Guard* g : chain_) {
      Verdict v = g->Check(c, *state_);
      if (!v.pass) {
        d.action = v.action;
        d.reason = std::move(v.reason);
        return d;
      }
    }
    if (config_.dry_run || pb.dry_run) {
      for (const Guard* g : chain_) g->Record(c, false, *state_);
      d.action = Action::kDryRun;
      d.reason = config_.dry_run ? "dry_run is on: nothing was run" : "the playbook is in dry_run";
      return d;
    }
    if (!options_.execute) {
      for (const Guard* g : chain_) g->Record(c, false, *state_);
      d.action = Action::kExecuted;
      d.reason = "simulated: every check passed; nothing was run";
      return d;
    }
    PlaybookQueue& q = queues_[pb.name];
    if (stopping_) {
      d.action = Action::kBlockedBusy;
      d.reason = "remediator is shutting down";
      return d;
    }
    // One run at a time per playbook, `queue_size` more may wait.
    int64_t held = static_cast<int64_t>(q.jobs.size()) + q.reserved + (q.running ? 1 : 0);
    if (held > config_.executor.queue_size) {
      d.action = Action::kBlockedBusy;
      d.reason = fmt::format("{} is running with {} runs waiting (queue_size {})", pb.name,
                             held - 1, config_.executor.queue_size);
      return d;
    }
    for (const Guard* g : chain_) g->Record(c, true, *state_);
    ++q.reserved;
    d.action = Action::kExecuted;
    d.reason = "queued";
    job.emplace();
    job->decision = d;
    job->spec = BuildSpec(pb, alert, d);
    return d;
  }

  RunSpec BuildSpec(const PlaybookConfig& pb, const alerts::Alert& alert, const Decision& d) const {
    std::map<std::string, std::string> env;
    env["PATH"] = kPlaybookPath;
    for (const auto& [k, v] : pb.env) env[k] = v;
    env["REMEDIATOR_ALERT"] = d.alert;
    env["REMEDIATOR_FINGERPRINT"] = d.fingerprint;
    env["REMEDIATOR_PLAYBOOK"] = d.playbook;
    env["REMEDIATOR_SERVICE"] = d.service;
    env["REMEDIATOR_DECISION_ID"] = d.decision_id;
    env["REMEDIATOR_STATUS"] = alert.status;
    for (const auto& [name, value] : d.parameters) env["REMEDIATOR_PARAM_" + Upper(name)] = value;
    RunSpec spec;
    spec.argv = pb.command;
    spec.env.assign(env.begin(), env.end());
    spec.working_dir = pb.working_dir;
    spec.timeout_ns = pb.timeout_ns;
    spec.kill_grace_ns = config_.executor.kill_grace_ns;
    spec.output_limit = static_cast<size_t>(config_.executor.output_limit);
    return spec;
  }

  Result<std::vector<DecisionSummary>> Submit(const alerts::Payload& payload) {
    struct Waiter {
      std::mutex mu;
      std::condition_variable cv;
      std::optional<Result<std::vector<DecisionSummary>>> result;
    } w;
    SubmitAsync(payload, [&w](Result<std::vector<DecisionSummary>> r) {
      std::lock_guard<std::mutex> lock(w.mu);
      w.result.emplace(std::move(r));
      w.cv.notify_one();  // under the lock: `w` lives on the caller's stack
    });
    std::unique_lock<std::mutex> lock(w.mu);
    w.cv.wait(lock, [&] { return w.result.has_value(); });
    return std::move(*w.result);
  }

  // A payload's decisions, made and not yet recorded.
  struct Decided {
    std::shared_ptr<std::vector<std::string>> lines;  // the decision-log lines
    std::vector<Job> jobs;                             // runs to queue once they are durable
    std::vector<DecisionSummary> summaries;
  };

  // Routes and guards every alert (the caller records the result with RecordAsync).
  Result<Decided> DecidePayload(const alerts::Payload& payload) {
    // Under the lock only what must be consistent across concurrent webhooks: routing, the
    // guards (check and record) and the durable state of runs about to be queued. The
    // decision lines are built outside it, and written by the log's group commit.
    std::vector<Decision> decisions;
    decisions.reserve(payload.alerts.size());
    std::vector<bool> queued;  // per decision: a run was queued (its line is the outcome's)
    queued.reserve(payload.alerts.size());
    Decided out;
    {
      std::lock_guard<std::mutex> lock(mu_);
      int64_t now = clock_.NowNs();
      for (const alerts::Alert& alert : payload.alerts) {
        std::optional<Job> job;
        decisions.push_back(Decide(alert, now, job));
        queued.push_back(job.has_value());
        Decision& d = decisions.back();
        if (!job) {
          metrics_.CountDecision(d.action, d.playbook);  // runs count at their outcome
          continue;
        }
        // Kept durably until the outcome line is written (or recovered at restart).
        Decision pending = d;
        pending.reason = "interrupted: remediator stopped before the run's outcome was recorded";
        state_->AddPending(PendingRun{d.decision_id, DecisionToJson(pending)});
        out.jobs.push_back(std::move(*job));
      }
      // A no-op unless a decision changed guard state (only runs and dry runs do).
      Status st = state_->Commit();
      if (!st.ok()) {
        ReleaseReservations(out.jobs);
        return st;
      }
    }
    out.lines = std::make_shared<std::vector<std::string>>();
    out.lines->reserve(decisions.size());
    out.summaries.reserve(decisions.size());
    for (size_t i = 0; i < decisions.size(); ++i) {
      Decision& d = decisions[i];
      if (!queued[i]) out.lines->push_back(DecisionToJson(d));
      out.summaries.push_back(DecisionSummary{std::move(d.decision_id), std::move(d.alert),
                                              std::move(d.fingerprint), std::move(d.playbook),
                                              std::string(ActionName(d.action)),
                                              std::move(d.reason)});
    }
    return out;
  }

  // Writes the decided lines through the log's group commit; once they are durable (or
  // not) shows them to the observer, queues (or forgets) the runs, then calls `then(status)`.
  template <typename Then>
  void RecordAsync(std::shared_ptr<std::vector<std::string>> lines, std::vector<Job> jobs, Then then) {
    auto finish = [this, lines, jobs = std::move(jobs), then = std::move(then)](const Status& st) mutable {
      if (st.ok() && options_.observer) {
        for (const std::string& l : *lines) options_.observer(l);
      }
      if (!jobs.empty()) QueueJobs(st, jobs);
      then(st);
    };
    if (log_) {
      log_->AppendAsync(*lines, std::move(finish));
    } else {
      finish(Status::Ok());
    }
  }

  void SubmitAsync(const alerts::Payload& payload, SubmitCallback done) {
    Result<Decided> d = DecidePayload(payload);
    if (!d.ok()) {
      done(d.status());
      return;
    }
    RecordAsync(std::move(d->lines), std::move(d->jobs),
                [summaries = std::move(d->summaries), done = std::move(done)](const Status& st) mutable {
                  if (!st.ok()) {
                    done(st);
                    return;
                  }
                  done(std::move(summaries));
                });
  }

  void SubmitAsyncPrepared(const alerts::Payload& payload, PrepareCallback prepare,
                           RecordedCallback done) {
    Result<Decided> d = DecidePayload(payload);
    if (!d.ok()) {
      done(d.status());
      return;
    }
    prepare(d->summaries);  // here, on the caller's thread, before the lines are queued
    RecordAsync(std::move(d->lines), std::move(d->jobs), std::move(done));
  }

  // After the decision lines were recorded (or not): queue the runs, or — when they could
  // not be recorded — forget them (nothing runs; the caller answers 5xx).
  void QueueJobs(const Status& recorded, std::vector<Job>& jobs) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!recorded.ok()) {
      for (const Job& j : jobs) state_->RemovePending(j.decision.decision_id);
      (void)state_->Commit();
      ReleaseReservations(jobs);
      return;
    }
    for (Job& j : jobs) {
      std::string playbook = j.decision.playbook;
      PlaybookQueue& q = queues_[playbook];
      --q.reserved;
      q.jobs.push_back(std::move(j));
      if (!q.running && q.jobs.size() == 1) ready_.push_back(playbook);
    }
    work_cv_.notify_all();
  }

  // REQUIRES: mu_ held.
  void ReleaseReservations(const std::vector<Job>& jobs) {
    for (const Job& j : jobs) --queues_[j.decision.playbook].reserved;
    idle_cv_.notify_all();
  }

  void WorkerLoop() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      work_cv_.wait(lock, [&] { return stopping_ || !ready_.empty(); });
      if (ready_.empty()) return;  // stopping and nothing ready
      std::string playbook = std::move(ready_.front());
      ready_.pop_front();
      PlaybookQueue& q = queues_[playbook];
      if (q.jobs.empty() || q.running) continue;
      Job job = std::move(q.jobs.front());
      q.jobs.pop_front();
      q.running = true;
      ++running_;
      bool cancelled = stopping_;
      lock.unlock();

      Decision d = cancelled ? Cancelled(std::move(job)) : Execute(std::move(job));
      std::string line = DecisionToJson(d);
      Status logged = Record({line});

      lock.lock();
      if (!cancelled) {
        bool success = d.action == Action::kExecuted && d.success;
        circuit_.OnOutcome(d.playbook, success, clock_.NowNs(), *state_);
        std::string_view result = d.action == Action::kTimedOut        ? "timed_out"
                                  : d.action == Action::kFailedToStart ? "failed_to_start"
                                  : success                            ? "success"
                                                                       : "failure";
        metrics_.CountExecution(d.playbook, result,
                                static_cast<double>(d.duration_ms.value_or(0)) / 1000.0);
      }
      metrics_.CountDecision(d.action, d.playbook);
      // The line is durable: forget the pending record (else recovery writes it at start).
      if (logged.ok()) state_->RemovePending(d.decision_id);
      (void)state_->Commit();
      q.running = false;
      --running_;
      if (!q.jobs.empty()) ready_.push_back(playbook);
      work_cv_.notify_all();
      idle_cv_.notify_all();
    }
  }

  Decision Cancelled(Job job) {
    Decision d = std::move(job.decision);
    d.timestamp_ns = clock_.NowNs();
    d.action = Action::kBlockedBusy;
    d.reason = "remediator shut down before the run started";
    return d;
  }

  Decision Execute(Job job) {
    RunResult r = runner_->Run(job.spec);
    Decision d = std::move(job.decision);
    d.timestamp_ns = clock_.NowNs();
    d.stdout_preview = std::move(r.stdout_preview);
    d.stderr_preview = std::move(r.stderr_preview);
    switch (r.outcome) {
      case RunOutcome::kExited:
        d.action = Action::kExecuted;
        d.success = r.exit_code == 0;
        d.exit_code = r.exit_code;
        d.duration_ms = r.duration_ns / kNanosPerMilli;
        d.reason = fmt::format("exit status {}", r.exit_code);
        break;
      case RunOutcome::kTimedOut:
        d.action = Action::kTimedOut;
        d.exit_code = r.exit_code;
        d.duration_ms = r.duration_ns / kNanosPerMilli;
        d.reason = fmt::format("no exit within the timeout of {}; process group killed",
                               FormatDuration(job.spec.timeout_ns));
        break;
      case RunOutcome::kFailedToStart:
        d.action = Action::kFailedToStart;
        d.reason = r.error;
        break;
    }
    return d;
  }

  bool WaitIdle(int64_t timeout_ns) {
    std::unique_lock<std::mutex> lock(mu_);
    auto idle = [&] {
      if (running_ > 0) return false;
      for (const auto& [name, q] : queues_) {
        if (!q.jobs.empty() || q.reserved > 0) return false;
      }
      return true;
    };
    return idle_cv_.wait_for(lock, std::chrono::nanoseconds(timeout_ns), idle);
  }

  void Shutdown() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_ && workers_.empty()) return;
      stopping_ = true;
    }
    work_cv_.notify_all();
    for (std::thread& t : workers_) t.join();
    workers_.clear();
  }

  Status SetPaused(bool paused) {
    std::lock_guard<std::mutex> lock(mu_);
    state_->SetPaused(paused);
    return state_->Commit();
  }

  bool paused() const {
    std::lock_guard<std::mutex> lock(mu_);
    return state_->paused();
  }

  Status ResetCircuit(std::string_view playbook) {
    if (config_.FindPlaybook(playbook) == nullptr) {
      return NotFound(fmt::format("unknown playbook \"{}\"", playbook));
    }
    std::lock_guard<std::mutex> lock(mu_);
    state_->PutCircuit(playbook, CircuitRecord{});
    return state_->Commit();
  }

  std::string StatusJson() const {
    std::lock_guard<std::mutex> lock(mu_);
    int64_t now = clock_.NowNs();
    std::string out = "{\"paused\":";
    out += state_->paused() ? "true" : "false";
    out += fmt::format(",\"dry_run\":{}", config_.dry_run ? "true" : "false");
    out += fmt::format(
        ",\"rate_limit\":{{\"max\":{},\"window_seconds\":{},\"remaining\":{}}}",
        config_.guards.rate_limit.max, config_.guards.rate_limit.window_ns / kNanosPerSecond,
        rate_limit_.Remaining(*state_, now));
    out += ",\"playbooks\":{";
    bool first = true;
    for (const auto& [name, pb] : config_.playbooks) {
      if (!first) out += ',';
      first = false;
      CircuitRecord r = state_->GetCircuit(name);
      auto it = queues_.find(name);
      size_t queued = it == queues_.end() ? 0 : it->second.jobs.size();
      bool running = it != queues_.end() && it->second.running;
      AppendJsonString(out, name);
      out += fmt::format(
          ":{{\"circuit\":\"{}\",\"consecutive_failures\":{},\"opened_at\":{},\"running\":{},"
          "\"queued\":{},\"dry_run\":{}}}",
          PhaseName(r.phase), r.failures,
          r.phase == CircuitPhase::kClosed ? std::string("null")
                                           : JsonString(FormatRfc3339Nano(r.opened_at_ns)),
          running ? "true" : "false", queued, pb.dry_run ? "true" : "false");
    }
    out += "}}";
    return out;
  }

  void AppendMetrics(std::string& out) const {
    std::lock_guard<std::mutex> lock(mu_);
    metrics_.Append(out);
    out += "# HELP remediator_circuit_state Circuit per playbook: 0 closed, 1 open, 2 half-open.\n";
    out += "# TYPE remediator_circuit_state gauge\n";
    for (const auto& [name, pb] : config_.playbooks) {
      out += fmt::format("remediator_circuit_state{{playbook={}}} {}\n", GoQuote(name),
                         static_cast<int>(state_->GetCircuit(name).phase));
    }
    out += "# HELP remediator_rate_limit_remaining Runs left in the current rate-limit window.\n";
    out += "# TYPE remediator_rate_limit_remaining gauge\n";
    out += fmt::format("remediator_rate_limit_remaining {}\n",
                       rate_limit_.Remaining(*state_, clock_.NowNs()));
    out += "# HELP remediator_paused 1 while the kill switch is on.\n";
    out += "# TYPE remediator_paused gauge\n";
    out += fmt::format("remediator_paused {}\n", state_->paused() ? 1 : 0);
    out += "# HELP remediator_queued_runs Runs waiting per playbook.\n";
    out += "# TYPE remediator_queued_runs gauge\n";
    for (const auto& [name, q] : queues_) {
      out += fmt::format("remediator_queued_runs{{playbook={}}} {}\n", GoQuote(name), q.jobs.size());
    }
  }

  Status Reopen() { return log_ ? log_->Reopen() : Status::Ok(); }

  void HoldCommits() {
    if (log_) log_->Hold();
  }
  void ReleaseCommits() {
    if (log_) log_->Release();
  }

  const Config& config() const { return config_; }

 private:
  const Config config_;
  Clock& clock_;
  const EngineOptions options_;
  Router router_;
  ProtectedServiceGuard protected_;
  IdempotencyGuard idempotency_;
  CircuitBreakerGuard circuit_;
  OscillationGuard oscillation_;
  RateLimitGuard rate_limit_;
  std::vector<const Guard*> chain_;
  ProcessRunner process_runner_;
  Runner* runner_ = nullptr;
  std::unique_ptr<DecisionLog> log_;  // null when not writing a file

  mutable std::mutex mu_;  // guards everything below
  std::unique_ptr<StateStore> state_;
  std::map<std::string, PlaybookQueue> queues_;
  std::deque<std::string> ready_;  // playbooks with queued runs and none running
  int running_ = 0;
  bool stopping_ = false;
  std::condition_variable work_cv_;
  std::condition_variable idle_cv_;
  std::vector<std::thread> workers_;
  EngineMetrics metrics_;
  uint64_t seq_ = 0;
  uint32_t id_salt_ = 0;
};

Result<std::unique_ptr<Engine>> Engine::Create(const Config& config, Clock& clock,
                                               EngineOptions options) {
  auto impl = std::make_unique<Impl>(config, clock, std::move(options));
  REMEDIATOR_RETURN_IF_ERROR(impl->Init());
  return std::unique_ptr<Engine>(new Engine(std::move(impl)));
}

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() { Shutdown(); }

Result<std::vector<DecisionSummary>> Engine::Submit(const alerts::Payload& payload) {
  return impl_->Submit(payload);
}
void Engine::SubmitAsync(const alerts::Payload& payload, SubmitCallback done) {
  impl_->SubmitAsync(payload, std::move(done));
}
void Engine::SubmitAsyncPrepared(const alerts::Payload& payload, PrepareCallback prepare,
                                 RecordedCallback done) {
  impl_->SubmitAsyncPrepared(payload, std::move(prepare), std::move(done));
}
void Engine::HoldCommits() { impl_->HoldCommits(); }
void Engine::ReleaseCommits() { impl_->ReleaseCommits(); }
Status Engine::SetPaused(bool paused) { return impl_->SetPaused(paused); }
bool Engine::paused() const { return impl_->paused(); }
Status Engine::ResetCircuit(std::string_view playbook) { return impl_->ResetCircuit(playbook); }
std::string Engine::StatusJson() const { return impl_->StatusJson(); }
void Engine::AppendMetrics(std::string& out) const { impl_->AppendMetrics(out); }
Status Engine::Reopen() { return impl_->Reopen(); }
bool Engine::WaitIdle(int64_t timeout_ns) { return impl_->WaitIdle(timeout_ns); }
void Engine::Shutdown() { impl_->Shutdown(); }
const Config& Engine::config() const { return impl_->config(); }

}  // namespace remediator::remediation

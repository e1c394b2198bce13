#include "remediation/guards/circuit_breaker_guard.h"

#include <fmt/format.h>

#include "core/duration.h"

namespace remediator::remediation {

Verdict CircuitBreakerGuard::Check(const Candidate& c, const StateStore& state) const {
  CircuitRecord r = state.GetCircuit(c.playbook->name);
  switch (r.phase) {
    case CircuitPhase::kClosed:
      return Verdict::Pass();
    case CircuitPhase::kOpen:
      if (c.now_ns >= r.opened_at_ns + cfg_.cooldown_ns) return Verdict::Pass();  // the trial
      return Verdict::Block(
          Action::kBlockedCircuitOpen,
          fmt::format("circuit of {} open after {} consecutive failures; half-open in {}",
                      c.playbook->name, r.failures,
                      FormatDuration(r.opened_at_ns + cfg_.cooldown_ns - c.now_ns)));
    case CircuitPhase::kHalfOpen:
      return Verdict::Block(Action::kBlockedCircuitOpen,
                            fmt::format("circuit of {} half-open: a trial run is in progress",
                                        c.playbook->name));
  }
  return Verdict::Pass();
}

void CircuitBreakerGuard::Record(const Candidate& c, bool will_run, StateStore& state) const {
  if (!will_run) return;
  CircuitRecord r = state.GetCircuit(c.playbook->name);
  if (r.phase == CircuitPhase::kOpen) {
    r.phase = CircuitPhase::kHalfOpen;
    state.PutCircuit(c.playbook->name, r);
  }
}

void CircuitBreakerGuard::OnOutcome(std::string_view playbook, bool success, int64_t now_ns,
                                    StateStore& state) const {
  CircuitRecord r = state.GetCircuit(playbook);
  if (success) {
    if (r.phase == CircuitPhase::kClosed && r.failures == 0) return;
    state.PutCircuit(playbook, CircuitRecord{});
    return;
  }
  ++r.failures;
  if (r.phase == CircuitPhase::kHalfOpen || r.failures >= cfg_.failures) {
    r.phase = CircuitPhase::kOpen;
    r.opened_at_ns = now_ns;
  }
  state.PutCircuit(playbook, r);
}

}  // namespace remediator::remediation

#pragma once

#include "remediation/guard.h"

namespace remediator::remediation {

// Per playbook: `failures` consecutive failed runs open the circuit; after `cooldown` one
// trial run passes (half-open) and the others stay blocked until its outcome; a success
// closes the circuit, a failure opens it again for another cooldown.
class CircuitBreakerGuard final : public Guard {
 public:
  explicit CircuitBreakerGuard(CircuitBreakerConfig cfg) : cfg_(cfg) {}
  std::string_view name() const override { return "circuit_breaker"; }
  Verdict Check(const Candidate& c, const StateStore& state) const override;
  void Record(const Candidate& c, bool will_run, StateStore& state) const override;

  // A run of `playbook` finished (success = exit status 0; timeouts and spawn failures
  // are failures).
  void OnOutcome(std::string_view playbook, bool success, int64_t now_ns, StateStore& state) const;

 private:
  CircuitBreakerConfig cfg_;
};

}  // namespace remediator::remediation

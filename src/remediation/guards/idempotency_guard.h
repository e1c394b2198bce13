#pragma once

#include <string>

#include "remediation/guard.h"

namespace remediator::remediation {

// The same alert occurrence (fingerprint + startsAt) and playbook runs once per window:
// Alertmanager re-sends on repeat_interval and retries, HA replicas send twice.
class IdempotencyGuard final : public Guard {
 public:
  explicit IdempotencyGuard(IdempotencyConfig cfg);
  std::string_view name() const override { return "idempotency"; }
  Verdict Check(const Candidate& c, const StateStore& state) const override;
  void Record(const Candidate& c, bool will_run, StateStore& state) const override;

  static void Key(const Candidate& c, KeyBuffer& key);

 private:
  IdempotencyConfig cfg_;
  std::string window_;  // the window as text, made once
};

}  // namespace remediator::remediation

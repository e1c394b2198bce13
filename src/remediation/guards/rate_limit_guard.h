#pragma once

#include <string>

#include "remediation/guard.h"

namespace remediator::remediation {

// The global budget: at most `max` runs (all playbooks together) in any sliding window.
// Last in the chain, so alerts blocked by another guard spend nothing.
class RateLimitGuard final : public Guard {
 public:
  explicit RateLimitGuard(RateLimitConfig cfg);
  std::string_view name() const override { return "rate_limit"; }
  Verdict Check(const Candidate& c, const StateStore& state) const override;
  void Record(const Candidate& c, bool will_run, StateStore& state) const override;

  // Runs left in the window ending at `now_ns`.
  int64_t Remaining(const StateStore& state, int64_t now_ns) const;

 private:
  RateLimitConfig cfg_;
  std::string exhausted_;  // the fixed start of a block's reason, made once
};

}  // namespace remediator::remediation

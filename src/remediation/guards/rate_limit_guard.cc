#include "remediation/guards/rate_limit_guard.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/duration.h"

namespace remediator::remediation {

RateLimitGuard::RateLimitGuard(RateLimitConfig cfg)
    : cfg_(cfg),
      exhausted_(fmt::format("{} runs in the last {} (limit {})", cfg_.max,
                             FormatDuration(cfg_.window_ns), cfg_.max)) {}

int64_t RateLimitGuard::Remaining(const StateStore& state, int64_t now_ns) const {
  int64_t used = state.CountEvents(EventKind::kExecution, "", now_ns - cfg_.window_ns + 1);
  return std::max<int64_t>(0, cfg_.max - used);
}

Verdict RateLimitGuard::Check(const Candidate& c, const StateStore& state) const {
  if (Remaining(state, c.now_ns) > 0) return Verdict::Pass();
  int64_t oldest = state.OldestEvent(EventKind::kExecution, "", c.now_ns - cfg_.window_ns + 1);
  // Every alert past the budget lands here: the fixed part of the reason is made once.
  std::string reason = exhausted_;
  if (oldest != INT64_MAX) {
    reason += "; next slot in ";
    reason += FormatDuration(oldest + cfg_.window_ns - c.now_ns);
  }
  return Verdict::Block(Action::kBlockedRateLimit, std::move(reason));
}

void RateLimitGuard::Record(const Candidate& c, bool, StateStore& state) const {
  state.AddEvent(EventKind::kExecution, "", c.now_ns, c.now_ns - cfg_.window_ns + 1);
}

}  // namespace remediator::remediation

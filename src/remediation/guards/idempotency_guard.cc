#include "remediation/guards/idempotency_guard.h"

#include <fmt/format.h>

#include "core/duration.h"

namespace remediator::remediation {

std::string IdempotencyGuard::Key(const Candidate& c) {
  return fmt::format("{}|{}|{}", c.alert->fingerprint, c.alert->starts_at_ns, c.playbook->name);
}

Verdict IdempotencyGuard::Check(const Candidate& c, const StateStore& state) const {
  int64_t since = c.now_ns - cfg_.window_ns + 1;
  int64_t first = state.OldestEvent(EventKind::kIdempotency, Key(c), since);
  if (first == INT64_MAX) return Verdict::Pass();
  return Verdict::Block(
      Action::kDeduplicated,
      fmt::format("alert {} (same startsAt) already handled by {} {} ago (window {})",
                  c.alert->fingerprint, c.playbook->name, FormatDuration(c.now_ns - first),
                  FormatDuration(cfg_.window_ns)));
}

void IdempotencyGuard::Record(const Candidate& c, bool, StateStore& state) const {
  state.AddEvent(EventKind::kIdempotency, Key(c), c.now_ns, c.now_ns - cfg_.window_ns + 1);
}

}  // namespace remediator::remediation

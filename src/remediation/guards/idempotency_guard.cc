#include "remediation/guards/idempotency_guard.h"

#include <charconv>

#include <fmt/compile.h>
#include <fmt/format.h>

#include "core/duration.h"

namespace remediator::remediation {

std::string IdempotencyGuard::Key(const Candidate& c) {
  // "fingerprint|startsAt|playbook", built in one allocation (this runs for every decision).
  char num[24];
  char* end = std::to_chars(num, num + sizeof num, c.alert->starts_at_ns).ptr;
  const std::string& fp = c.alert->fingerprint;
  const std::string& pb = c.playbook->name;
  std::string key;
  key.reserve(fp.size() + static_cast<size_t>(end - num) + pb.size() + 2);
  key.append(fp).append(1, '|').append(num, end).append(1, '|').append(pb);
  return key;
}

Verdict IdempotencyGuard::Check(const Candidate& c, const StateStore& state) const {
  int64_t since = c.now_ns - cfg_.window_ns + 1;
  int64_t first = state.OldestEvent(EventKind::kIdempotency, Key(c), since);
  if (first == INT64_MAX) return Verdict::Pass();
  return Verdict::Block(
      Action::kDeduplicated,
      fmt::format(FMT_COMPILE("alert {} (same startsAt) already handled by {} {} ago (window {})"),
                  c.alert->fingerprint, c.playbook->name, FormatDuration(c.now_ns - first),
                  FormatDuration(cfg_.window_ns)));
}

void IdempotencyGuard::Record(const Candidate& c, bool, StateStore& state) const {
  state.AddEvent(EventKind::kIdempotency, Key(c), c.now_ns, c.now_ns - cfg_.window_ns + 1);
}

}  // namespace remediator::remediation

#include "remediation/guards/idempotency_guard.h"

#include <charconv>

#include <fmt/compile.h>
#include <fmt/format.h>

#include "core/duration.h"

namespace remediator::remediation {

IdempotencyGuard::IdempotencyGuard(IdempotencyConfig cfg)
    : cfg_(cfg), window_(FormatDuration(cfg_.window_ns)) {}

void IdempotencyGuard::Key(const Candidate& c, KeyBuffer& key) {
  // "fingerprint|startsAt|playbook" (this runs for every decision).
  char num[24];
  char* end = std::to_chars(num, num + sizeof num, c.alert->starts_at_ns).ptr;
  const std::string& fp = c.alert->fingerprint;
  const std::string& pb = c.playbook->name;
  key.append(fp.data(), fp.data() + fp.size());
  key.push_back('|');
  key.append(num, end);
  key.push_back('|');
  key.append(pb.data(), pb.data() + pb.size());
}

Verdict IdempotencyGuard::Check(const Candidate& c, const StateStore& state) const {
  int64_t since = c.now_ns - cfg_.window_ns + 1;
  KeyBuffer key;
  Key(c, key);
  int64_t first = state.OldestEvent(EventKind::kIdempotency, View(key), since);
  if (first == INT64_MAX) return Verdict::Pass();
  return Verdict::Block(
      Action::kDeduplicated,
      fmt::format(FMT_COMPILE("alert {} (same startsAt) already handled by {} {} ago (window {})"),
                  c.alert->fingerprint, c.playbook->name, FormatDuration(c.now_ns - first),
                  window_));
}

void IdempotencyGuard::Record(const Candidate& c, bool, StateStore& state) const {
  KeyBuffer key;
  Key(c, key);
  state.AddEvent(EventKind::kIdempotency, View(key), c.now_ns, c.now_ns - cfg_.window_ns + 1);
}

}  // namespace remediator::remediation

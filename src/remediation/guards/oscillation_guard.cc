#include "remediation/guards/oscillation_guard.h"

#include <fmt/format.h>

#include "core/duration.h"

namespace remediator::remediation {

std::string OscillationGuard::Key(const Candidate& c) {
  std::string key;
  key.reserve(c.alert_name.size() + 1 + c.playbook->name.size());
  key.append(c.alert_name).append(1, '|').append(c.playbook->name);
  return key;
}

Verdict OscillationGuard::Check(const Candidate& c, const StateStore& state) const {
  // The seed keeps times strictly inside (now - window, now].
  int64_t n = state.CountEvents(EventKind::kOscillation, Key(c), c.now_ns - cfg_.window_ns + 1);
  if (n < cfg_.threshold) return Verdict::Pass();
  return Verdict::Block(Action::kBlockedOscillation,
                        fmt::format("{} triggers of {} -> {} in the last {} (threshold {})", n,
                                    c.alert_name, c.playbook->name, FormatDuration(cfg_.window_ns),
                                    cfg_.threshold));
}

void OscillationGuard::Record(const Candidate& c, bool, StateStore& state) const {
  state.AddEvent(EventKind::kOscillation, Key(c), c.now_ns, c.now_ns - cfg_.window_ns + 1);
}

}  // namespace remediator::remediation

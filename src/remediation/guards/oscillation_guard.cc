#include "remediation/guards/oscillation_guard.h"

#include <fmt/format.h>

#include "core/duration.h"

namespace remediator::remediation {

void OscillationGuard::Key(const Candidate& c, KeyBuffer& key) {
  const std::string& pb = c.playbook->name;
  key.append(c.alert_name.data(), c.alert_name.data() + c.alert_name.size());
  key.push_back('|');
  key.append(pb.data(), pb.data() + pb.size());
}

Verdict OscillationGuard::Check(const Candidate& c, const StateStore& state) const {
  // The seed keeps times strictly inside (now - window, now].
  KeyBuffer key;
  Key(c, key);
  int64_t n = state.CountEvents(EventKind::kOscillation, View(key), c.now_ns - cfg_.window_ns + 1);
  if (n < cfg_.threshold) return Verdict::Pass();
  return Verdict::Block(Action::kBlockedOscillation,
                        fmt::format("{} triggers of {} -> {} in the last {} (threshold {})", n,
                                    c.alert_name, c.playbook->name, FormatDuration(cfg_.window_ns),
                                    cfg_.threshold));
}

void OscillationGuard::Record(const Candidate& c, bool, StateStore& state) const {
  KeyBuffer key;
  Key(c, key);
  state.AddEvent(EventKind::kOscillation, View(key), c.now_ns, c.now_ns - cfg_.window_ns + 1);
}

}  // namespace remediator::remediation

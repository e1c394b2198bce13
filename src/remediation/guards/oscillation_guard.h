#pragma once

#include <string>

#include "remediation/guard.h"

namespace remediator::remediation {

// The seed's loop detector: a trigger of alert + playbook is blocked when `threshold`
// triggers of the same pair already passed in the last `window` (so with 3 / 15m the 4th
// is blocked). Only triggers that passed every guard count.
class OscillationGuard final : public Guard {
 public:
  explicit OscillationGuard(OscillationConfig cfg) : cfg_(cfg) {}
  std::string_view name() const override { return "oscillation"; }
  Verdict Check(const Candidate& c, const StateStore& state) const override;
  void Record(const Candidate& c, bool will_run, StateStore& state) const override;

  static void Key(const Candidate& c, KeyBuffer& key);

 private:
  OscillationConfig cfg_;
};

}  // namespace remediator::remediation

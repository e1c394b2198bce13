// One safety layer between a routed alert and its playbook.
//
// The engine runs the guards in a fixed order (protected service -> idempotency -> circuit
// breaker -> oscillation -> rate limit; docs/guards.md) and stops at the first that blocks.
// Check() has no side effects, so a blocked alert leaves no trace in any guard. When every
// guard passed and the run is going ahead (or is a dry run), Record() is called on each of
// them, in order, to remember what later checks need.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "alerts/payload.h"
#include "remediation/action.h"
#include "remediation/config.h"
#include "remediation/state_store.h"

namespace remediator::remediation {

// What the guards look at. Views point into the engine's data for the length of one
// decision.
struct Candidate {
  const alerts::Alert* alert = nullptr;
  std::string_view alert_name;
  const PlaybookConfig* playbook = nullptr;
  std::string_view service;  // rendered from the route; may be empty
  const std::vector<std::pair<std::string, std::string>>* parameters = nullptr;  // rendered
  int64_t now_ns = 0;
};

struct Verdict {
  bool pass = true;
  Action action = Action::kExecuted;  // the blocking action when !pass
  std::string reason;

  static Verdict Pass() { return Verdict{}; }
  static Verdict Block(Action a, std::string reason) { return Verdict{false, a, std::move(reason)}; }
};

// A state key built per decision: on the stack unless it is unusually long (no allocation
// on the hot path).
using KeyBuffer = fmt::basic_memory_buffer<char, 160>;
inline std::string_view View(const KeyBuffer& b) { return {b.data(), b.size()}; }

class Guard {
 public:
  virtual ~Guard() = default;
  virtual std::string_view name() const = 0;
  virtual Verdict Check(const Candidate& c, const StateStore& state) const = 0;
  // `will_run` is false for dry runs (nothing will report an outcome).
  virtual void Record(const Candidate& c, bool will_run, StateStore& state) const = 0;
};

}  // namespace remediator::remediation

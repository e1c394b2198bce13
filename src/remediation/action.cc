#include "remediation/action.h"

namespace remediator::remediation {

std::string_view ActionName(Action a) {
  switch (a) {
    case Action::kExecuted: return "executed";
    case Action::kDryRun: return "dry_run";
    case Action::kBlockedRateLimit: return "blocked_rate_limit";
    case Action::kDeduplicated: return "deduplicated";
    case Action::kBlockedCircuitOpen: return "blocked_circuit_open";
    case Action::kBlockedOscillation: return "blocked_oscillation";
    case Action::kBlockedProtectedService: return "blocked_protected_service";
    case Action::kBlockedBusy: return "blocked_busy";
    case Action::kSkippedLowConfidence: return "skipped_low_confidence";
    case Action::kPaused: return "paused";
    case Action::kNoRoute: return "no_route";
    case Action::kIgnoredResolved: return "ignored_resolved";
    case Action::kInvalidParameters: return "invalid_parameters";
    case Action::kFailedToStart: return "failed_to_start";
    case Action::kTimedOut: return "timed_out";
  }
  return "unknown";
}

}  // namespace remediator::remediation

// The `action` of a decision-log line (DESIGN.md's list; docs/formats/decision-log.md).
#pragma once

#include <string_view>

namespace remediator::remediation {

enum class Action {
  kExecuted,                 // the playbook ran; `success` is its exit status
  kDryRun,                   // every check passed; shadow mode, nothing ran
  kBlockedRateLimit,         // the global execution budget of the window is spent
  kDeduplicated,             // same fingerprint + startsAt + playbook ran within the window
  kBlockedCircuitOpen,       // the playbook's circuit is open (or half-open with a trial out)
  kBlockedOscillation,       // alert + playbook already triggered `threshold` times
  kBlockedProtectedService,  // the service or a parameter names a protected service
  kBlockedBusy,              // the playbook's queue is full (or the engine is stopping)
  kSkippedLowConfidence,     // the route's confidence is below min_confidence
  kPaused,                   // the kill switch is on
  kNoRoute,                  // no route matched the alert
  kIgnoredResolved,          // a resolved alert and the route does not act on those
  kInvalidParameters,        // a parameter value failed its pattern
  kFailedToStart,            // the playbook could not be spawned
  kTimedOut,                 // the playbook overran its timeout and was killed
};

std::string_view ActionName(Action a);

}  // namespace remediator::remediation

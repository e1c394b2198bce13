// The fingerprint of a label set, for alerts that arrive without one.
#pragma once

#include <string>

#include "alerts/payload.h"

namespace remediator::alerts {

// Prometheus' label-set fingerprint, as Alertmanager prints it: FNV-1a 64 over
// name 0xFF value 0xFF for each label in name order, as 16 lower-case hex digits. (The
// same function gives the same value as Alertmanager for the same labels; documented in
// docs/formats/decision-log.md.)
std::string LabelsFingerprint(const StringMap& labels);

}  // namespace remediator::alerts

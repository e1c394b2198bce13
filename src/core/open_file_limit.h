// The process's limit on open files. The store keeps one descriptor per sealed block, so a
// store with weeks of logs outgrows the usual soft limit of 1024 long before the hard limit.
#pragma once

#include <cstdint>

#include "core/status.h"

namespace remediator {

// Raises the soft RLIMIT_NOFILE to the hard limit (as Go programs such as Promtail and Loki
// do at start) and returns the new soft limit. Never lowers it.
Result<uint64_t> RaiseOpenFileLimit();

}  // namespace remediator

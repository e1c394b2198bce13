// Go / Prometheus durations: "90s", "5m", "1h30m", "1.5s", "250ms", "7d", "2w", "1y".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace remediator {

// Parses a duration into nanoseconds. Accepts Go's units (ns, us, µs, ms, s, m, h) with
// fractions, Prometheus' d (24h), w (7d) and y (365d), a sequence of them ("1h30m"), a
// leading sign, and "0". Errors name the offending text.
Result<int64_t> ParseDuration(std::string_view text);

// Formats like Prometheus' model.Duration: the largest units first, no fractions
// ("1h30m", "5m", "1d", "250ms", "0s"). Sub-millisecond parts are printed with Go's
// notation ("1.5µs" style is avoided: "1500ns").
std::string FormatDuration(int64_t ns);

// Formats like Go's time.Duration.String(): "1h30m0s", "1.5s", "250ms", "0s".
std::string FormatGoDuration(int64_t ns);

}  // namespace remediator

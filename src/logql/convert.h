// Conversions LogQL shares between label filters, unwrap and template functions, each with
// the exact rules of the Go function Loki uses (the error texts follow Go's).
#pragma once

#include <cstdint>
#include <string_view>

#include "core/status.h"

namespace remediator::logql {

// Go's time.ParseDuration: "1h30m", "1.5s", "-2ms", "0"; units ns us µs μs ms s m h only.
// Errors: `time: invalid duration "x"`, `time: missing unit in duration "1"`,
// `time: unknown unit "d" in duration "1d"`.
Result<int64_t> ParseGoDuration(std::string_view text);

// go-humanize's ParseBytes: "42", "42 MB", "1.5GiB", "10k" (SI: k/kb = 1000; IEC: ki/kib =
// 1024; case-insensitive; commas ignored). Errors: `unhandled size name: x`.
Result<uint64_t> ParseHumanBytes(std::string_view text);

// Go's strconv.ParseFloat(s, 64): decimal and hex floats, "Inf", "+Inf", "NaN" (any case),
// "infinity", underscores only between digits of a prefixed number. Errors:
// `strconv.ParseFloat: parsing "x": invalid syntax`.
Result<double> ParseGoFloat(std::string_view text);

// Like ParseGoFloat but without building an error message (hot paths).
bool ParseGoFloatFast(std::string_view text, double& out);

}  // namespace remediator::logql

// Conversions of LogQL literal text, shared by the lexer, parser and printer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace remediator::logql::syntax {

// Loki's duration parsing: Prometheus' model.ParseDuration ("1h30m", "7d", "1y", integers,
// units in order) first, then Go's time.ParseDuration ("1.5s", "-2m", "250ms", "1µs").
Result<int64_t> ParseLokiDuration(std::string_view text);

// Go's time.ParseDuration alone (what label values are parsed with): ns us µs ms s m h.
Result<int64_t> ParseGoDuration(std::string_view text);

// humanize.ParseBytes as the LogQL lexer uses it: "20MB", "1.5KiB", "3k" (case-insensitive
// units, SI and IEC).
Result<uint64_t> ParseHumanBytes(std::string_view text);

// Strict float parsing like Go's strconv.ParseFloat for LogQL literals: decimal with
// optional fraction and exponent; hex/octal/binary forms, "_" and overflow are errors.
Result<double> ParseFloatLiteral(std::string_view text);

// Shortest text that reads back as the same double ("5", "0.25", "1e+30").
std::string FormatFloat(double value);
// Exact bytes text that lexes back to the same value ("20MB", "1KiB", "1500B").
std::string FormatBytes(uint64_t bytes);
// A Go-style quoted string ("..." with \" \\ \n \t \r \xNN, valid UTF-8 kept as is).
std::string QuoteString(std::string_view s);

}  // namespace remediator::logql::syntax

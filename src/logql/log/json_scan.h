// A small JSON scanner for the log pipeline: walks one object without building a DOM,
// skipping values it is not asked for, and reports Loki's (buger/jsonparser's) error texts.
// Views point into the line; string values are unescaped into a caller buffer only when
// they contain escapes.
#pragma once

#include <string>
#include <string_view>

namespace remediator::logql::log::json {

inline constexpr std::string_view kMalformedObject = "Value looks like object, but can't find closing '}' symbol";
inline constexpr std::string_view kMalformedJson = "Malformed JSON error";
inline constexpr std::string_view kMalformedString = "Value is string, but can't find closing '\"' symbol";
inline constexpr std::string_view kMalformedArray = "Value is array, but can't find closing ']' symbol";
inline constexpr std::string_view kMalformedValue =
    "Value looks like Number/Boolean/None, but can't find its end: ',' or '}' symbol";

enum class Type { kString, kNumber, kBool, kNull, kObject, kArray };

// Skips whitespace from p; returns the new position.
size_t SkipWs(std::string_view s, size_t p);
// Scans a string starting at s[p] == '"'; on success `end` is one past the closing quote and
// `has_escape` tells whether the body contains backslashes.
bool ScanString(std::string_view s, size_t p, size_t& end, bool& has_escape);
// Scans any value at s[p]; `end` one past it.
bool ScanValue(std::string_view s, size_t p, size_t& end, Type& type, const char*& error);
// Unescapes a JSON string body (without quotes) into `out` (appends).
void Unescape(std::string_view body, std::string& out);

}  // namespace remediator::logql::log::json

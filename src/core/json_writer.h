// Minimal JSON output: escaping and number formatting shared by every writer of JSON.
#pragma once

#include <string>
#include <string_view>

namespace remediator {

// Appends `s` as a quoted JSON string. Invalid UTF-8 bytes become U+FFFD so the output is
// always valid JSON.
void AppendJsonString(std::string& out, std::string_view s);
std::string JsonString(std::string_view s);

// Appends a double the way Go's strconv.FormatFloat(v, 'f', -1, 64) would for JSON numbers
// (shortest representation that round-trips; NaN/Inf are not valid JSON and become null).
void AppendJsonNumber(std::string& out, double v);

}  // namespace remediator

// Alertmanager's matcher syntax, as routes and amtool write it:
//   alertname = "DiskFull"     severity=~"critical|warning"     env!=prod     job !~ "node.*"
// The name is a label name (or a double-quoted string); the value is double-quoted (Go
// escapes: \" \\ \n \t) or unquoted (the rest of the text, spaces trimmed). Regexes are RE2,
// fully anchored (LabelMatcher does that).
#pragma once

#include <string_view>

#include "core/labels.h"
#include "core/status.h"

namespace remediator::alerts {

// kInvalidArgument with the position and what was expected, e.g.
// "matcher 'alertname ~ x': at 10: expected one of = != =~ !~".
Result<LabelMatcher> ParseMatcher(std::string_view text);

}  // namespace remediator::alerts

// doublestar-style path globs, as Promtail's __path__ uses them: *, ?, [...], {a,b} within a
// path segment and ** for any number of folders.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace remediator::pipeline {

// Whether `path` matches `pattern` (both absolute or both relative).
bool GlobMatch(std::string_view pattern, std::string_view path);
// The regular files that match `pattern` now, sorted.
std::vector<std::string> GlobFiles(const std::string& pattern);
// The longest leading folder of `pattern` without glob characters (to watch for new files).
std::string GlobBaseDir(const std::string& pattern);
// Whether `pattern` has no glob characters (it names one path).
bool IsLiteralGlob(std::string_view pattern);

}  // namespace remediator::pipeline

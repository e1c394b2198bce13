// Go's Regexp.Expand: the `$1` / `${1}` / `${name}` / `$$` replacement templates of
// label_replace and the regexReplaceAll template function.
#pragma once

#include <string>
#include <string_view>

#include <re2/re2.h>

namespace remediator::logql {

// Appends `tmpl` to `out` with each `$name` replaced by the submatch of `re` with that number
// or name (`groups[0..ngroups)`, as RE2::Match fills them); a group that did not match or
// does not exist expands to nothing, `$$` to `$`, and a `$` not followed by a name stays.
void AppendRegexExpand(std::string& out, std::string_view tmpl, const RE2& re, const re2::StringPiece* groups,
                       int ngroups);

}  // namespace remediator::logql

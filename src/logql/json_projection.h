// Which members of a JSON line a metric query can use. A query that reads each line only
// through one leading `| json` stage (StreamSelection::json_labels) uses only the labels that
// stage extracts under a few names; a source may then hand, instead of the whole line, a JSON
// object of just the members that can yield those names, in their order, keys and values as
// written. The json stage sets the same labels (and __error__) from that object as from the
// line.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace remediator::logql {

// Whether a top-level JSON member with this key (the bytes between its quotes, escapes as
// written) can yield one of `labels` through `| json`: conservative (true when unsure).
//
// The json stage names a scalar member by its sanitized key s and a nested object's members
// s_child...; a name taken by a stream label becomes name_extracted. So a key is kept when
// `labels` holds s or a name starting with s + "_", and always when it holds an escape (the
// stage unescapes keys before sanitizing) or sanitizes to nothing (an empty key's nested
// members are named without a prefix).
bool JsonKeyMayYield(std::string_view raw_key, std::span<const std::string> labels);

}  // namespace remediator::logql

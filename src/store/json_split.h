// Splits a compact JSON object line into its top-level members, for the store's by-field
// layout: a line is stored by field only when it is one strictly valid JSON object written
// without whitespace outside strings, so that any subset of its members, rejoined, is a valid
// object too (the query engine's json stage then finds no error that the left-out members
// would have shown). Lines it rejects are stored whole: rejecting is always safe, accepting an
// invalid line is a bug.
#pragma once

#include <string_view>
#include <vector>

namespace remediator::store {

// Nesting limit of SplitCompactJsonObject: the top-level object counts as depth 1.
inline constexpr int kMaxJsonSplitDepth = 64;

// One top-level member of a line; both views point into the line given to
// SplitCompactJsonObject (valid while it is).
struct JsonMember {
  std::string_view key;    // the bytes between the key's quotes, escapes as written
  std::string_view value;  // as written: a string with its quotes, a number, true, false, null, or a nested object/array
};

// Splits `line` into its top-level members when it is exactly one JSON object that is strictly
// valid by RFC 8259 and written without any whitespace outside strings (the compact form Go's
// encoding/json, Traefik and our decision log write). `members` is cleared and gets them in
// order (duplicate keys kept). Returns false otherwise (members then unspecified). For a line it
// accepts, "{" + join(",", "\"" + key + "\":" + value) + "}" == line, byte for byte.
//
// Strict, anywhere in the line (nested values included):
// - strings: no byte < 0x20; escapes only \" \\ \/ \b \f \n \r \t and \uXXXX, where a
//   \uD800-\uDBFF must be followed by a \uDC00-\uDFFF and a \uDC00-\uDFFF must not stand alone;
//   well-formed UTF-8 (no overlong forms, surrogates, code points above U+10FFFF or stray
//   continuation bytes);
// - numbers: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, an integer within
//   [-2^63, 2^64-1] and a number with a fraction or exponent finite as a double (what
//   simdjson accepts);
// - literals exactly true, false, null; objects and arrays nested at most kMaxJsonSplitDepth
//   deep; no byte outside strings other than the grammar's (no space, tab, CR or LF), and
//   nothing after the closing '}'. "{}" is accepted with no members.
// Thread-safe; allocates only when `members` grows and for lines over 4 KiB (uses about 17 KiB
// of stack). Lines of 4 GiB or more are rejected.
bool SplitCompactJsonObject(std::string_view line, std::vector<JsonMember>& members);

// Which walk SplitCompactJsonObjectWith runs (for tests and benchmarks; when kFlat accepts a
// line, kGeneral accepts it with the same members, and kAuto always answers like kGeneral).
enum class JsonSplitPath {
  kAuto,     // the flat walk, then the general one for escapes and nested values (SplitCompactJsonObject)
  kGeneral,  // the general walk only
  kFlat,     // the flat walk only: false for any line with a backslash or a nested object or array
};
bool SplitCompactJsonObjectWith(std::string_view line, std::vector<JsonMember>& members, JsonSplitPath path);

}  // namespace remediator::store

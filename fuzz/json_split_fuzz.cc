// libFuzzer target for store::SplitCompactJsonObject: no crash on any input; an accepted
// input rebuilds from its members byte for byte and parses as an object with simdjson; a
// whitespace-free, at most kMaxJsonSplitDepth deep object that simdjson parses is accepted;
// the general walk alone gives the same answer and members, and so does the flat walk
// whenever it accepts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "store/json_split.h"

namespace {

bool SimdjsonObject(std::string_view input) {
  static simdjson::dom::parser parser;
  simdjson::dom::element e;
  return parser.parse(simdjson::padded_string(input)).get(e) == simdjson::SUCCESS && e.is_object();
}

// No space, tab, CR or LF outside strings, containers at most kMaxJsonSplitDepth deep
// (meaningful for an input simdjson accepts).
bool CompactAndShallow(std::string_view input) {
  bool in_string = false;
  int depth = 0;
  for (size_t i = 0; i < input.size(); ++i) {
    const char c = input[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > remediator::store::kMaxJsonSplitDepth) return false;
    } else if (c == '}' || c == ']') {
      --depth;
    } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      return false;
    }
  }
  return true;
}

bool SameMembers(const std::vector<remediator::store::JsonMember>& a, const std::vector<remediator::store::JsonMember>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].key != b[i].key || a[i].value != b[i].value) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using remediator::store::JsonSplitPath;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<remediator::store::JsonMember> members;
  const bool accepted = remediator::store::SplitCompactJsonObject(input, members);
  const bool simdjson_object = SimdjsonObject(input);
  if (accepted) {
    std::string rebuilt = "{";
    for (size_t i = 0; i < members.size(); ++i) {
      if (i > 0) rebuilt += ',';
      rebuilt += '"';
      rebuilt += members[i].key;
      rebuilt += "\":";
      rebuilt += members[i].value;
    }
    rebuilt += '}';
    if (rebuilt != input) std::abort();
    if (!simdjson_object) std::abort();
  } else if (simdjson_object && CompactAndShallow(input)) {
    std::abort();
  }
  std::vector<remediator::store::JsonMember> other;
  if (SplitCompactJsonObjectWith(input, other, JsonSplitPath::kGeneral) != accepted) std::abort();
  if (accepted && !SameMembers(other, members)) std::abort();
  if (SplitCompactJsonObjectWith(input, other, JsonSplitPath::kFlat) && (!accepted || !SameMembers(other, members))) {
    std::abort();
  }
  return 0;
}

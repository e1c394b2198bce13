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

#include "../tests/store/json_split_oracle.h"  // the checks the unit tests use
#include "store/json_split.h"

namespace {

using remediator::store::testing::CompactAndShallow;
using remediator::store::testing::SimdjsonObject;

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
    const std::string rebuilt = remediator::store::testing::RebuildFromMembers(members);
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

// libFuzzer target for the store's sections (plain and JSON columns). The input's lines
// (split at '\n') are written as a section and must read back exactly, whole, projected (a
// projected line is a compact object of a subsequence of the original's members) or tested
// for strings (a stand-in holds the same of them); the written bytes, damaged at
// fuzzer-chosen places, must decode or fail, never crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "store/json_split.h"
#include "store/section.h"

namespace {

using remediator::store::JsonMember;
using remediator::store::RawEntry;
using remediator::store::SectionCompressor;
using remediator::store::SectionDecompressor;
using remediator::store::SplitCompactJsonObject;

// Whether `part`'s members are a subsequence of `whole`'s (keys and values as written).
bool IsSubsequence(const std::vector<JsonMember>& part, const std::vector<JsonMember>& whole) {
  size_t j = 0;
  for (const JsonMember& m : whole) {
    if (j < part.size() && part[j].key == m.key && part[j].value == m.value) ++j;
  }
  return j == part.size();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  const uint8_t damage_kind = data[0];
  const size_t damage_at = data[1] | static_cast<size_t>(data[2]) << 8;
  std::string_view in(reinterpret_cast<const char*>(data + 3), size - 3);
  std::vector<std::string_view> lines;
  while (true) {
    const size_t nl = in.find('\n');
    lines.push_back(in.substr(0, nl));
    if (nl == std::string_view::npos) break;
    in.remove_prefix(nl + 1);
  }
  std::vector<RawEntry> entries;
  for (size_t i = 0; i < lines.size(); ++i) entries.push_back(RawEntry{static_cast<int64_t>(i), lines[i], {}});

  SectionCompressor compressor(1);
  std::string frame;
  uint64_t raw_bytes = 0;
  if (!compressor.Compress(entries, frame, raw_bytes).ok()) std::abort();
  SectionDecompressor decompressor;
  {
    auto section = decompressor.DecompressAndDecode(frame, raw_bytes);
    if (!section.ok() || section->size() != lines.size()) std::abort();
    for (size_t i = 0; i < lines.size(); ++i) {
      if (section->line(i) != lines[i] || section->timestamp(i) != static_cast<int64_t>(i)) std::abort();
    }
    decompressor.Recycle(std::move(section).value());
  }
  decompressor.Project(std::vector<std::string>{"a", "b_c", "level"});
  {
    auto section = decompressor.DecompressAndDecode(frame, raw_bytes);
    if (!section.ok() || section->size() != lines.size()) std::abort();
    std::vector<JsonMember> got, original;
    for (size_t i = 0; i < lines.size(); ++i) {
      const std::string_view line = section->line(i);
      if (line == lines[i]) continue;
      if (!SplitCompactJsonObject(lines[i], original) || !SplitCompactJsonObject(line, got) ||
          !IsSubsequence(got, original)) {
        std::abort();
      }
    }
    decompressor.Recycle(std::move(section).value());
  }
  // Tested for strings (a query's `|=` / `!=` filters): each line's stand-in holds exactly
  // the strings the line holds. The strings: pieces of the input's first line, and fixed ones.
  decompressor.Project(std::nullopt);
  {
    std::vector<std::string> strings = {"a", "info", ""};
    if (!lines.empty() && lines[0].size() >= 2) {
      strings.emplace_back(lines[0].substr(lines[0].size() / 2, 3));
      strings.emplace_back(lines[0].substr(0, 2));
    }
    decompressor.TestLines(strings);
    auto section = decompressor.DecompressAndDecode(frame, raw_bytes);
    if (!section.ok() || section->size() != lines.size()) std::abort();
    for (size_t i = 0; i < lines.size(); ++i) {
      for (const std::string& str : strings) {
        if ((section->line(i).find(str) != std::string_view::npos) != (lines[i].find(str) != std::string_view::npos)) {
          std::abort();
        }
      }
    }
    decompressor.Recycle(std::move(section).value());
  }
  // Damaged: one byte flipped, or the frame cut short.
  if (!frame.empty()) {
    std::string damaged = frame;
    const size_t at = damage_at % damaged.size();
    if (damage_kind & 1) {
      damaged.resize(at);
    } else {
      damaged[at] = static_cast<char>(damaged[at] ^ (damage_kind | 1));
    }
    auto section = decompressor.DecompressAndDecode(damaged, raw_bytes);
    if (section.ok()) {
      for (size_t i = 0; i < section->size(); ++i) (void)section->line(i);
    }
  }
  return 0;
}

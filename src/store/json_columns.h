// A section's lines laid out by JSON field (docs/formats/store.md, "JSON columns"): each line
// that SplitCompactJsonObject accepts is kept as its *shape* (its keys, in order) and its
// values, one column per key; any other line is kept whole. A query that reads only a few
// fields of each line (`| json | DownstreamStatus >= 500`, `unwrap Duration`) then
// decompresses only those fields' columns and gets, per line, a small object of just those
// members; a query that needs whole lines gets them rebuilt byte for byte.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "store/json_split.h"

namespace remediator::store {

// Bytes readable past the end of every column and output buffer given to the rebuilder: it
// copies in 16-byte steps.
inline constexpr size_t kJsonColumnSlack = 32;

// Collects one section's lines. Not thread-safe; reuse across sections with Clear().
class JsonColumnsWriter {
 public:
  void Clear();
  // Adds the next line: split into its shape and values, or (false) kept whole.
  bool Add(std::string_view line);
  size_t lines() const { return shape_of_line_.size(); }
  size_t split_lines() const { return split_lines_; }
  // Appends the layout (keys, shapes, each line's shape, the whole lines' lengths).
  void EncodeLayout(std::string& out) const;
  // Column 0: the whole lines' bytes; column 1 + k: key k's values, each followed by '\n'
  // (a compact JSON value holds no raw newline).
  size_t columns() const { return 1 + keys_.size(); }
  std::string_view column(size_t c) const { return columns_[c].view(); }

 private:
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  // The key index of `key`, adding it; UINT32_MAX when the section has too many keys.
  uint32_t KeyIndex(std::string_view key);
  // The shape of the keys just split, adding it; 0 when there are too many shapes.
  uint32_t ShapeOf();

  std::vector<JsonMember> members_;
  std::vector<std::string> keys_;
  std::unordered_map<std::string, uint32_t, KeyHash, std::equal_to<>> key_index_;
  std::vector<std::vector<uint32_t>> shapes_;  // shape s + 1 (0 = whole line): key indexes
  std::unordered_map<std::string, uint32_t> shape_index_;  // key indexes as bytes -> shape id
  std::vector<uint32_t> scratch_keys_;
  uint32_t last_shape_ = 0;
  std::vector<uint32_t> shape_of_line_;
  std::vector<uint32_t> whole_lengths_;
  // A growing byte buffer: appends of a few bytes (most values) without a memcpy call.
  class Buffer {
   public:
    void Append(const char* p, size_t n);
    void clear() { size_ = 0; }
    void Release();  // frees a rare huge buffer
    char& back() { return data_[size_ - 1]; }
    std::string_view view() const { return std::string_view(data_.get(), size_); }

   private:
    std::unique_ptr<char[]> data_;
    size_t size_ = 0, capacity_ = 0;
  };
  std::vector<Buffer> columns_{1};
  size_t split_lines_ = 0;
};

// The layout of a section's lines, decoded; rebuilds them from the columns.
class JsonColumnsLayout {
 public:
  // Decodes the layout of `n` lines from [p, end), advancing p. DataLoss when malformed.
  Status Decode(const char*& p, const char* end, size_t n);
  size_t columns() const { return 1 + keys_.size(); }
  std::string_view key(size_t k) const { return keys_[k]; }

  // Chooses the members to rebuild: every one (`wanted` empty), or those whose key k has
  // wanted[k] set (a line keeps whichever of its members are wanted, in order: "{}" when
  // none). Whole lines are always rebuilt whole. Call before OutputBound and Rebuild.
  void Select(std::span<const uint8_t> wanted);
  // Whether column c is read by the selection (column 0 when any line is whole).
  bool ColumnNeeded(size_t c) const;
  // An upper bound of the rebuilt bytes when the needed columns have these sizes.
  size_t OutputBound(std::span<const std::string_view> columns) const;
  // Rebuilds the selected lines into `out` (capacity `capacity`, which must be at least
  // OutputBound + kJsonColumnSlack), setting offsets[i] = base + where line i starts and
  // offsets[n] = base + the end. `columns[c]` must be given for every needed column, each
  // with kJsonColumnSlack readable bytes after its end. DataLoss when the columns do not
  // match the layout.
  Status Rebuild(std::span<const std::string_view> columns, char* out, size_t capacity, uint32_t* offsets,
                 uint32_t base) const;

  // Whether WriteLineTests can answer for these strings: none holds a byte that appears
  // between a line's members ('"' ',' ':' '{' '}') or a newline, so each match lies inside
  // one key or one value.
  static bool TestableStrings(std::span<const std::string> strings);
  // For a query that only tests which of `strings` each line holds (StreamSelection::
  // line_tests; TestableStrings): writes, for each line, the strings it holds joined by '\n',
  // without rebuilding it. Like Rebuild otherwise, with every column given; `capacity` must
  // be at least LineTestsBound.
  Status WriteLineTests(std::span<const std::string_view> columns, std::span<const std::string> strings, char* out,
                        size_t capacity, uint32_t* offsets, uint32_t base) const;
  size_t LineTestsBound(std::span<const std::string> strings) const;

 private:
  struct Piece {
    uint32_t column;   // 1 + key
    uint32_t prefix;   // where its prefix ("{\"key\":" or ",\"key\":") starts in prefixes_
    uint32_t prefix_len;
  };
  struct Shape {
    std::vector<uint32_t> keys;
    // The selection's pieces: [first_piece, first_piece + pieces) in pieces_.
    uint32_t first_piece = 0, pieces = 0;
    uint32_t fixed_len = 0;  // prefixes + the closing brace ("{}" when no piece)
  };

  std::vector<std::string_view> keys_;  // views into the layout bytes
  std::vector<Shape> shapes_;
  std::vector<uint32_t> shape_of_line_;  // 0 = whole line, s + 1 = shapes_[s]
  std::vector<uint32_t> whole_lengths_;
  uint64_t whole_bytes_ = 0;
  std::vector<uint64_t> lines_of_shape_;  // per shape
  std::vector<bool> column_needed_;
  std::vector<Piece> pieces_;
  std::string prefixes_;  // with kJsonColumnSlack bytes of padding
};

}  // namespace remediator::store

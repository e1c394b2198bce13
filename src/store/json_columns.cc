#include "store/json_columns.h"

#include <algorithm>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "logql/log/matchers.h"
#include "store/coding.h"

namespace remediator::store {

namespace {

// Past these a section's new keys or shapes are not split (their lines are kept whole):
// lines with ever-new keys (ids as keys) would make a column per line.
constexpr size_t kMaxKeys = 1024;
constexpr size_t kMaxShapes = 1024;

// Copies [src, src + n) to dst in 16-byte steps: may read and write up to 15 bytes past the
// ends (the slack both sides have).
inline void CopyPadded(const char* src, size_t n, char* dst) {
#if defined(__SSE2__)
  for (size_t k = 0; k < n; k += 16) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + k), _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + k)));
  }
#else
  std::memcpy(dst, src, n);
#endif
}

// Copies the value at src up to its '\n' terminator (which must come before `end`) to dst,
// advancing both (src past the terminator). False when there is none.
inline bool CopyValue(const char*& src, const char* end, char*& dst) {
#if defined(__SSE2__)
  const __m128i newline = _mm_set1_epi8('\n');
  const char* s = src;
  char* d = dst;
  while (s < end) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(d), v);
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, newline)));
    if (mask != 0) {
      const auto i = static_cast<size_t>(__builtin_ctz(mask));
      if (s + i >= end) return false;
      src = s + i + 1;
      dst = d + i;
      return true;
    }
    s += 16;
    d += 16;
  }
  return false;
#else
  const void* nl = std::memchr(src, '\n', static_cast<size_t>(end - src));
  if (nl == nullptr) return false;
  const size_t n = static_cast<size_t>(static_cast<const char*>(nl) - src);
  std::memcpy(dst, src, n);
  dst += n;
  src += n + 1;
  return true;
#endif
}

// Copies n bytes, W <= n <= 2W, as two overlapping moves of W bytes.
template <size_t W>
inline void CopyOverlapping(char* dst, const char* src, size_t n) {
  char head[W], tail[W];
  std::memcpy(head, src, W);
  std::memcpy(tail, src + n - W, W);
  std::memcpy(dst, head, W);
  std::memcpy(dst + n - W, tail, W);
}

// Copies n bytes without a memcpy call for n <= 32 (most keys and values: a call costs more
// than the copy). Never touches bytes outside [src, src + n) or [dst, dst + n).
inline void CopySmall(char* dst, const char* src, size_t n) {
  if (n >= 16 && n <= 32) {
    CopyOverlapping<16>(dst, src, n);
  } else if (n >= 8 && n < 16) {
    CopyOverlapping<8>(dst, src, n);
  } else if (n >= 4 && n < 8) {
    CopyOverlapping<4>(dst, src, n);
  } else if (n < 4) {
    for (size_t i = 0; i < n; ++i) dst[i] = src[i];
  } else {
    std::memcpy(dst, src, n);
  }
}

// Whether [a, a + n) and [b, b + n) hold the same bytes; inline for short keys.
inline bool SameBytes(const char* a, const char* b, size_t n) {
  if (n >= 8 && n <= 16) {
    uint64_t a0, a1, b0, b1;
    std::memcpy(&a0, a, 8);
    std::memcpy(&b0, b, 8);
    std::memcpy(&a1, a + n - 8, 8);
    std::memcpy(&b1, b + n - 8, 8);
    return ((a0 ^ b0) | (a1 ^ b1)) == 0;
  }
  if (n < 8) {
    for (size_t i = 0; i < n; ++i) {
      if (a[i] != b[i]) return false;
    }
    return true;
  }
  return std::memcmp(a, b, n) == 0;
}

}  // namespace

void JsonColumnsWriter::Buffer::Append(const char* p, size_t n) {
  if (size_ + n > capacity_) {
    const size_t capacity = std::max<size_t>({size_ + n, capacity_ * 2, 256});
    auto grown = std::unique_ptr<char[]>(new char[capacity]);
    if (size_ > 0) std::memcpy(grown.get(), data_.get(), size_);
    data_ = std::move(grown);
    capacity_ = capacity;
  }
  CopySmall(data_.get() + size_, p, n);
  size_ += n;
}

void JsonColumnsWriter::Buffer::Release() {
  if (capacity_ > (4u << 20)) {
    data_.reset();
    capacity_ = 0;
  }
}

void JsonColumnsWriter::Clear() {
  keys_.clear();
  key_index_.clear();
  shapes_.clear();
  shape_index_.clear();
  last_shape_ = 0;
  shape_of_line_.clear();
  whole_lengths_.clear();
  for (Buffer& c : columns_) {
    c.clear();
    c.Release();
  }
  split_lines_ = 0;
}

uint32_t JsonColumnsWriter::KeyIndex(std::string_view key) {
  if (auto it = key_index_.find(key); it != key_index_.end()) return it->second;
  if (keys_.size() >= kMaxKeys) return UINT32_MAX;
  const auto k = static_cast<uint32_t>(keys_.size());
  keys_.emplace_back(key);
  key_index_.emplace(keys_.back(), k);
  if (columns_.size() < keys_.size() + 1) columns_.emplace_back();
  return k;
}

uint32_t JsonColumnsWriter::ShapeOf() {
  // Most lines of a stream have the previous line's keys: compare with its shape first.
  if (last_shape_ != 0) {
    const std::vector<uint32_t>& keys = shapes_[last_shape_ - 1];
    if (keys.size() == members_.size()) {
      size_t j = 0;
      while (j < keys.size()) {
        const std::string& want = keys_[keys[j]];
        const std::string_view got = members_[j].key;
        if (want.size() != got.size() || !SameBytes(want.data(), got.data(), got.size())) break;
        ++j;
      }
      if (j == keys.size()) return last_shape_;
    }
  }
  scratch_keys_.clear();
  for (const JsonMember& m : members_) {
    const uint32_t k = KeyIndex(m.key);
    if (k == UINT32_MAX) return 0;
    scratch_keys_.push_back(k);
  }
  std::string signature(reinterpret_cast<const char*>(scratch_keys_.data()), scratch_keys_.size() * sizeof(uint32_t));
  auto it = shape_index_.find(signature);
  if (it == shape_index_.end()) {
    if (shapes_.size() >= kMaxShapes) return 0;
    shapes_.push_back(scratch_keys_);
    it = shape_index_.emplace(std::move(signature), static_cast<uint32_t>(shapes_.size())).first;
  }
  last_shape_ = it->second;
  return last_shape_;
}

bool JsonColumnsWriter::Add(std::string_view line) {
  const uint32_t shape = SplitCompactJsonObject(line, members_) ? ShapeOf() : 0;
  shape_of_line_.push_back(shape);
  if (shape == 0) {
    whole_lengths_.push_back(static_cast<uint32_t>(line.size()));
    columns_[0].Append(line.data(), line.size());
    return false;
  }
  ++split_lines_;
  const std::vector<uint32_t>& keys = shapes_[shape - 1];
  for (size_t j = 0; j < keys.size(); ++j) {
    // The value and the ',' or '}' after it in one append; that byte becomes the newline.
    Buffer& column = columns_[1 + keys[j]];
    column.Append(members_[j].value.data(), members_[j].value.size() + 1);
    column.back() = '\n';
  }
  return true;
}

void JsonColumnsWriter::EncodeLayout(std::string& out) const {
  PutVarint(out, keys_.size());
  for (const std::string& k : keys_) PutString(out, k);
  PutVarint(out, shapes_.size());
  for (const std::vector<uint32_t>& s : shapes_) {
    PutVarint(out, s.size());
    for (uint32_t k : s) PutVarint(out, k);
  }
  for (uint32_t s : shape_of_line_) PutVarint(out, s);
  for (uint32_t len : whole_lengths_) PutVarint(out, len);
}

Status JsonColumnsLayout::Decode(const char*& p, const char* end, size_t n) {
  Decoder d(std::string_view(p, static_cast<size_t>(end - p)));
  uint64_t n_keys = 0, n_shapes = 0;
  keys_.clear();
  shapes_.clear();
  if (!d.GetCount(n_keys)) return DataLoss("section: bad JSON key count");
  keys_.resize(n_keys);
  for (std::string_view& k : keys_) {
    if (!d.GetString(k)) return DataLoss("section: bad JSON key");
  }
  if (!d.GetCount(n_shapes)) return DataLoss("section: bad JSON shape count");
  shapes_.resize(n_shapes);
  for (Shape& s : shapes_) {
    uint64_t m = 0;
    if (!d.GetCount(m)) return DataLoss("section: bad JSON shape");
    s.keys.resize(m);
    for (uint32_t& k : s.keys) {
      uint64_t v = 0;
      if (!d.GetVarint(v) || v >= n_keys) return DataLoss("section: bad JSON shape key");
      k = static_cast<uint32_t>(v);
    }
  }
  if (n > d.remaining()) return DataLoss("section: bad JSON line shapes");
  shape_of_line_.resize(n);
  lines_of_shape_.assign(n_shapes, 0);
  size_t whole = 0;
  for (uint32_t& s : shape_of_line_) {
    uint64_t v = 0;
    if (!d.GetVarint(v) || v > n_shapes) return DataLoss("section: bad JSON line shape");
    s = static_cast<uint32_t>(v);
    if (s == 0) {
      ++whole;
    } else {
      ++lines_of_shape_[s - 1];
    }
  }
  whole_lengths_.resize(whole);
  whole_bytes_ = 0;
  for (uint32_t& len : whole_lengths_) {
    uint64_t v = 0;
    if (!d.GetVarint(v) || v > UINT32_MAX) return DataLoss("section: bad whole line length");
    len = static_cast<uint32_t>(v);
    whole_bytes_ += v;
  }
  p = end - d.remaining();
  Select({});
  return Status::Ok();
}

void JsonColumnsLayout::Select(std::span<const uint8_t> wanted) {
  pieces_.clear();
  prefixes_.clear();
  column_needed_.assign(columns(), false);
  column_needed_[0] = !whole_lengths_.empty();
  for (size_t s = 0; s < shapes_.size(); ++s) {
    Shape& shape = shapes_[s];
    shape.first_piece = static_cast<uint32_t>(pieces_.size());
    shape.fixed_len = 0;
    for (uint32_t k : shape.keys) {
      if (!wanted.empty() && !wanted[k]) continue;
      const auto at = static_cast<uint32_t>(prefixes_.size());
      prefixes_ += pieces_.size() == shape.first_piece ? "{\"" : ",\"";
      prefixes_ += keys_[k];
      prefixes_ += "\":";
      const auto len = static_cast<uint32_t>(prefixes_.size() - at);
      pieces_.push_back(Piece{1 + k, at, len});
      shape.fixed_len += len;
      if (lines_of_shape_[s] > 0) column_needed_[1 + k] = true;
    }
    shape.pieces = static_cast<uint32_t>(pieces_.size() - shape.first_piece);
    shape.fixed_len += shape.pieces == 0 ? 2 : 1;  // "{}" or the closing brace
  }
  prefixes_.append(kJsonColumnSlack, '\0');
}

bool JsonColumnsLayout::ColumnNeeded(size_t c) const { return column_needed_[c]; }

size_t JsonColumnsLayout::OutputBound(std::span<const std::string_view> columns) const {
  uint64_t bound = whole_bytes_;
  for (size_t s = 0; s < shapes_.size(); ++s) bound += lines_of_shape_[s] * shapes_[s].fixed_len;
  for (size_t c = 1; c < column_needed_.size(); ++c) {
    if (column_needed_[c]) bound += columns[c].size();
  }
  return bound;
}

Status JsonColumnsLayout::Rebuild(std::span<const std::string_view> columns, char* out, size_t capacity,
                                  uint32_t* offsets, uint32_t base) const {
  // Every rebuilt byte is a prefix byte (counted per line by fixed_len) or a column byte, so
  // the output stays within OutputBound; the 16-byte steps write into the slack after it.
  if (columns.size() != column_needed_.size()) return Internal("section: JSON columns missing");
  const size_t bound = OutputBound(columns);
  if (capacity < bound + kJsonColumnSlack || bound + base > UINT32_MAX) return Internal("section: rebuild buffer");
  std::vector<const char*> pos(columns.size()), end(columns.size());
  for (size_t c = 0; c < columns.size(); ++c) {
    pos[c] = columns[c].data();
    end[c] = columns[c].data() + columns[c].size();
  }
  if (whole_bytes_ > columns[0].size()) return DataLoss("section: whole lines do not match lengths");
  const char* whole = columns[0].data();
  size_t next_whole = 0;
  char* o = out;
  const size_t n = shape_of_line_.size();
  for (size_t i = 0; i < n; ++i) {
    offsets[i] = base + static_cast<uint32_t>(o - out);
    const uint32_t s = shape_of_line_[i];
    if (s == 0) {
      const uint32_t len = whole_lengths_[next_whole++];
      if (len == 0) continue;  // (whole may be null then: memcpy must not see it)
      std::memcpy(o, whole, len);
      whole += len;
      o += len;
      continue;
    }
    const Shape& shape = shapes_[s - 1];
    if (shape.pieces == 0) {
      o[0] = '{';
      o[1] = '}';
      o += 2;
      continue;
    }
    for (uint32_t j = shape.first_piece; j < shape.first_piece + shape.pieces; ++j) {
      const Piece& piece = pieces_[j];
      CopyPadded(prefixes_.data() + piece.prefix, piece.prefix_len, o);
      o += piece.prefix_len;
      if (!CopyValue(pos[piece.column], end[piece.column], o)) {
        return DataLoss("section: JSON column shorter than its lines");
      }
    }
    *o++ = '}';
  }
  offsets[n] = base + static_cast<uint32_t>(o - out);
  return Status::Ok();
}

bool JsonColumnsLayout::TestableStrings(std::span<const std::string> strings) {
  for (const std::string& str : strings) {
    if (str.find_first_of("\",:{}\n") != std::string::npos) return false;
  }
  return true;
}

size_t JsonColumnsLayout::LineTestsBound(std::span<const std::string> strings) const {
  size_t all = 0;
  for (const std::string& str : strings) all += str.size() + 1;
  return shape_of_line_.size() * all;
}

Status JsonColumnsLayout::WriteLineTests(std::span<const std::string_view> columns, std::span<const std::string> strings,
                                         char* out, size_t capacity, uint32_t* offsets, uint32_t base) const {
  const size_t n = shape_of_line_.size(), n_strings = strings.size();
  if (columns.size() != keys_.size() + 1 || capacity < LineTestsBound(strings) ||
      LineTestsBound(strings) + base > UINT32_MAX) {
    return Internal("section: line tests buffer");
  }
  if (whole_bytes_ > columns[0].size()) return DataLoss("section: whole lines do not match lengths");
  // Per column and string, the indexes of the values holding it, ascending.
  std::vector<std::vector<uint32_t>> hits(columns.size() * n_strings);
  for (size_t c = 1; c < columns.size(); ++c) {
    const std::string_view column = columns[c];
    for (size_t t = 0; t < n_strings; ++t) {
      if (strings[t].empty()) continue;  // every line holds it
      const logql::log::SubstringSearcher searcher(strings[t]);
      std::vector<uint32_t>& found = hits[c * n_strings + t];
      size_t from = 0, counted = 0;  // newlines before `counted` = values before it
      uint32_t value = 0;
      size_t at;
      while ((at = searcher.Find(column, from)) != std::string_view::npos) {
        value += static_cast<uint32_t>(std::count(column.begin() + counted, column.begin() + at, '\n'));
        found.push_back(value);
        const size_t nl = column.find('\n', at);
        if (nl == std::string_view::npos) break;
        counted = nl + 1;
        from = nl + 1;
        ++value;
      }
    }
  }
  // Per shape and string, whether one of its keys holds it.
  std::vector<uint8_t> key_hit(shapes_.size() * n_strings, 0);
  for (size_t s = 0; s < shapes_.size(); ++s) {
    for (uint32_t k : shapes_[s].keys) {
      for (size_t t = 0; t < n_strings; ++t) {
        if (keys_[k].find(strings[t]) != std::string_view::npos) key_hit[s * n_strings + t] = 1;
      }
    }
  }
  std::vector<uint32_t> next_value(columns.size(), 0);
  std::vector<size_t> next_hit(hits.size(), 0);
  std::vector<uint8_t> holds(n_strings);
  const char* whole = columns[0].data();
  size_t next_whole = 0;
  char* o = out;
  for (size_t i = 0; i < n; ++i) {
    offsets[i] = base + static_cast<uint32_t>(o - out);
    const uint32_t s = shape_of_line_[i];
    if (s == 0) {
      const std::string_view line(whole, whole_lengths_[next_whole++]);
      whole += line.size();
      for (size_t t = 0; t < n_strings; ++t) holds[t] = line.find(strings[t]) != std::string_view::npos;
    } else {
      for (size_t t = 0; t < n_strings; ++t) holds[t] = key_hit[(s - 1) * n_strings + t] || strings[t].empty();
      for (uint32_t k : shapes_[s - 1].keys) {
        const uint32_t value = next_value[1 + k]++;
        for (size_t t = 0; t < n_strings; ++t) {
          const std::vector<uint32_t>& found = hits[(1 + k) * n_strings + t];
          size_t& h = next_hit[(1 + k) * n_strings + t];
          while (h < found.size() && found[h] < value) ++h;
          if (h < found.size() && found[h] == value) holds[t] = 1;
        }
      }
    }
    bool first = true;
    for (size_t t = 0; t < n_strings; ++t) {
      if (!holds[t]) continue;
      if (!first) *o++ = '\n';
      first = false;
      std::memcpy(o, strings[t].data(), strings[t].size());
      o += strings[t].size();
    }
  }
  offsets[n] = base + static_cast<uint32_t>(o - out);
  return Status::Ok();
}

}  // namespace remediator::store

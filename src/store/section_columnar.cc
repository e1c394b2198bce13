// The JSON-columns section container (docs/formats/store.md, "JSON columns"):
//   'J' | varint head_size | varint head_frame_size | zstd(head) | zstd(column group)...
// where head = EncodeSectionHead without line lengths | the lines' layout (json_columns.h)
//            | varint n_columns | varint n_groups, then per group: varint n, (varint column,
//              varint raw_size) × n, varint frame_size
// Columns go into groups smallest first, a group closed once it holds kGroupBytes: a frame
// per column would cost zstd ~5-10 µs each (its entropy tables), more than the bytes of a
// small column; small groups first put the narrow fields (statuses, durations, names) a
// query filters and groups by in the first frame or two, the wide ones (times, URLs,
// user agents) after. Empty columns are in no group.
#include <zstd.h>

#include <algorithm>
#include <cstring>

#include "logql/json_projection.h"
#include "store/coding.h"
#include "store/log_format.h"
#include "store/section.h"
#include "store/zstd_alphabet.h"

namespace remediator::store {

void SectionCompressor::SplitLines(std::span<const RawEntry> entries, TrigramCollector* trigrams) {
  json_.Clear();
  const size_t n = entries.size();
  for (size_t i = 0; i < n; ++i) {
    if (i + 2 < n) {  // the lines are cold (see EncodeSection)
      const std::string_view ahead = entries[i + 2].line;
      for (size_t k = 0; k < ahead.size(); k += 64) __builtin_prefetch(ahead.data() + k);
    }
    json_.Add(entries[i].line);
    if (trigrams != nullptr) trigrams->Add(entries[i].line);
  }
}

namespace {

constexpr size_t kGroupBytes = 16 << 10;

}  // namespace

Status SectionCompressor::CompressColumnar(std::span<const RawEntry> entries, uint64_t& raw_bytes, size_t& size) {
  // The groups first: the head lists their frames' sizes.
  column_order_.clear();
  for (uint32_t c = 0; c < json_.columns(); ++c) {
    if (!json_.column(c).empty()) column_order_.push_back(c);
  }
  std::stable_sort(column_order_.begin(), column_order_.end(),
                   [&](uint32_t a, uint32_t b) { return json_.column(a).size() < json_.column(b).size(); });
  column_frames_.clear();
  group_directory_.clear();
  raw_bytes = 0;
  size_t groups = 0;
  for (size_t i = 0; i < column_order_.size();) {
    group_.clear();
    size_t j = i;
    std::string dir;
    while (j < column_order_.size() && (j == i || group_.size() < kGroupBytes)) {
      const std::string_view column = json_.column(column_order_[j]);
      PutVarint(dir, column_order_[j]);
      PutVarint(dir, column.size());
      group_.append(column);
      ++j;
    }
    size_t n = 0;
    REMEDIATOR_RETURN_IF_ERROR(CompressToScratch(group_, n));
    column_frames_.append(scratch_.data(), n);
    PutVarint(group_directory_, j - i);
    group_directory_ += dir;
    PutVarint(group_directory_, n);
    raw_bytes += group_.size();
    ++groups;
    i = j;
  }
  EncodeSectionHead(entries, false, raw_);
  json_.EncodeLayout(raw_);
  PutVarint(raw_, json_.columns());
  PutVarint(raw_, groups);
  raw_ += group_directory_;
  raw_bytes += raw_.size();
  size_t head_frame = 0;
  REMEDIATOR_RETURN_IF_ERROR(CompressToScratch(raw_, head_frame));
  std::string prefix(1, kJsonColumnsTag);
  PutVarint(prefix, raw_.size());
  PutVarint(prefix, head_frame);
  size = prefix.size() + head_frame + column_frames_.size();
  if (out_.size() < used_ + size) out_.resize(used_ + size + (used_ + size) / 4);
  char* o = out_.data() + used_;
  std::memcpy(o, prefix.data(), prefix.size());
  std::memcpy(o + prefix.size(), scratch_.data(), head_frame);
  std::memcpy(o + prefix.size() + head_frame, column_frames_.data(), column_frames_.size());
  return Status::Ok();
}

void SectionDecompressor::Project(const std::optional<std::vector<std::string>>& json_labels) {
  json_labels_ = json_labels;
}

void SectionDecompressor::TestLines(const std::optional<std::vector<std::string>>& strings) {
  line_tests_.reset();
  tested_bytes_.clear();
  if (!strings || !JsonColumnsLayout::TestableStrings(*strings)) return;
  line_tests_ = strings;
  for (const std::string& str : *strings) {
    std::bitset<256> bytes;
    for (char c : str) bytes.set(static_cast<uint8_t>(c));
    tested_bytes_.push_back(bytes);
  }
}

bool SectionDecompressor::MayHoldTestedStrings(std::string_view frame) const {
  std::bitset<256> present;
  if (!ZstdFrameAlphabet(frame, present)) return true;
  for (const std::bitset<256>& bytes : tested_bytes_) {
    if ((bytes & ~present).none()) return true;
  }
  return false;
}

Result<Section> SectionDecompressor::DecompressColumnar(std::string_view payload, size_t size) {
  Decoder d(payload.substr(1));
  uint64_t head_size = 0, head_frame_size = 0;
  std::string_view head_frame;
  if (!d.GetVarint(head_size) || !d.GetVarint(head_frame_size) || !d.GetBytes(head_frame_size, head_frame) ||
      head_size > size) {
    return DataLoss("section: bad JSON columns container");
  }
  header_.resize(head_size);
  REMEDIATOR_RETURN_IF_ERROR(DecompressFrame(head_frame, header_.data(), head_size));
  Section s = TakeSpare();
  auto fail = [&](Status st) -> Result<Section> {
    Recycle(std::move(s));
    return st;
  };
  const char* p = header_.data();
  const char* const end = p + head_size;
  uint64_t unused = 0;
  if (Status st = s.DecodeHead(p, end, false, unused); !st.ok()) return fail(st);
  const size_t n = s.size();
  if (Status st = layout_.Decode(p, end, n); !st.ok()) return fail(st);
  // The column groups' directory, and their frames after the head's.
  Decoder dir(std::string_view(p, static_cast<size_t>(end - p)));
  uint64_t columns = 0, groups = 0;
  if (!dir.GetVarint(columns) || columns != layout_.columns() || !dir.GetCount(groups)) {
    return fail(DataLoss("section: bad JSON column directory"));
  }
  struct Group {
    size_t first;  // in members
    size_t count;
    uint64_t raw = 0, frame = 0;
  };
  struct Member {
    uint32_t column;
    uint64_t raw;
  };
  std::vector<Group> group(groups);
  std::vector<Member> members;
  std::vector<uint8_t> seen(columns, 0);
  uint64_t total = head_size;
  for (Group& g : group) {
    uint64_t count = 0;
    if (!dir.GetCount(count)) return fail(DataLoss("section: bad JSON column group"));
    g.first = members.size();
    g.count = count;
    for (uint64_t k = 0; k < count; ++k) {
      uint64_t c = 0, raw = 0;
      if (!dir.GetVarint(c) || c >= columns || seen[c] || !dir.GetVarint(raw) || raw > size) {
        return fail(DataLoss("section: bad JSON column group"));
      }
      seen[c] = 1;
      members.push_back(Member{static_cast<uint32_t>(c), raw});
      g.raw += raw;
    }
    if (!dir.GetVarint(g.frame) || g.raw > size) return fail(DataLoss("section: bad JSON column group"));
    total += g.raw;
  }
  if (!dir.done() || total != size) return fail(DataLoss("section: JSON columns do not match the section's size"));
  // Which members to rebuild: all of them, or those that can yield the query's labels (a
  // query testing lines for strings reads every column, rebuilding none).
  if (json_labels_ && !line_tests_) {
    wanted_keys_.assign(columns - 1, 0);
    for (size_t k = 0; k + 1 < columns; ++k) wanted_keys_[k] = logql::JsonKeyMayYield(layout_.key(k), *json_labels_);
    layout_.Select(wanted_keys_);
  } else {
    layout_.Select({});
  }
  // The groups holding a needed column are decompressed; each column is a view of its
  // group's buffer (the bytes after it, the next column's or the buffer's slack, readable).
  column_views_.assign(columns, std::string_view());
  if (column_buffers_.size() < groups) column_buffers_.resize(groups);
  for (size_t gi = 0; gi < groups; ++gi) {
    const Group& g = group[gi];
    std::string_view frame;
    if (!d.GetBytes(g.frame, frame)) return fail(DataLoss("section: JSON column frames cut short"));
    bool needed = false, whole_lines = false;
    for (size_t k = g.first; k < g.first + g.count; ++k) {
      needed = needed || layout_.ColumnNeeded(members[k].column);
      whole_lines = whole_lines || members[k].column == 0;
    }
    // Testing lines for strings, a group whose frame lacks a byte of each (by its literals,
    // zstd_alphabet.h) holds none of them: its values are not read.
    if (!needed || (line_tests_ && !whole_lines && !MayHoldTestedStrings(frame))) continue;
    std::string& buf = column_buffers_[gi];
    if (buf.size() < g.raw + kJsonColumnSlack) buf.resize(g.raw + kJsonColumnSlack);
    if (Status st = DecompressFrame(frame, buf.data(), g.raw); !st.ok()) return fail(st);
    size_t at = 0;
    for (size_t k = g.first; k < g.first + g.count; ++k) {
      column_views_[members[k].column] = std::string_view(buf.data() + at, members[k].raw);
      at += members[k].raw;
    }
  }
  if (d.remaining() != 0) return fail(DataLoss("section: bytes after the JSON column frames"));
  // The section's memory: its head (the metadata's views point there) and the lines.
  const size_t lines_bound =
      line_tests_ ? layout_.LineTestsBound(*line_tests_) : layout_.OutputBound(column_views_) + kJsonColumnSlack;
  const size_t capacity = head_size + lines_bound;
  if (capacity > UINT32_MAX) return fail(DataLoss("section: too big"));
  if (s.raw_capacity_ < capacity) {
    s.raw_capacity_ = capacity + capacity / 4;
    s.raw_ = std::unique_ptr<char[]>(new char[s.raw_capacity_]);
  }
  std::memcpy(s.raw_.get(), header_.data(), head_size);
  for (auto& [name, value] : s.sm_) {
    name = std::string_view(s.raw_.get() + (name.data() - header_.data()), name.size());
    value = std::string_view(s.raw_.get() + (value.data() - header_.data()), value.size());
  }
  char* const lines = s.raw_.get() + head_size;
  const size_t room = s.raw_capacity_ - head_size;
  const auto base = static_cast<uint32_t>(head_size);
  if (Status st = line_tests_ ? layout_.WriteLineTests(column_views_, *line_tests_, lines, room, s.line_off_.data(), base)
                              : layout_.Rebuild(column_views_, lines, room, s.line_off_.data(), base);
      !st.ok()) {
    return fail(st);
  }
  s.raw_size_ = s.line_off_[n];
  return s;
}

}  // namespace remediator::store

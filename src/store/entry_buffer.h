#pragma once

// Entries held in memory uncompressed, in arrival order: a stream's head (in the WAL, not yet
// in a block) and its pending entries (deferred batches not yet compressed). The lines and
// structured metadata of all entries share one string and one label array: no allocation
// per entry.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/labels.h"
#include "store/section.h"

namespace remediator::store {

class EntryBuffer {
 public:
  void Add(int64_t ts, std::string_view line, std::span<const Label> sm) {
    entries_.push_back(Entry{ts, lines_.size(), static_cast<uint32_t>(line.size()),
                             static_cast<uint32_t>(sm_.size()), static_cast<uint32_t>(sm.size())});
    lines_.append(line);
    sm_.insert(sm_.end(), sm.begin(), sm.end());
  }

  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  int64_t timestamp(size_t i) const { return entries_[i].ts; }
  // Entry i; its views hold while nothing is added.
  RawEntry at(size_t i) const {
    const Entry& e = entries_[i];
    return RawEntry{e.ts, std::string_view(lines_).substr(e.line_off, e.line_len),
                    std::span<const Label>(sm_).subspan(e.sm_begin, e.sm_count)};
  }
  void AppendTo(std::vector<RawEntry>& out) const {
    for (size_t i = 0; i < entries_.size(); ++i) out.push_back(at(i));
  }
  uint64_t line_bytes() const { return lines_.size(); }
  // What an entry costs in memory beyond its line, roughly.
  static constexpr uint64_t kEntryOverhead = 32;

  // Empties it, keeping the memory for what comes next.
  void Clear() {
    entries_.clear();
    lines_.clear();
    sm_.clear();
  }
  // Empties it and gives the memory back.
  void Release() {
    std::vector<Entry>().swap(entries_);
    std::string().swap(lines_);
    std::vector<Label>().swap(sm_);
  }

 private:
  struct Entry {
    int64_t ts;
    uint64_t line_off;
    uint32_t line_len;
    uint32_t sm_begin;
    uint32_t sm_count;
  };
  static_assert(sizeof(Entry) == kEntryOverhead);
  std::vector<Entry> entries_;
  std::string lines_;
  std::vector<Label> sm_;
};

}  // namespace remediator::store

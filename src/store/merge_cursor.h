// Reads one stream's entries in [start, end) in time order from several sources (sealed
// sections and a snapshot of the head), merging them lazily: a section is read and
// decompressed only when its time range is reached, and freed when done. Entries with equal
// timestamps come in arrival order (source order, then position) in both directions.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "logql/stream_source.h"
#include "store/block.h"
#include "store/section.h"

namespace remediator::store {

struct CursorSource {
  std::shared_ptr<const BlockFile> block;  // a sealed section: block + index ...
  uint32_t section = 0;
  std::shared_ptr<const Section> ready;    // ... or entries already in memory (head snapshot)
  int64_t min_ts = 0, max_ts = 0;
  uint32_t order = 0;                      // arrival order of the sources
};

class MergeCursor final : public logql::EntryCursor {
 public:
  // Sealed sections are read with `decompressor`, which must outlive the cursor (one per
  // thread: a Select's cursors share one).
  MergeCursor(std::vector<CursorSource> sources, int64_t start_ns, int64_t end_ns,
              logql::Direction direction, SectionDecompressor& decompressor);
  ~MergeCursor() override;
  // Positions on the first entry; `has_entry` false when there is none. Error when a section
  // cannot be read.
  Status Prime(bool& has_entry);
  bool Next(logql::EntryView& out) override {
    // The common case inline: one section at a time, read forward, no metadata, and the
    // next section not due before this entry.
    if (run_pos_ < run_end_ && run_ts_[run_pos_] < run_limit_) {
      out.timestamp_ns = run_ts_[run_pos_];
      out.line = std::string_view(run_raw_ + run_off_[run_pos_], run_off_[run_pos_ + 1] - run_off_[run_pos_]);
      out.structured_metadata = {};
      ++run_pos_;
      return true;
    }
    return NextSlow(out);
  }
  // The first read error met by Next() (which then returned false).
  const Status& status() const { return status_; }

 private:
  struct Active;
  bool Before(const Active& a, const Active& b) const;  // a comes first
  bool HeapBefore(const std::unique_ptr<Active>& a, const std::unique_ptr<Active>& b) const {
    return Before(*b, *a);  // std heaps keep the greatest on top
  }
  // Whether `next` may hold an entry that comes before (or ties with) the top's time `top`.
  bool Due(const CursorSource& next, int64_t top) const { return backward_ ? next.max_ts >= top : next.min_ts <= top; }
  bool NextSlow(logql::EntryView& out);
  // Hands the run's position back to the top (the run's last entry was returned last).
  void EndRun();
  Status LoadDue();
  Status Load(const CursorSource& src);
  void Retire(std::unique_ptr<Active> done);  // its section's memory goes back for reuse

  int64_t start_, end_;
  bool backward_;
  SectionDecompressor& decompressor_;
  std::vector<CursorSource> pending_;  // in load order, front = next
  size_t next_pending_ = 0;
  std::vector<std::unique_ptr<Active>> heap_;
  bool advance_top_ = false;  // the top was returned by the last Next()
  std::vector<Label> sm_;
  Status status_;
  // The run Next() serves inline: entries [run_pos_, run_end_) of the only active section,
  // while their timestamps are below run_limit_ (the next pending source's first time).
  const int64_t* run_ts_ = nullptr;
  const uint32_t* run_off_ = nullptr;
  const char* run_raw_ = nullptr;
  uint32_t run_pos_ = 0, run_end_ = 0;
  int64_t run_limit_ = 0;
};

}  // namespace remediator::store

// The file source's cursors (internal to logql/source): reading a mapped file's lines with
// their times by byte range (any order), from one end with a disorder bound, or through
// the full index.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "logql/source/file_source.h"
#include "logql/source/line_time.h"
#include "logql/stream_source.h"

namespace remediator::logql::file {

using Line = FileStreamSource::Line;
using File = FileStreamSource::File;

// Marks a line without a readable time while indexing.
inline constexpr int64_t kNoTime = INT64_MIN;

// Indexes the lines starting in [begin, end) of `data` (both at line starts): times are
// kNoTime where unreadable (and everywhere without a field).
void IndexRange(const char* data, size_t begin, size_t end, const std::string& field, std::vector<Line>& out);

// The start of the first line at or after byte `at`.
size_t LineStartAtOrAfter(const File& f, size_t at);

// The time a line without one at `offset` takes: the nearest readable one before it, else
// the file's first readable one, else 0.
int64_t InheritedTime(const File& f, const std::string& field, size_t offset);

// Entries of the lines starting in [begin, end) with times in [start, end), in file order.
class ScanCursor final : public EntryCursor {
 public:
  ScanCursor(const File& f, const std::string& field, size_t begin, size_t end, int64_t start_ns, int64_t end_ns);
  bool Next(EntryView& out) override;

 private:
  const File& f_;
  const std::string& field_;
  LineTimeReader reader_;
  size_t begin_, pos_, end_;
  int64_t start_ns_, end_ns_;
  int64_t last_ = 0;
  bool has_last_ = false;
};

// Entries [lo, hi) of the full index, in its order or reversed.
class IndexCursor final : public EntryCursor {
 public:
  IndexCursor(const File& f, const std::vector<Line>& lines, size_t lo, size_t hi, bool backward)
      : f_(f), lines_(lines), lo_(lo), hi_(hi), pos_(backward ? hi : lo), backward_(backward) {}
  bool Next(EntryView& out) override;

 private:
  const File& f_;
  const std::vector<Line>& lines_;
  size_t lo_, hi_, pos_;
  bool backward_;
};

// Entries with times in [start, end) in time order (stable: equal times in file order,
// reversed for backward), read from the file's end (backward) or start (forward) only as
// far as needed under the disorder bound (FileSourceOptions::max_disorder_ns). When a line
// read breaks the bound, the file is marked disordered; if nothing was delivered yet, the
// cursor continues from the full index (`index` builds it).
class BoundedCursor final : public EntryCursor {
 public:
  BoundedCursor(const File& f, const std::string& field, int64_t start_ns, int64_t end_ns, bool backward,
                int64_t max_disorder_ns, std::function<const std::vector<Line>&()> index);
  bool Next(EntryView& out) override;

  static constexpr int kBlockLines = 64;

 private:
  struct Pending {
    int64_t key;      // ts, negated when backward: delivered smallest first
    int64_t pos_key;  // offset, negated when backward
    int64_t ts;
    uint64_t offset;
    uint32_t length;
  };
  struct Raw {
    uint64_t offset;
    uint32_t length;
  };
  void ScanBlock();
  void Push(const Raw& r, int64_t ts);
  void StartFallback();

  const File& f_;
  LineTimeReader reader_;
  int64_t start_ns_, end_ns_;
  bool backward_;
  int64_t max_disorder_;
  std::function<const std::vector<Line>&()> index_;
  std::vector<Pending> heap_;
  std::vector<Raw> untimed_;  // backward: waiting for an earlier line's time; forward: leading lines
  size_t next_ = 0;           // forward: the next line's start; backward: the next line's end
  bool more_ = true;          // lines left to read
  bool done_ = false;         // nothing more to read (the rest cannot be in range)
  bool delivered_ = false;
  int64_t bound_key_ = INT64_MIN;  // every line not read yet has a key >= this
  int64_t stop_key_;
  bool has_time_ = false;
  int64_t time_ = 0;  // forward: the last time read; backward: the earliest-placed time read
  std::unique_ptr<IndexCursor> fallback_;
};

}  // namespace remediator::logql::file

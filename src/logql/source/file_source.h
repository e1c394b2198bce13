// A StreamSource over plain files: each file is one stream with the labels given for it.
//
// Entry times come from a field of each line (`time_field`: a JSON key or logfmt key whose
// value is RFC 3339 or Unix seconds, fractional allowed) or, without one, from the line's
// order: the last line is at the file's mtime and each earlier line one nanosecond before
// the next. A line whose time cannot be read takes the previous line's time (leading lines
// the first readable one). Files are memory-mapped at Open and read lazily, without an
// index where a query does not need one (docs/logql-guide.md, "Querying files"):
//  - range aggregations (Split) read each file as byte ranges, one per thread, reading each
//    line's time as they go and keeping the lines in [start, end); entries come in file
//    order and the engine orders them (exact for any line order);
//  - log queries read from the end (backward) or the start (forward) of a file only as far
//    as needed, assuming lines are out of order by at most `max_disorder_ns` (below); a
//    file found breaking that bound, and every query when the bound is negative or there is
//    no time field, use a full index of (offset, length, time) built once, with two threads.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/labels.h"
#include "core/status.h"
#include "logql/stream_source.h"

namespace remediator::logql {

struct FileStream {
  std::string path;
  Labels labels;
};

struct FileSourceOptions {
  std::string time_field;  // empty: the line's order at the file's mtime
  int index_threads = 2;
  // How far out of time order lines may be, for log queries read from one end of a file:
  // a line is at most this much newer than the newest of any 64 consecutive lines written
  // after it (backward), and at most this much older than the oldest of any 64 consecutive
  // lines written before it (forward). Negative: no bound (log queries index the file).
  int64_t max_disorder_ns = int64_t{3600} * 1000000000;
  // Split cuts files into byte ranges when they hold at least this much in all.
  uint64_t min_split_bytes = uint64_t{1} << 20;
};

class FileStreamSource final : public StreamSource {
 public:
  static Result<std::unique_ptr<FileStreamSource>> Open(const std::vector<FileStream>& files,
                                                        const FileSourceOptions& options);
  ~FileStreamSource() override;

  Status Select(const StreamSelection& selection, const Visitor& visit) const override;
  // Cuts every file into `n` byte ranges (any order).
  std::vector<StreamSelection> Split(const StreamSelection& selection, int n) const override;

  // Bytes mapped, for statistics.
  uint64_t total_bytes() const;
  // Builds every file's full index now (as a query that needs one would); returns the lines.
  uint64_t BuildIndex() const;

  struct Line {
    uint64_t offset;
    uint32_t length;
    int64_t ts;
  };
  struct File {
    Labels labels;
    const char* data = nullptr;
    size_t size = 0;
    int64_t mtime_ns = 0;
    // The full index, built on first need: sorted by ts (stable).
    mutable std::once_flag index_once;
    mutable std::vector<Line> lines;
    mutable std::atomic<bool> indexed{false};
    // Set when a bounded read found the file out of order by more than max_disorder.
    mutable std::atomic<bool> disordered{false};
  };

 private:
  FileStreamSource() = default;
  const std::vector<Line>& Index(const File& f) const;
  std::vector<std::unique_ptr<File>> files_;
  FileSourceOptions options_;
};

}  // namespace remediator::logql

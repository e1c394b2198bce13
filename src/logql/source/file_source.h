// A StreamSource over plain files: each file is one stream with the labels given for it.
//
// Entry times come from a field of each line (`time_field`: a JSON key or logfmt key whose
// value is RFC 3339 or Unix seconds, fractional allowed) or, without one, from the line's
// order: the last line is at the file's mtime and each earlier line one nanosecond before
// the next. A line whose time cannot be read takes the previous line's time. Files are
// memory-mapped and indexed (offset, length, time) once at Open, with two threads; entries
// are then served in time order (stable for equal times) without copying.
#pragma once

#include <memory>
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
};

class FileStreamSource final : public StreamSource {
 public:
  static Result<std::unique_ptr<FileStreamSource>> Open(const std::vector<FileStream>& files,
                                                        const FileSourceOptions& options);
  ~FileStreamSource() override;

  Status Select(const StreamSelection& selection, const Visitor& visit) const override;

  // Bytes and lines indexed, for statistics.
  uint64_t total_bytes() const;
  uint64_t total_lines() const;

  struct Line {
    uint64_t offset;
    uint32_t length;
    int64_t ts;
  };
  struct File {
    Labels labels;
    const char* data = nullptr;
    size_t size = 0;
    std::vector<Line> lines;  // sorted by ts (stable)
  };

 private:
  FileStreamSource() = default;
  std::vector<File> files_;
};

// Reads the time of one line from `field` (JSON `"field":` or logfmt `field=`); false when
// the line has no readable time. Exposed for tests.
bool ReadLineTime(std::string_view line, std::string_view field, int64_t& ts_ns);

}  // namespace remediator::logql

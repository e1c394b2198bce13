// An in-memory StreamSource for tests and small tools: streams keyed by label set, entries
// kept sorted by time (stable for equal times).
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "core/labels.h"
#include "logql/stream_source.h"

namespace remediator::logql {

class MemoryStreamSource final : public StreamSource {
 public:
  // Adds one entry to the stream with `labels` (created on first use). Not thread-safe with
  // a concurrent Select.
  void Add(const Labels& labels, int64_t timestamp_ns, std::string line, Labels structured_metadata = {});
  void Clear() { streams_.clear(); }
  size_t stream_count() const { return streams_.size(); }

  Status Select(const StreamSelection& selection, const Visitor& visit) const override;

 private:
  struct Entry {
    int64_t ts;
    std::string line;
    Labels metadata;
  };
  struct Stream {
    Labels labels;
    std::vector<Entry> entries;  // sorted by ts (stable)
    bool sorted = true;
  };
  mutable std::mutex mu_;  // guards the lazy sort
  std::map<std::string, Stream> streams_;
};

}  // namespace remediator::logql

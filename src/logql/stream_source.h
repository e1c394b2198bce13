// Where LogQL reads entries from. The engine never knows whether entries live in files, the
// embedded store, memory or a remote Loki: it asks a StreamSource for the streams matching a
// selector within a time range, and reads each stream's entries in time order.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string_view>
#include <vector>

#include "core/labels.h"
#include "core/status.h"

namespace remediator::logql {

enum class Direction {
  kForward,   // oldest first
  kBackward,  // newest first
};

// A view of one entry. The views are owned by the cursor and stay valid only until the
// cursor's next Next() call.
struct EntryView {
  int64_t timestamp_ns = 0;
  std::string_view line;
  std::span<const Label> structured_metadata;
};

class EntryCursor {
 public:
  virtual ~EntryCursor() = default;
  // Fills `out` with the next entry; false at the end. Entries come in the requested
  // direction's time order; entries with equal timestamps keep their arrival order.
  virtual bool Next(EntryView& out) = 0;
};

struct StreamSelection {
  std::vector<LabelMatcher> matchers;  // all must match the stream's labels
  int64_t start_ns = 0;                // inclusive
  int64_t end_ns = 0;                  // exclusive
  Direction direction = Direction::kForward;
};

class StreamSource {
 public:
  virtual ~StreamSource() = default;
  // Calls `visit` once per matching stream that has entries in [start, end), with the
  // stream's labels and a cursor over those entries. A non-OK status from `visit` stops the
  // walk and is returned. Thread-safe: the engine may call Select from several threads at
  // once (for example on disjoint time ranges).
  using Visitor = std::function<Status(const Labels& stream_labels, EntryCursor& entries)>;
  virtual Status Select(const StreamSelection& selection, const Visitor& visit) const = 0;
};

}  // namespace remediator::logql

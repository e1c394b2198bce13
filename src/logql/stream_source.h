// Where LogQL reads entries from. The engine never knows whether entries live in files, the
// embedded store, memory or a remote Loki: it asks a StreamSource for the streams matching a
// selector within a time range, and reads each stream's entries in time order.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
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
  // Work sharing, set by StreamSource::Split: this selection is part `part` of `parts`
  // disjoint parts (0 of 1: all of it). With `any_order`, the consumer orders entries
  // itself and entries may come in any order.
  int part = 0;
  int parts = 1;
  bool any_order = false;
  // A hint from the query's leading `|=` line filters: the consumer drops every entry whose
  // line lacks one of these strings, so a source may leave such entries out (it need not).
  std::vector<std::string> line_contains;
  // A hint from a metric query that reads each line only through one leading `| json` stage
  // without parameters and uses only these of the labels it extracts (Split copies it): a
  // source may hand, instead of a line that is a JSON object, a JSON object of just the members
  // whose keys JsonKeyMayYield accepts, in their order, keys and values as written
  // (json_projection.h). nullopt: no hint, lines must be whole.
  std::optional<std::vector<std::string>> json_labels;
  // A hint from a metric query that reads each line only through `|=` / `!=` filters of these
  // strings (none holds a newline) and not otherwise (a count, a rate): a source may hand,
  // instead of a line, any line that holds exactly the same of these strings — such as those
  // it holds, joined by newlines — so it need not rebuild lines it keeps by field. nullopt:
  // lines must be whole.
  std::optional<std::vector<std::string>> line_tests;
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

  // Splits `selection` into at most `n` selections for `n` threads of a consumer that orders
  // entries itself (range aggregations): together they deliver each entry of `selection`
  // exactly once. This default cuts [start, end) into equal time spans (one part under a
  // minute); a source may split otherwise (the file source cuts each file into byte ranges
  // and sets `any_order`).
  virtual std::vector<StreamSelection> Split(const StreamSelection& selection, int n) const {
    std::vector<StreamSelection> out;
    int64_t span = selection.end_ns - selection.start_ns;
    if (n < 1 || span < int64_t{60} * 1000000000) n = 1;
    for (int i = 0; i < n; ++i) {
      StreamSelection s = selection;
      s.start_ns = selection.start_ns + span / n * i;
      s.end_ns = i == n - 1 ? selection.end_ns : selection.start_ns + span / n * (i + 1);
      out.push_back(std::move(s));
    }
    return out;
  }
};

}  // namespace remediator::logql

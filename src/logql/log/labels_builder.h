// The per-entry label state a log pipeline works on: the stream's labels, the entry's
// structured metadata and the labels stages add (parsers, label_format), with deletions and
// Loki's __error__ / __error__details__. Reset per entry; buffers are reused, so a steady
// pipeline does not allocate per entry.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/labels.h"

namespace remediator::logql::log {

inline constexpr std::string_view kErrorLabel = "__error__";
inline constexpr std::string_view kErrorDetailsLabel = "__error_details__";

class LabelsBuilder {
 public:
  // Starts a new entry. `stream` and `metadata` must outlive the entry's processing.
  void Reset(const Labels* stream, std::span<const Label> metadata);

  // The current value of `name` (parsed > metadata > stream), false when absent or deleted.
  // __error__ and __error_details__ are not readable here (see error()).
  bool Get(std::string_view name, std::string_view& value) const;
  // Whether the stream labels or the metadata (the names a parsed label must not take) hold
  // `name`.
  bool BaseOrMetadataHas(std::string_view name) const;
  // Whether a parser already set `name` for this entry (the first value wins).
  bool ParsedHas(std::string_view name) const;

  // Sets a label (stored as a parsed label, shadowing a stream or metadata label).
  void Set(std::string_view name, std::string_view value);
  // Removes a label from every source.
  void Delete(std::string_view name);

  bool HasError() const { return !error_.empty(); }
  const std::string& error() const { return error_; }
  const std::string& error_details() const { return error_details_; }
  void SetError(std::string_view e) { error_.assign(e); }
  void SetErrorDetails(std::string_view d) { error_details_.assign(d); }
  void ResetError() { error_.clear(); }
  void ResetErrorDetails() { error_details_.clear(); }

  // Whether any stage changed the labels (then the series is not the stream's).
  bool Modified() const { return n_parsed_ > 0 || n_deleted_ > 0 || !metadata_.empty() || HasError() ||
                                 !error_details_.empty(); }

  // True when the labels are the stream's plus parsed ones alone (no metadata, deletion or
  // error): the final set is then the stream's labels, each shadowed by a parsed one of the
  // same name, and the parsed labels (parsed_name/parsed_value, i < parsed_count()).
  bool OnlyParsed() const { return n_deleted_ == 0 && metadata_.empty() && error_.empty() && error_details_.empty(); }
  size_t parsed_count() const { return n_parsed_; }
  std::string_view parsed_name(size_t i) const { return parsed_[i].name; }
  std::string_view parsed_value(size_t i) const { return parsed_[i].value; }

  // The final label set, sorted by name, as views valid until the next change: stream and
  // metadata labels not deleted or shadowed, parsed labels, then __error__ /
  // __error_details__ when set.
  void Collect(std::vector<std::pair<std::string_view, std::string_view>>& out) const;
  Labels ToLabels() const;

  // Calls fn(name, value) for every current label (any order); for templates' `.` and keep.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    scratch_.clear();
    Collect(scratch_);
    for (const auto& [n, v] : scratch_) fn(n, v);
  }

 private:
  struct Slot {
    std::string name;
    std::string value;
  };
  int FindParsed(std::string_view name) const;
  bool IsDeleted(std::string_view name) const;

  const Labels* stream_ = nullptr;
  std::vector<Label> metadata_;  // metadata with stream clashes renamed to <name>_extracted
  std::vector<Slot> parsed_;
  size_t n_parsed_ = 0;
  std::vector<std::string> deleted_;
  size_t n_deleted_ = 0;
  std::string error_;
  std::string error_details_;
  mutable std::vector<std::pair<std::string_view, std::string_view>> scratch_;
};

}  // namespace remediator::logql::log

#include "logql/source/memory_source.h"

#include <algorithm>

namespace remediator::logql {
namespace {

class VectorCursor final : public EntryCursor {
 public:
  VectorCursor(const auto* begin, const auto* end, bool backward) {
    for (auto* p = begin; p != end; ++p) items_.push_back(EntryView{p->ts, p->line, p->metadata});
    if (backward) std::reverse(items_.begin(), items_.end());
  }
  bool Next(EntryView& out) override {
    if (pos_ >= items_.size()) return false;
    out = items_[pos_++];
    return true;
  }

 private:
  std::vector<EntryView> items_;
  size_t pos_ = 0;
};

}  // namespace

void MemoryStreamSource::Add(const Labels& in, int64_t ts, std::string line, Labels metadata) {
  // Like Loki's push path, a label with an empty value is no label at all.
  Labels labels;
  for (const Label& l : in) {
    if (!l.value.empty()) labels.push_back(l);
  }
  std::string key = FormatLabels(labels);
  Stream& s = streams_[key];
  if (s.labels.empty()) s.labels = labels;
  if (!s.entries.empty() && s.entries.back().ts > ts) s.sorted = false;
  s.entries.push_back(Entry{ts, std::move(line), std::move(metadata)});
}

Status MemoryStreamSource::Select(const StreamSelection& sel, const Visitor& visit) const {
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [key, s] : const_cast<std::map<std::string, Stream>&>(streams_)) {
      if (!s.sorted) {
        std::stable_sort(s.entries.begin(), s.entries.end(),
                         [](const Entry& a, const Entry& b) { return a.ts < b.ts; });
        s.sorted = true;
      }
    }
  }
  for (const auto& [key, s] : streams_) {
    bool match = true;
    for (const LabelMatcher& m : sel.matchers) {
      if (!m.Matches(s.labels)) {
        match = false;
        break;
      }
    }
    if (!match) continue;
    auto lo = std::lower_bound(s.entries.begin(), s.entries.end(), sel.start_ns,
                               [](const Entry& e, int64_t t) { return e.ts < t; });
    auto hi = std::lower_bound(s.entries.begin(), s.entries.end(), sel.end_ns,
                               [](const Entry& e, int64_t t) { return e.ts < t; });
    if (lo >= hi) continue;
    VectorCursor cursor(s.entries.data() + (lo - s.entries.begin()), s.entries.data() + (hi - s.entries.begin()),
                        sel.direction == Direction::kBackward);
    REMEDIATOR_RETURN_IF_ERROR(visit(s.labels, cursor));
  }
  return Status::Ok();
}

}  // namespace remediator::logql

// The store's read path: which streams a selector matches, and Select, which reads their
// entries in [start, end) from the sealed sections and a snapshot of the head
// (docs/formats/store.md, "Reading").
#include <algorithm>
#include <unordered_map>
#include <mutex>
#include <shared_mutex>

#include "store/merge_cursor.h"
#include "store/section.h"
#include "store/store.h"

namespace remediator::store {

std::vector<uint32_t> Store::MatchingStreams(std::span<const LabelMatcher> matchers) const {
  // Narrow with the postings of the first equality matcher on a non-empty value, then check
  // every matcher against the candidates.
  const std::vector<uint32_t>* candidates = nullptr;
  static const std::vector<uint32_t> kNone;
  for (const LabelMatcher& m : matchers) {
    if (m.op() != MatchOp::kEqual || m.value().empty()) continue;
    auto name = postings_.find(m.name());
    if (name == postings_.end()) return {};
    auto value = name->second.find(m.value());
    candidates = value == name->second.end() ? &kNone : &value->second;
    break;
  }
  std::vector<uint32_t> out;
  auto check = [&](uint32_t id) {
    for (const LabelMatcher& m : matchers) {
      if (!m.Matches(streams_[id]->labels)) return;
    }
    out.push_back(id);
  };
  if (candidates != nullptr) {
    for (uint32_t id : *candidates) check(id);
  } else {
    for (uint32_t id = 0; id < streams_.size(); ++id) check(id);
  }
  return out;
}

std::vector<Labels> Store::Streams(std::span<const LabelMatcher> matchers) const {
  std::shared_lock lock(mu_);
  std::vector<Labels> out;
  for (uint32_t id : MatchingStreams(matchers)) out.push_back(streams_[id]->labels);
  return out;
}

Status Store::Select(const logql::StreamSelection& selection, const Visitor& visit) const {
  if (selection.start_ns >= selection.end_ns) return Status::Ok();
  SectionDecompressor decompressor;  // for every cursor of this call, one after another
  decompressor.Require(selection.line_contains);
  decompressor.Project(selection.json_labels);
  decompressor.TestLines(selection.line_tests);
  struct Planned {
    Labels labels;
    std::vector<CursorSource> sources;
  };
  std::vector<Planned> plan;
  {
    std::shared_lock lock(mu_);
    for (uint32_t id : MatchingStreams(selection.matchers)) {
      const StreamState& s = *streams_[id];
      Planned p;
      uint32_t order = 0;
      for (const SectionRef& r : s.sections) {
        ++order;
        if (r.max_ts < selection.start_ns || r.min_ts >= selection.end_ns) continue;  // pruned
        if (!r.block->MayHoldRequired(r.section, decompressor)) {  // by its trigrams, unread
          decompressor.CountSkipped(SectionDecompressor::Skip::kTrigrams);
          continue;
        }
        p.sources.push_back(CursorSource{r.block, r.section, nullptr, r.min_ts, r.max_ts, order});
      }
      if (!s.head.empty() && s.head_max >= selection.start_ns && s.head_min < selection.end_ns) {
        // Snapshot the head's entries in range, sorted, as a decoded section.
        std::vector<uint32_t> idx;
        for (uint32_t i = 0; i < s.head.size(); ++i) {
          const int64_t ts = s.head.timestamp(i);
          if (ts >= selection.start_ns && ts < selection.end_ns) idx.push_back(i);
        }
        std::stable_sort(idx.begin(), idx.end(),
                         [&](uint32_t a, uint32_t b) { return s.head.timestamp(a) < s.head.timestamp(b); });
        std::vector<RawEntry> raw;
        raw.reserve(idx.size());
        for (uint32_t i : idx) raw.push_back(s.head.at(i));
        std::string encoded;
        EncodeSection(raw, encoded);
        auto section = Section::Decode(std::move(encoded));
        if (!section.ok()) return Internal("store: head snapshot: " + section.status().message());
        if (section->size() > 0) {
          const int64_t lo = section->timestamp(0), hi = section->timestamp(section->size() - 1);
          p.sources.push_back(CursorSource{nullptr, 0,
                                           std::make_shared<const Section>(std::move(section).value()),
                                           lo, hi, ++order});
        }
      }
      if (p.sources.empty()) continue;
      p.labels = s.labels;
      plan.push_back(std::move(p));
    }
  }
  auto read = [&]() -> Status {
    for (Planned& p : plan) {
      MergeCursor cursor(std::move(p.sources), selection.start_ns, selection.end_ns, selection.direction,
                         decompressor);
      bool has_entry = false;
      REMEDIATOR_RETURN_IF_ERROR(cursor.Prime(has_entry));
      if (!has_entry) continue;
      REMEDIATOR_RETURN_IF_ERROR(visit(p.labels, cursor));
      REMEDIATOR_RETURN_IF_ERROR(cursor.status());
    }
    return Status::Ok();
  };
  const Status st = read();
  const SectionDecompressor::Counts& counts = decompressor.counts();
  sections_decompressed_.fetch_add(counts.decompressed, std::memory_order_relaxed);
  sections_skipped_trigrams_.fetch_add(counts.skipped_trigrams, std::memory_order_relaxed);
  sections_skipped_alphabet_.fetch_add(counts.skipped_alphabet, std::memory_order_relaxed);
  return st;
}

std::vector<logql::StreamSelection> Store::Split(const logql::StreamSelection& selection, int n) const {
  std::vector<logql::StreamSelection> out;
  if (n <= 1 || selection.start_ns >= selection.end_ns) {
    out.push_back(selection);
    return out;
  }
  // What a part reads: per block, the selected sections in range (read together, as they
  // cover about the same time), and the head; each weighed by its uncompressed bytes.
  struct Group {
    int64_t min_ts = INT64_MAX;
    uint64_t bytes = 0;
  };
  std::vector<Group> groups;
  SectionDecompressor required;  // only to tell which sections Select would skip unread
  required.Require(selection.line_contains);
  {
    std::shared_lock lock(mu_);
    std::unordered_map<const BlockFile*, size_t> group_of;
    Group head;
    for (uint32_t id : MatchingStreams(selection.matchers)) {
      const StreamState& s = *streams_[id];
      for (const SectionRef& r : s.sections) {
        if (r.max_ts < selection.start_ns || r.min_ts >= selection.end_ns) continue;
        if (!r.block->MayHoldRequired(r.section, required)) continue;  // Select skips it unread
        auto [it, added] = group_of.emplace(r.block.get(), groups.size());
        if (added) groups.emplace_back();
        Group& g = groups[it->second];
        g.min_ts = std::min(g.min_ts, r.min_ts);
        g.bytes += r.block->index().sections[r.section].raw_bytes;
      }
      if (!s.head.empty() && s.head_max >= selection.start_ns && s.head_min < selection.end_ns) {
        head.min_ts = std::min(head.min_ts, s.head_min);
        head.bytes += s.head.line_bytes() + s.head.size();
      }
    }
    if (head.bytes > 0) groups.push_back(head);
  }
  uint64_t total = 0;
  for (Group& g : groups) {
    g.min_ts = std::max(g.min_ts, selection.start_ns);
    total += g.bytes;
  }
  std::sort(groups.begin(), groups.end(), [](const Group& a, const Group& b) { return a.min_ts < b.min_ts; });
  // Cut before the group whose middle crosses the next k/n of the bytes, at its first
  // entry's time: cuts rise strictly inside (start, end).
  std::vector<int64_t> cuts{selection.start_ns};
  uint64_t before = 0;
  for (const Group& g : groups) {
    const size_t k = cuts.size();
    if (k >= static_cast<size_t>(n)) break;
    const double target = static_cast<double>(total) * static_cast<double>(k) / n;
    if (static_cast<double>(before) + static_cast<double>(g.bytes) / 2 >= target && g.min_ts > cuts.back() &&
        g.min_ts < selection.end_ns) {
      cuts.push_back(g.min_ts);
    }
    before += g.bytes;
  }
  cuts.push_back(selection.end_ns);
  for (size_t i = 0; i + 1 < cuts.size(); ++i) {
    logql::StreamSelection part = selection;
    part.start_ns = cuts[i];
    part.end_ns = cuts[i + 1];
    out.push_back(std::move(part));
  }
  return out;
}

}  // namespace remediator::store

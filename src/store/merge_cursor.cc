#include "store/merge_cursor.h"

#include <algorithm>

namespace remediator::store {

struct MergeCursor::Active {
  std::shared_ptr<const Section> section;
  std::vector<uint32_t> order_idx;  // iteration order (indices into section)
  size_t pos = 0;
  uint32_t order = 0;
  size_t index() const { return order_idx[pos]; }
  int64_t ts() const { return section->timestamp(index()); }
};

MergeCursor::MergeCursor(std::vector<CursorSource> sources, int64_t start_ns, int64_t end_ns,
                         logql::Direction direction)
    : start_(start_ns), end_(end_ns), backward_(direction == logql::Direction::kBackward),
      pending_(std::move(sources)) {
  if (backward_) {
    std::stable_sort(pending_.begin(), pending_.end(), [](const CursorSource& a, const CursorSource& b) {
      return a.max_ts != b.max_ts ? a.max_ts > b.max_ts : a.order < b.order;
    });
  } else {
    std::stable_sort(pending_.begin(), pending_.end(), [](const CursorSource& a, const CursorSource& b) {
      return a.min_ts != b.min_ts ? a.min_ts < b.min_ts : a.order < b.order;
    });
  }
}

MergeCursor::~MergeCursor() = default;

bool MergeCursor::Before(const Active& a, const Active& b) const {
  const int64_t ta = a.ts(), tb = b.ts();
  if (ta != tb) return backward_ ? ta > tb : ta < tb;
  return a.order < b.order;
}

int64_t MergeCursor::TopTs() const { return heap_.front()->ts(); }

Status MergeCursor::Load(const CursorSource& src) {
  std::shared_ptr<const Section> section = src.ready;
  if (!section) {
    auto read = src.block->ReadSection(src.section);
    if (!read.ok()) return read.status();
    section = std::make_shared<const Section>(std::move(read).value());
  }
  const auto& ts = section->timestamps();  // sorted ascending (stable)
  const auto b = static_cast<uint32_t>(std::lower_bound(ts.begin(), ts.end(), start_) - ts.begin());
  const auto e = static_cast<uint32_t>(std::lower_bound(ts.begin(), ts.end(), end_) - ts.begin());
  if (b >= e) return Status::Ok();
  auto active = std::make_unique<Active>();
  active->order = src.order;
  active->order_idx.reserve(e - b);
  if (!backward_) {
    for (uint32_t i = b; i < e; ++i) active->order_idx.push_back(i);
  } else {
    // Newest first; a run of equal timestamps keeps its arrival order.
    uint32_t hi = e;
    while (hi > b) {
      uint32_t lo = hi - 1;
      while (lo > b && ts[lo - 1] == ts[hi - 1]) --lo;
      for (uint32_t i = lo; i < hi; ++i) active->order_idx.push_back(i);
      hi = lo;
    }
  }
  active->section = std::move(section);
  heap_.push_back(std::move(active));
  std::push_heap(heap_.begin(), heap_.end(),
                 [this](const auto& a, const auto& b) { return Before(*b, *a); });
  return Status::Ok();
}

Status MergeCursor::LoadDue() {
  while (next_pending_ < pending_.size()) {
    const CursorSource& next = pending_[next_pending_];
    if (!heap_.empty()) {
      const int64_t top = TopTs();
      if (backward_ ? next.max_ts < top : next.min_ts > top) break;
    }
    ++next_pending_;
    CursorSource src = std::move(pending_[next_pending_ - 1]);
    REMEDIATOR_RETURN_IF_ERROR(Load(src));
  }
  return Status::Ok();
}

Status MergeCursor::Prime(bool& has_entry) {
  REMEDIATOR_RETURN_IF_ERROR(LoadDue());
  has_entry = !heap_.empty();
  return Status::Ok();
}

bool MergeCursor::Next(logql::EntryView& out) {
  if (!status_.ok()) return false;
  auto cmp = [this](const auto& a, const auto& b) { return Before(*b, *a); };
  if (advance_top_) {
    advance_top_ = false;
    std::pop_heap(heap_.begin(), heap_.end(), cmp);
    Active& a = *heap_.back();
    if (++a.pos >= a.order_idx.size()) {
      heap_.pop_back();
    } else {
      std::push_heap(heap_.begin(), heap_.end(), cmp);
    }
  }
  if (Status st = LoadDue(); !st.ok()) {
    status_ = st;
    return false;
  }
  if (heap_.empty()) return false;
  const Active& top = *heap_.front();
  const size_t i = top.index();
  out.timestamp_ns = top.section->timestamp(i);
  out.line = top.section->line(i);
  top.section->StructuredMetadata(i, sm_);
  out.structured_metadata = sm_;
  advance_top_ = true;
  return true;
}

}  // namespace remediator::store

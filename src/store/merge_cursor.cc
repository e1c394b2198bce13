#include "store/merge_cursor.h"

#include <algorithm>

namespace remediator::store {

// One section being read: entries [pos, end) of `section` still to come, in the cursor's
// direction (backward: through order_idx, runs of equal timestamps in arrival order).
struct MergeCursor::Active {
  Section owned;                             // a sealed section read for this cursor ...
  std::shared_ptr<const Section> ready;      // ... or a head snapshot
  const Section* section = nullptr;          // whichever it is
  std::vector<uint32_t> order_idx;           // backward only
  uint32_t pos = 0, end = 0;
  uint32_t order = 0;
  int64_t ts = 0;                            // of the current entry
  uint32_t index() const { return order_idx.empty() ? pos : order_idx[pos]; }
  // Moves to the next entry; false when done.
  bool Advance() {
    if (++pos >= end) return false;
    ts = section->timestamp(index());
    return true;
  }
};

MergeCursor::MergeCursor(std::vector<CursorSource> sources, int64_t start_ns, int64_t end_ns,
                         logql::Direction direction, SectionDecompressor& decompressor)
    : start_(start_ns), end_(end_ns), backward_(direction == logql::Direction::kBackward),
      decompressor_(decompressor), pending_(std::move(sources)) {
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

MergeCursor::~MergeCursor() {
  EndRun();
  for (auto& a : heap_) Retire(std::move(a));
}

bool MergeCursor::Before(const Active& a, const Active& b) const {
  if (a.ts != b.ts) return backward_ ? a.ts > b.ts : a.ts < b.ts;
  return a.order < b.order;
}

void MergeCursor::Retire(std::unique_ptr<Active> done) {
  if (done->owned.size() > 0) decompressor_.Recycle(std::move(done->owned));
}

Status MergeCursor::Load(const CursorSource& src) {
  auto active = std::make_unique<Active>();
  if (src.ready) {
    active->ready = src.ready;
    active->section = src.ready.get();
  } else {
    auto read = src.block->ReadSection(src.section, decompressor_);
    if (!read.ok()) return read.status();
    active->owned = std::move(read).value();
    active->section = &active->owned;
  }
  const auto& ts = active->section->timestamps();  // sorted ascending (stable)
  const auto b = static_cast<uint32_t>(std::lower_bound(ts.begin(), ts.end(), start_) - ts.begin());
  const auto e = static_cast<uint32_t>(std::lower_bound(ts.begin(), ts.end(), end_) - ts.begin());
  if (b >= e) {
    Retire(std::move(active));
    return Status::Ok();
  }
  active->order = src.order;
  if (!backward_) {
    active->pos = b;
    active->end = e;
  } else {
    // Newest first; a run of equal timestamps keeps its arrival order.
    active->order_idx.reserve(e - b);
    uint32_t hi = e;
    while (hi > b) {
      uint32_t lo = hi - 1;
      while (lo > b && ts[lo - 1] == ts[hi - 1]) --lo;
      for (uint32_t i = lo; i < hi; ++i) active->order_idx.push_back(i);
      hi = lo;
    }
    active->pos = 0;
    active->end = e - b;
  }
  active->ts = ts[active->index()];
  heap_.push_back(std::move(active));
  std::push_heap(heap_.begin(), heap_.end(), [this](const auto& x, const auto& y) { return HeapBefore(x, y); });
  return Status::Ok();
}

Status MergeCursor::LoadDue() {
  while (next_pending_ < pending_.size()) {
    if (!heap_.empty() && !Due(pending_[next_pending_], heap_.front()->ts)) break;
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

void MergeCursor::EndRun() {
  if (run_end_ == 0) return;
  Active& top = *heap_.front();
  top.pos = run_pos_ - 1;
  top.ts = run_ts_[top.pos];
  run_pos_ = run_end_ = 0;
}

bool MergeCursor::NextSlow(logql::EntryView& out) {
  EndRun();
  if (!status_.ok()) return false;
  if (advance_top_) {
    advance_top_ = false;
    auto cmp = [this](const auto& x, const auto& y) { return HeapBefore(x, y); };
    if (heap_.size() == 1) {  // one section at a time: no heap to keep
      if (!heap_.front()->Advance()) {
        Retire(std::move(heap_.front()));
        heap_.clear();
      }
    } else {
      std::pop_heap(heap_.begin(), heap_.end(), cmp);
      if (heap_.back()->Advance()) {
        std::push_heap(heap_.begin(), heap_.end(), cmp);
      } else {
        Retire(std::move(heap_.back()));
        heap_.pop_back();
      }
    }
  }
  // Per entry only a comparison: LoadDue runs when the next source's range is reached.
  if (next_pending_ < pending_.size() && (heap_.empty() || Due(pending_[next_pending_], heap_.front()->ts))) {
    if (Status st = LoadDue(); !st.ok()) {
      status_ = st;
      return false;
    }
  }
  if (heap_.empty()) return false;
  const Active& top = *heap_.front();
  const uint32_t i = top.index();
  if (heap_.size() == 1 && !backward_ && !top.section->has_metadata() && top.pos + 1 < top.end) {
    // Serve the entries after this one inline until the section ends or the next is due.
    run_ts_ = top.section->timestamps().data();
    run_off_ = top.section->line_offsets();
    run_raw_ = top.section->raw_data();
    run_pos_ = top.pos + 1;
    run_end_ = top.end;
    run_limit_ = next_pending_ < pending_.size() ? pending_[next_pending_].min_ts : INT64_MAX;
  }
  out.timestamp_ns = top.ts;
  out.line = top.section->line(i);
  if (top.section->has_metadata()) {
    top.section->StructuredMetadata(i, sm_);
    out.structured_metadata = sm_;
  } else {
    out.structured_metadata = {};
  }
  advance_top_ = true;
  return true;
}

}  // namespace remediator::store

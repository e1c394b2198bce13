#include "logql/source/file_cursors.h"

#include <algorithm>
#include <cstring>
#include <memory>

namespace remediator::logql::file {

namespace {

inline int64_t SatSub(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_sub_overflow(a, b, &r)) return b > 0 ? INT64_MIN : INT64_MAX;
  return r;
}

inline int64_t Neg(int64_t v) { return v == INT64_MIN ? INT64_MAX : -v; }

inline uint32_t Length(const char* data, size_t b, size_t e) {
  size_t len = e - b;
  if (len > 0 && data[b + len - 1] == '\r') --len;
  return static_cast<uint32_t>(std::min<size_t>(len, UINT32_MAX));
}

// The end (exclusive, before '\n') of the line starting at `b`.
inline size_t LineEnd(const File& f, size_t b) {
  const void* nl = std::memchr(f.data + b, '\n', f.size - b);
  return nl == nullptr ? f.size : static_cast<size_t>(static_cast<const char*>(nl) - f.data);
}

// Min-heap order on (key, pos_key).
struct Later {
  template <typename P>
  bool operator()(const P& a, const P& b) const {
    return a.key != b.key ? a.key > b.key : a.pos_key > b.pos_key;
  }
};

}  // namespace

void IndexRange(const char* data, size_t begin, size_t end, const std::string& field, std::vector<Line>& out) {
  LineTimeReader reader(field);
  size_t p = begin;
  while (p < end) {
    const void* nl = std::memchr(data + p, '\n', end - p);
    size_t e = nl == nullptr ? end : static_cast<size_t>(static_cast<const char*>(nl) - data);
    uint32_t len = Length(data, p, e);
    int64_t ts = kNoTime;
    if (!field.empty()) {
      int64_t t = 0;
      if (reader.Read(std::string_view(data + p, len), t)) ts = t;
    }
    out.push_back(Line{p, len, ts});
    p = e + 1;
  }
}

size_t LineStartAtOrAfter(const File& f, size_t at) {
  if (at == 0) return 0;
  if (at >= f.size) return f.size;
  const void* nl = std::memchr(f.data + at - 1, '\n', f.size - at + 1);
  return nl == nullptr ? f.size : static_cast<size_t>(static_cast<const char*>(nl) - f.data) + 1;
}

int64_t InheritedTime(const File& f, const std::string& field, size_t offset) {
  LineTimeReader reader(field);
  int64_t ts = 0;
  // Backward from the line before `offset`.
  size_t end = offset;
  while (end > 0) {
    size_t e = end - 1;  // the '\n' ending the previous line
    const void* nl = e == 0 ? nullptr : memrchr(f.data, '\n', e);
    size_t b = nl == nullptr ? 0 : static_cast<size_t>(static_cast<const char*>(nl) - f.data) + 1;
    if (reader.Read(std::string_view(f.data + b, Length(f.data, b, e)), ts)) return ts;
    end = b;
  }
  // None before: the first readable one after.
  for (size_t b = offset; b < f.size;) {
    size_t e = LineEnd(f, b);
    if (reader.Read(std::string_view(f.data + b, Length(f.data, b, e)), ts)) return ts;
    b = e + 1;
  }
  return 0;
}

ScanCursor::ScanCursor(const File& f, const std::string& field, size_t begin, size_t end, int64_t start_ns,
                       int64_t end_ns)
    : f_(f), field_(field), reader_(field), begin_(begin), pos_(begin), end_(end), start_ns_(start_ns), end_ns_(end_ns) {}

bool ScanCursor::Next(EntryView& out) {
  const char* data = f_.data;
  while (pos_ < end_) {
    size_t b = pos_;
    const void* nl = std::memchr(data + b, '\n', f_.size - b);
    size_t e = nl == nullptr ? f_.size : static_cast<size_t>(static_cast<const char*>(nl) - data);
    pos_ = e + 1;
    std::string_view line(data + b, Length(data, b, e));
    int64_t ts;
    if (reader_.Read(line, ts)) {
      last_ = ts;
      has_last_ = true;
    } else {
      if (!has_last_) {
        last_ = InheritedTime(f_, field_, begin_);
        has_last_ = true;
      }
      ts = last_;
    }
    if (ts < start_ns_ || ts >= end_ns_) continue;
    out.timestamp_ns = ts;
    out.line = line;
    out.structured_metadata = {};
    return true;
  }
  return false;
}

bool IndexCursor::Next(EntryView& out) {
  const Line* l;
  if (backward_) {
    if (pos_ <= lo_) return false;
    l = &lines_[--pos_];
  } else {
    if (pos_ >= hi_) return false;
    l = &lines_[pos_++];
  }
  out.timestamp_ns = l->ts;
  out.line = std::string_view(f_.data + l->offset, l->length);
  out.structured_metadata = {};
  return true;
}

BoundedCursor::BoundedCursor(const File& f, const std::string& field, int64_t start_ns, int64_t end_ns,
                             bool backward, int64_t max_disorder_ns, std::function<const std::vector<Line>&()> index)
    : f_(f),
      reader_(field),
      start_ns_(start_ns),
      end_ns_(end_ns),
      backward_(backward),
      max_disorder_(max_disorder_ns),
      index_(std::move(index)) {
  // Reading stops once every line not read has a key >= stop_key_ (a time outside the range).
  stop_key_ = backward ? SatSub(1, start_ns) : end_ns;
  more_ = f.size > 0 && start_ns < end_ns;
  done_ = !more_;
  if (backward) {
    next_ = f.size;
    if (f.size > 0 && f.data[f.size - 1] == '\n') next_ = f.size - 1;
  }
}

void BoundedCursor::Push(const Raw& r, int64_t ts) {
  if (ts < start_ns_ || ts >= end_ns_) return;
  int64_t off = static_cast<int64_t>(r.offset);
  heap_.push_back(Pending{backward_ ? Neg(ts) : ts, backward_ ? -off : off, ts, r.offset, r.length});
  std::push_heap(heap_.begin(), heap_.end(), Later{});
}

void BoundedCursor::ScanBlock() {
  const char* data = f_.data;
  int64_t block_min = INT64_MAX;
  bool any = false;
  for (int n = 0; n < kBlockLines && more_; ++n) {
    size_t b, e;
    if (backward_) {
      e = next_;
      const void* nl = e == 0 ? nullptr : memrchr(data, '\n', e);
      b = nl == nullptr ? 0 : static_cast<size_t>(static_cast<const char*>(nl) - data) + 1;
      if (b == 0) {
        more_ = false;
      } else {
        next_ = b - 1;
      }
    } else {
      b = next_;
      e = LineEnd(f_, b);
      next_ = e + 1;
      more_ = next_ < f_.size;
    }
    Raw raw{b, Length(data, b, e)};
    int64_t ts;
    if (!reader_.Read(std::string_view(data + b, raw.length), ts)) {
      if (!backward_ && has_time_) {
        Push(raw, time_);
      } else {
        untimed_.push_back(raw);
      }
      continue;
    }
    int64_t key = backward_ ? Neg(ts) : ts;
    if (key < bound_key_) {
      // Out of order by more than the bound: the rest of the file may hold anything.
      f_.disordered.store(true, std::memory_order_relaxed);
      if (!delivered_) {
        StartFallback();
        return;
      }
    }
    block_min = std::min(block_min, key);
    any = true;
    has_time_ = true;
    time_ = ts;
    for (const Raw& u : untimed_) Push(u, ts);  // backward: they follow this line; forward: they lead the file
    untimed_.clear();
    Push(raw, ts);
  }
  if (any && max_disorder_ >= 0) bound_key_ = std::max(bound_key_, SatSub(block_min, max_disorder_));
  if (!more_) {
    done_ = true;
    // Lines before the first readable time take it (0 without any).
    for (const Raw& u : untimed_) Push(u, has_time_ ? time_ : 0);
    untimed_.clear();
  } else if (bound_key_ >= stop_key_) {
    done_ = true;  // the rest is outside [start, end), and so are lines waiting for its times
    untimed_.clear();
  }
}

void BoundedCursor::StartFallback() {
  const std::vector<Line>& lines = index_();
  auto lo = std::lower_bound(lines.begin(), lines.end(), start_ns_, [](const Line& l, int64_t t) { return l.ts < t; });
  auto hi = std::lower_bound(lines.begin(), lines.end(), end_ns_, [](const Line& l, int64_t t) { return l.ts < t; });
  if (hi < lo) hi = lo;
  fallback_ = std::make_unique<IndexCursor>(f_, lines, static_cast<size_t>(lo - lines.begin()),
                                            static_cast<size_t>(hi - lines.begin()), backward_);
  heap_.clear();
  untimed_.clear();
  done_ = true;
}

bool BoundedCursor::Next(EntryView& out) {
  while (true) {
    if (fallback_) return fallback_->Next(out);
    if (!heap_.empty()) {
      const Pending& top = heap_.front();
      // Lines not read have keys >= bound_key_; lines waiting for a time (backward) may
      // also take a key == bound_key_ and sort before `top` then.
      bool safe = done_ || (untimed_.empty() ? top.key <= bound_key_ : top.key < bound_key_);
      if (safe) {
        std::pop_heap(heap_.begin(), heap_.end(), Later{});
        const Pending& p = heap_.back();
        out.timestamp_ns = p.ts;
        out.line = std::string_view(f_.data + p.offset, p.length);
        out.structured_metadata = {};
        heap_.pop_back();
        delivered_ = true;
        return true;
      }
    }
    if (done_) return false;
    ScanBlock();
  }
}

}  // namespace remediator::logql::file

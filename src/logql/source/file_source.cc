#include "logql/source/file_source.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <thread>

#include "core/clock.h"
#include "logql/log/matchers.h"
#include "logql/source/file_cursors.h"

namespace remediator::logql {

Result<std::unique_ptr<FileStreamSource>> FileStreamSource::Open(const std::vector<FileStream>& files,
                                                                 const FileSourceOptions& options) {
  std::unique_ptr<FileStreamSource> src(new FileStreamSource());
  src->options_ = options;
  for (const FileStream& fs : files) {
    int fd = ::open(fs.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return NotFound(fs.path + ": " + std::strerror(errno));
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      ::close(fd);
      return Internal(fs.path + ": " + std::strerror(errno));
    }
    auto f = std::make_unique<File>();
    f->labels = fs.labels;
    f->size = static_cast<size_t>(st.st_size);
    f->mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * kNanosPerSecond + st.st_mtim.tv_nsec;
    if (f->size > 0) {
      void* m = ::mmap(nullptr, f->size, PROT_READ, MAP_PRIVATE, fd, 0);
      if (m == MAP_FAILED) {
        ::close(fd);
        return Internal(fs.path + ": mmap: " + std::strerror(errno));
      }
      f->data = static_cast<const char*>(m);
    }
    ::close(fd);
    src->files_.push_back(std::move(f));
  }
  return src;
}

FileStreamSource::~FileStreamSource() {
  for (auto& f : files_) {
    if (f->data != nullptr) ::munmap(const_cast<char*>(f->data), f->size);
  }
}

uint64_t FileStreamSource::total_bytes() const {
  uint64_t n = 0;
  for (const auto& f : files_) n += f->size;
  return n;
}

uint64_t FileStreamSource::BuildIndex() const {
  uint64_t n = 0;
  for (const auto& f : files_) n += Index(*f).size();
  return n;
}

const std::vector<FileStreamSource::Line>& FileStreamSource::Index(const File& f) const {
  std::call_once(f.index_once, [&] {
    const std::string& field = options_.time_field;
    int parts = std::max(1, options_.index_threads);
    if (f.size < (size_t{1} << 22)) parts = 1;
    std::vector<size_t> cuts{0};
    for (int i = 1; i < parts; ++i) {
      cuts.push_back(file::LineStartAtOrAfter(f, f.size / static_cast<size_t>(parts) * static_cast<size_t>(i)));
    }
    cuts.push_back(f.size);
    std::vector<std::vector<Line>> chunks(static_cast<size_t>(parts));
    std::vector<std::thread> threads;
    for (int i = 1; i < parts; ++i) {
      threads.emplace_back([&, i] {
        auto k = static_cast<size_t>(i);
        file::IndexRange(f.data, cuts[k], cuts[k + 1], field, chunks[k]);
      });
    }
    file::IndexRange(f.data, cuts[0], cuts[1], field, chunks[0]);
    for (auto& t : threads) t.join();
    std::vector<Line>& lines = f.lines;
    size_t total = 0;
    for (auto& c : chunks) total += c.size();
    lines.reserve(total);
    for (auto& c : chunks) lines.insert(lines.end(), c.begin(), c.end());
    if (field.empty()) {
      for (size_t i = 0; i < lines.size(); ++i) lines[i].ts = f.mtime_ns - static_cast<int64_t>(lines.size() - 1 - i);
    } else {
      // A line without a time takes the previous line's, leading lines the first readable one.
      int64_t first = 0;
      for (const Line& l : lines) {
        if (l.ts != file::kNoTime) {
          first = l.ts;
          break;
        }
      }
      int64_t last = first;
      for (Line& l : lines) {
        if (l.ts == file::kNoTime) {
          l.ts = last;
        } else {
          last = l.ts;
        }
      }
      auto by_ts = [](const Line& a, const Line& b) { return a.ts < b.ts; };
      if (!std::is_sorted(lines.begin(), lines.end(), by_ts)) std::stable_sort(lines.begin(), lines.end(), by_ts);
    }
    f.indexed.store(true, std::memory_order_release);
  });
  return f.lines;
}

std::vector<StreamSelection> FileStreamSource::Split(const StreamSelection& selection, int n) const {
  if (n <= 1 || total_bytes() < options_.min_split_bytes) return {selection};
  std::vector<StreamSelection> out;
  for (int i = 0; i < n; ++i) {
    StreamSelection s = selection;
    s.part = i;
    s.parts = n;
    s.any_order = true;
    out.push_back(std::move(s));
  }
  return out;
}

Status FileStreamSource::Select(const StreamSelection& sel, const Visitor& visit) const {
  const bool backward = sel.direction == Direction::kBackward;
  const size_t part = static_cast<size_t>(std::max(0, sel.part));
  const size_t parts = static_cast<size_t>(std::max(1, sel.parts));
  for (const auto& fp : files_) {
    const File& f = *fp;
    bool match = true;
    for (const LabelMatcher& m : sel.matchers) {
      if (!m.Matches(f.labels)) {
        match = false;
        break;
      }
    }
    if (!match || sel.start_ns >= sel.end_ns || part >= parts) continue;
    const bool timed = !options_.time_field.empty();
    if (timed && sel.any_order && !f.indexed.load(std::memory_order_acquire)) {
      // This part's byte range, each line's time read on the way.
      size_t begin = file::LineStartAtOrAfter(f, f.size / parts * part);
      size_t end = part + 1 == parts ? f.size : file::LineStartAtOrAfter(f, f.size / parts * (part + 1));
      if (begin >= end) continue;
      file::ScanCursor cursor(f, options_.time_field, begin, end, sel.start_ns, sel.end_ns);
      REMEDIATOR_RETURN_IF_ERROR(visit(f.labels, cursor));
      continue;
    }
    if (timed && parts == 1 && options_.max_disorder_ns >= 0 && !f.indexed.load(std::memory_order_acquire) &&
        !f.disordered.load(std::memory_order_relaxed)) {
      file::BoundedCursor cursor(f, options_.time_field, sel.start_ns, sel.end_ns, backward, options_.max_disorder_ns,
                                 [this, &f]() -> const std::vector<Line>& { return Index(f); });
      REMEDIATOR_RETURN_IF_ERROR(visit(f.labels, cursor));
      continue;
    }
    const std::vector<Line>& lines = Index(f);
    auto by_ts = [](const Line& l, int64_t t) { return l.ts < t; };
    size_t lo = static_cast<size_t>(std::lower_bound(lines.begin(), lines.end(), sel.start_ns, by_ts) - lines.begin());
    size_t hi = static_cast<size_t>(std::lower_bound(lines.begin(), lines.end(), sel.end_ns, by_ts) - lines.begin());
    if (lo >= hi) continue;
    if (parts > 1) {  // a part of the index range, in time order
      size_t n = hi - lo;
      size_t plo = lo + n / parts * part;
      hi = part + 1 == parts ? hi : lo + n / parts * (part + 1);
      lo = plo;
      if (lo >= hi) continue;
    }
    file::IndexCursor cursor(f, lines, lo, hi, backward);
    REMEDIATOR_RETURN_IF_ERROR(visit(f.labels, cursor));
  }
  return Status::Ok();
}

}  // namespace remediator::logql

#include "logql/source/file_source.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <thread>

#include "core/clock.h"
#include "core/time_format.h"
#include "logql/log/matchers.h"

namespace remediator::logql {

namespace {

// "2026-01-01T10:00:00.123456789Z" / "+02:00" quickly; falls back to ParseRfc3339.
bool FastRfc3339(std::string_view s, int64_t& out) {
  auto d2 = [&](size_t i) { return (s[i] - '0') * 10 + (s[i + 1] - '0'); };
  if (s.size() >= 20 && s[4] == '-' && s[7] == '-' && s[10] == 'T' && s[13] == ':' && s[16] == ':') {
    for (size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u, 11u, 12u, 14u, 15u, 17u, 18u}) {
      if (s[i] < '0' || s[i] > '9') return false;
    }
    int64_t year = d2(0) * 100 + d2(2);
    int64_t days = DaysFromCivil(year, static_cast<unsigned>(d2(5)), static_cast<unsigned>(d2(8)));
    int64_t secs = days * 86400 + d2(11) * 3600 + d2(14) * 60 + d2(17);
    size_t i = 19;
    int64_t frac = 0;
    if (i < s.size() && s[i] == '.') {
      ++i;
      size_t start = i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        if (i - start < 9) frac = frac * 10 + (s[i] - '0');
        ++i;
      }
      for (size_t k = std::min<size_t>(i - start, 9); k < 9; ++k) frac *= 10;
    }
    if (i < s.size() && (s[i] == 'Z' || s[i] == 'z') && i + 1 == s.size()) {
      out = secs * kNanosPerSecond + frac;
      return true;
    }
    if (i + 6 == s.size() && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':') {
      int64_t off = (d2(i + 1) * 60 + d2(i + 4)) * 60;
      secs -= s[i] == '+' ? off : -off;
      out = secs * kNanosPerSecond + frac;
      return true;
    }
  }
  auto r = ParseRfc3339(s);
  if (!r.ok()) return false;
  out = *r;
  return true;
}

bool ParseTimeValue(std::string_view v, int64_t& out) {
  if (v.empty()) return false;
  if ((v[0] >= '0' && v[0] <= '9') || v[0] == '-') {
    // Unix seconds (fractional) or an RFC 3339 string that starts with a year.
    if (v.size() >= 20 && v[4] == '-') return FastRfc3339(v, out);
    auto r = ParseTimeArg(v);
    if (!r.ok()) return false;
    out = *r;
    return true;
  }
  return FastRfc3339(v, out);
}

}  // namespace

namespace {

// Reads a time field from lines that usually share a layout: the key is looked for first
// where it was in the previous line, then with a SIMD substring search.
class TimeFieldReader {
  static std::string Quoted(std::string_view f) {
    std::string q;
    q.reserve(f.size() + 2);
    q.push_back('"');
    q.append(f.data(), f.size());
    q.push_back('"');
    return q;
  }

 public:
  explicit TimeFieldReader(std::string_view field)
      : field_(field), pattern_(Quoted(field)), search_(pattern_) {}

  bool Read(std::string_view line, int64_t& ts) {
    size_t at = std::string_view::npos;
    if (hint_ + pattern_.size() <= line.size() &&
        std::memcmp(line.data() + hint_, pattern_.data(), pattern_.size()) == 0) {
      at = hint_;
    } else {
      // Lines of one layout put the key near where it was in the previous line (earlier
      // fields differ in length): look around there first, then in the whole line. (A key
      // that occurs twice in a line, say nested, may then be read at its second place.)
      size_t lo = hint_ > kWindow ? hint_ - kWindow : 0;
      if (lo < line.size()) {
        size_t f = search_.Find(line.substr(lo, 2 * kWindow + pattern_.size()));
        if (f != std::string_view::npos) at = lo + f;
      }
      if (at == std::string_view::npos) at = search_.Find(line);
    }
    if (at != std::string_view::npos) {
      hint_ = at;
      size_t p = at + pattern_.size();
      while (p < line.size() && line[p] == ' ') ++p;
      if (p >= line.size() || line[p] != ':') return false;
      ++p;
      while (p < line.size() && line[p] == ' ') ++p;
      if (p >= line.size()) return false;
      if (line[p] == '"') {
        const void* q = std::memchr(line.data() + p + 1, '"', line.size() - p - 1);
        if (q == nullptr) return false;
        size_t end = static_cast<size_t>(static_cast<const char*>(q) - line.data());
        return ParseTimeValue(line.substr(p + 1, end - p - 1), ts);
      }
      size_t end = p;
      while (end < line.size() && line[end] != ',' && line[end] != '}' && line[end] != ' ') ++end;
      return ParseTimeValue(line.substr(p, end - p), ts);
    }
    // logfmt: field=value or field="value"
    size_t pos = 0;
    while (pos < line.size()) {
      size_t f = line.find(field_, pos);
      if (f == std::string_view::npos) return false;
      size_t after = f + field_.size();
      if ((f == 0 || line[f - 1] == ' ') && after < line.size() && line[after] == '=') {
        size_t p = after + 1;
        if (p < line.size() && line[p] == '"') {
          size_t end = line.find('"', p + 1);
          if (end == std::string_view::npos) return false;
          return ParseTimeValue(line.substr(p + 1, end - p - 1), ts);
        }
        size_t end = line.find(' ', p);
        if (end == std::string_view::npos) end = line.size();
        return ParseTimeValue(line.substr(p, end - p), ts);
      }
      pos = f + 1;
    }
    return false;
  }

 private:
  static constexpr size_t kWindow = 96;
  std::string field_;
  std::string pattern_;
  log::SubstringSearcher search_;
  size_t hint_ = 0;
};

}  // namespace

bool ReadLineTime(std::string_view line, std::string_view field, int64_t& ts) {
  TimeFieldReader r(field);
  return r.Read(line, ts);
}

namespace {

class FileCursor final : public EntryCursor {
 public:
  FileCursor(const FileStreamSource::File& f, size_t lo, size_t hi, bool backward)
      : f_(f), lo_(lo), hi_(hi), pos_(backward ? hi : lo), backward_(backward) {}
  bool Next(EntryView& out) override {
    const FileStreamSource::Line* l;
    if (backward_) {
      if (pos_ <= lo_) return false;
      l = &f_.lines[--pos_];
    } else {
      if (pos_ >= hi_) return false;
      l = &f_.lines[pos_++];
    }
    out.timestamp_ns = l->ts;
    out.line = std::string_view(f_.data + l->offset, l->length);
    out.structured_metadata = {};
    return true;
  }

 private:
  const FileStreamSource::File& f_;
  size_t lo_, hi_, pos_;
  bool backward_;
};

// Indexes [begin, end) of the mapped file (both at line starts).
void IndexRange(const char* data, size_t begin, size_t end, const std::string& field, int64_t base_ts,
                std::vector<FileStreamSource::Line>& out) {
  size_t p = begin;
  int64_t last = base_ts;
  TimeFieldReader reader(field);
  while (p < end) {
    const void* nl = std::memchr(data + p, '\n', end - p);
    size_t e = nl == nullptr ? end : static_cast<size_t>(static_cast<const char*>(nl) - data);
    size_t len = e - p;
    if (len > 0 && data[p + len - 1] == '\r') --len;
    int64_t ts = last;
    if (!field.empty()) {
      int64_t t = 0;
      if (reader.Read(std::string_view(data + p, len), t)) ts = t;
      last = ts;
    }
    out.push_back(FileStreamSource::Line{p, static_cast<uint32_t>(std::min<size_t>(len, UINT32_MAX)), ts});
    p = e + 1;
  }
}

}  // namespace

Result<std::unique_ptr<FileStreamSource>> FileStreamSource::Open(const std::vector<FileStream>& files,
                                                                 const FileSourceOptions& options) {
  std::unique_ptr<FileStreamSource> src(new FileStreamSource());
  for (const FileStream& fs : files) {
    int fd = ::open(fs.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return NotFound(fs.path + ": " + std::strerror(errno));
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      ::close(fd);
      return Internal(fs.path + ": " + std::strerror(errno));
    }
    File f;
    f.labels = fs.labels;
    f.size = static_cast<size_t>(st.st_size);
    if (f.size > 0) {
      void* m = ::mmap(nullptr, f.size, PROT_READ, MAP_PRIVATE, fd, 0);
      if (m == MAP_FAILED) {
        ::close(fd);
        return Internal(fs.path + ": mmap: " + std::strerror(errno));
      }
      ::madvise(m, f.size, MADV_WILLNEED);
      f.data = static_cast<const char*>(m);
    }
    ::close(fd);
    int64_t mtime = static_cast<int64_t>(st.st_mtim.tv_sec) * kNanosPerSecond + st.st_mtim.tv_nsec;
    // Split the file at line starts for the index threads.
    int parts = std::max(1, options.index_threads);
    if (f.size < (size_t{1} << 22)) parts = 1;
    std::vector<size_t> cuts{0};
    for (int i = 1; i < parts; ++i) {
      size_t c = f.size / static_cast<size_t>(parts) * static_cast<size_t>(i);
      const void* nl = std::memchr(f.data + c, '\n', f.size - c);
      cuts.push_back(nl == nullptr ? f.size : static_cast<size_t>(static_cast<const char*>(nl) - f.data) + 1);
    }
    cuts.push_back(f.size);
    std::vector<std::vector<Line>> chunks(static_cast<size_t>(parts));
    std::vector<std::thread> threads;
    for (int i = 0; i < parts; ++i) {
      threads.emplace_back([&, i] {
        IndexRange(f.data, cuts[static_cast<size_t>(i)], cuts[static_cast<size_t>(i) + 1], options.time_field,
                   0, chunks[static_cast<size_t>(i)]);
      });
    }
    for (auto& t : threads) t.join();
    size_t total = 0;
    for (auto& c : chunks) total += c.size();
    f.lines.reserve(total);
    for (auto& c : chunks) f.lines.insert(f.lines.end(), c.begin(), c.end());
    if (options.time_field.empty()) {
      for (size_t i = 0; i < f.lines.size(); ++i) {
        f.lines[i].ts = mtime - static_cast<int64_t>(f.lines.size() - 1 - i);
      }
    } else {
      // A leading line without a time takes the first readable one.
      int64_t first = 0;
      for (const Line& l : f.lines) {
        if (l.ts != 0) {
          first = l.ts;
          break;
        }
      }
      for (Line& l : f.lines) {
        if (l.ts != 0) break;
        l.ts = first;
      }
      if (!std::is_sorted(f.lines.begin(), f.lines.end(), [](const Line& a, const Line& b) { return a.ts < b.ts; })) {
        std::stable_sort(f.lines.begin(), f.lines.end(), [](const Line& a, const Line& b) { return a.ts < b.ts; });
      }
    }
    src->files_.push_back(std::move(f));
  }
  return src;
}

FileStreamSource::~FileStreamSource() {
  for (File& f : files_) {
    if (f.data != nullptr) ::munmap(const_cast<char*>(f.data), f.size);
  }
}

uint64_t FileStreamSource::total_bytes() const {
  uint64_t n = 0;
  for (const File& f : files_) n += f.size;
  return n;
}

uint64_t FileStreamSource::total_lines() const {
  uint64_t n = 0;
  for (const File& f : files_) n += f.lines.size();
  return n;
}

Status FileStreamSource::Select(const StreamSelection& sel, const Visitor& visit) const {
  for (const File& f : files_) {
    bool match = true;
    for (const LabelMatcher& m : sel.matchers) {
      if (!m.Matches(f.labels)) {
        match = false;
        break;
      }
    }
    if (!match) continue;
    auto lo = std::lower_bound(f.lines.begin(), f.lines.end(), sel.start_ns,
                               [](const Line& l, int64_t t) { return l.ts < t; });
    auto hi = std::lower_bound(f.lines.begin(), f.lines.end(), sel.end_ns,
                               [](const Line& l, int64_t t) { return l.ts < t; });
    if (lo >= hi) continue;
    FileCursor cursor(f, static_cast<size_t>(lo - f.lines.begin()), static_cast<size_t>(hi - f.lines.begin()),
                      sel.direction == Direction::kBackward);
    REMEDIATOR_RETURN_IF_ERROR(visit(f.labels, cursor));
  }
  return Status::Ok();
}

}  // namespace remediator::logql

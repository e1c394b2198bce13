#include "logql/source/line_time.h"

#include <cstring>

#include "core/clock.h"
#include "core/time_format.h"

namespace remediator::logql {

namespace {

std::string Quoted(std::string_view f) {
  std::string q;
  q.reserve(f.size() + 2);
  q.push_back('"');
  q.append(f.data(), f.size());
  q.push_back('"');
  return q;
}

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

LineTimeReader::LineTimeReader(std::string_view field) : field_(field), pattern_(Quoted(field)), search_(pattern_) {}

// "2026-01-01T10:00:00.123456789Z" / "+02:00" quickly; falls back to ParseRfc3339.
bool LineTimeReader::ParseRfc3339Fast(std::string_view s, int64_t& out) {
  auto d2 = [&](size_t i) { return (s[i] - '0') * 10 + (s[i + 1] - '0'); };
  if (s.size() >= 20 && s[13] == ':' && s[16] == ':' && IsDigit(s[14]) && IsDigit(s[15]) && IsDigit(s[17]) &&
      IsDigit(s[18])) {
    int64_t secs;
    if (hour_valid_ && std::memcmp(s.data(), hour_prefix_, sizeof(hour_prefix_)) == 0) {
      secs = hour_secs_;
    } else {
      hour_valid_ = false;
      if (s[4] != '-' || s[7] != '-' || s[10] != 'T') goto slow;
      for (size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u, 11u, 12u}) {
        if (!IsDigit(s[i])) goto slow;
      }
      int64_t year = d2(0) * 100 + d2(2);
      int64_t days = DaysFromCivil(year, static_cast<unsigned>(d2(5)), static_cast<unsigned>(d2(8)));
      secs = days * 86400 + d2(11) * 3600;
      std::memcpy(hour_prefix_, s.data(), sizeof(hour_prefix_));
      hour_secs_ = secs;
      hour_valid_ = true;
    }
    secs += d2(14) * 60 + d2(17);
    size_t i = 19;
    int64_t frac = 0;
    if (i < s.size() && s[i] == '.') {
      ++i;
      size_t start = i;
      while (i < s.size() && IsDigit(s[i])) {
        if (i - start < 9) frac = frac * 10 + (s[i] - '0');
        ++i;
      }
      for (size_t k = std::min<size_t>(i - start, 9); k < 9; ++k) frac *= 10;
    }
    if (i < s.size() && (s[i] == 'Z' || s[i] == 'z') && i + 1 == s.size()) {
      out = secs * kNanosPerSecond + frac;
      return true;
    }
    if (i + 6 == s.size() && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':' && IsDigit(s[i + 1]) &&
        IsDigit(s[i + 2]) && IsDigit(s[i + 4]) && IsDigit(s[i + 5])) {
      int64_t off = (d2(i + 1) * 60 + d2(i + 4)) * 60;
      secs -= s[i] == '+' ? off : -off;
      out = secs * kNanosPerSecond + frac;
      return true;
    }
  }
slow:
  auto r = ParseRfc3339(s);
  if (!r.ok()) return false;
  out = *r;
  return true;
}

bool LineTimeReader::ParseValue(std::string_view v, int64_t& out) {
  if (v.empty()) return false;
  if (IsDigit(v[0]) || v[0] == '-') {
    // Unix seconds (fractional) or an RFC 3339 string that starts with a year.
    if (v.size() >= 20 && v[4] == '-') return ParseRfc3339Fast(v, out);
    auto r = ParseTimeArg(v);
    if (!r.ok()) return false;
    out = *r;
    return true;
  }
  return ParseRfc3339Fast(v, out);
}

bool LineTimeReader::Read(std::string_view line, int64_t& ts) {
  const size_t plen = pattern_.size();
  size_t at = std::string_view::npos;
  if (hint_end_ >= plen && hint_end_ <= line.size() &&
      std::memcmp(line.data() + line.size() - hint_end_, pattern_.data(), plen) == 0) {
    at = line.size() - hint_end_;
  } else if (hint_ + plen <= line.size() && std::memcmp(line.data() + hint_, pattern_.data(), plen) == 0) {
    at = hint_;
  } else {
    // Lines of one layout put the key near where it was in the previous line (earlier
    // fields differ in length): look around there first, then in the whole line.
    size_t lo = hint_ > kWindow ? hint_ - kWindow : 0;
    if (lo < line.size()) {
      size_t f = search_.Find(line.substr(lo, 2 * kWindow + plen));
      if (f != std::string_view::npos) at = lo + f;
    }
    if (at == std::string_view::npos) at = search_.Find(line);
  }
  if (at != std::string_view::npos) {
    hint_ = at;
    hint_end_ = line.size() - at;
    size_t p = at + plen;
    while (p < line.size() && line[p] == ' ') ++p;
    if (p >= line.size() || line[p] != ':') return false;
    ++p;
    while (p < line.size() && line[p] == ' ') ++p;
    if (p >= line.size()) return false;
    if (line[p] == '"') {
      const void* q = std::memchr(line.data() + p + 1, '"', line.size() - p - 1);
      if (q == nullptr) return false;
      size_t end = static_cast<size_t>(static_cast<const char*>(q) - line.data());
      return ParseValue(line.substr(p + 1, end - p - 1), ts);
    }
    size_t end = p;
    while (end < line.size() && line[end] != ',' && line[end] != '}' && line[end] != ' ') ++end;
    return ParseValue(line.substr(p, end - p), ts);
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
        return ParseValue(line.substr(p + 1, end - p - 1), ts);
      }
      size_t end = line.find(' ', p);
      if (end == std::string_view::npos) end = line.size();
      return ParseValue(line.substr(p, end - p), ts);
    }
    pos = f + 1;
  }
  return false;
}

bool ReadLineTime(std::string_view line, std::string_view field, int64_t& ts) {
  LineTimeReader r(field);
  return r.Read(line, ts);
}

}  // namespace remediator::logql

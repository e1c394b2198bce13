#include "logql/template/functions.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include <fmt/format.h>
#include <re2/re2.h>

#include "core/clock.h"
#include "core/go_time.h"
#include "core/labels.h"
#include "logql/convert.h"
#include "logql/regex_expand.h"
#include "logql/template/template.h"

namespace remediator::logql::tmpl {
namespace {

using Args = std::span<const Value>;

// Functions that build a string from a count (repeat, padding, indent) refuse results longer
// than this (4x Loki's default max line size): a short template must not take the process's
// memory.
constexpr int64_t kMaxBuiltBytes = 1 << 20;

// Go's int64 arithmetic wraps around on overflow.
int64_t WrapAdd(int64_t x, int64_t y) { return static_cast<int64_t>(static_cast<uint64_t>(x) + static_cast<uint64_t>(y)); }
int64_t WrapSub(int64_t x, int64_t y) { return static_cast<int64_t>(static_cast<uint64_t>(x) - static_cast<uint64_t>(y)); }
int64_t WrapMul(int64_t x, int64_t y) { return static_cast<int64_t>(static_cast<uint64_t>(x) * static_cast<uint64_t>(y)); }

// Go's int64(f) on amd64: NaN and values out of range give the most negative int64.
int64_t FloatToInt(double f) {
  constexpr double kTwo63 = 9223372036854775808.0;
  if (!(f >= -kTwo63 && f < kTwo63)) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(f);
}

// ---- conversions (sprig's cast.ToInt64 / ToFloat64 / ToString are lenient) ----

std::string Str(const Value& v) {
  if (v.kind() == Value::Kind::kString) return std::string(v.str());
  if (v.is_nil()) return "";
  return v.ToString();
}

int64_t ToInt(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNil: return 0;
    case Value::Kind::kString: {
      std::string_view s = v.str();
      int64_t out = 0;
      int base = 10;
      bool neg = false;
      if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
        neg = s[0] == '-';
        s.remove_prefix(1);
      }
      if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s.remove_prefix(2);
      } else if (s.size() > 1 && s[0] == '0') {
        base = 8;
        s.remove_prefix(1);
      }
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out, base);
      if (ec != std::errc() || p != s.data() + s.size()) return 0;
      return neg ? -out : out;
    }
    case Value::Kind::kInt: return v.int_value();
    case Value::Kind::kFloat: return FloatToInt(v.float_value());
    case Value::Kind::kBool: return v.bool_value() ? 1 : 0;
    case Value::Kind::kTime: return 0;
    case Value::Kind::kList: return 0;
    case Value::Kind::kMap: return 0;
  }
  return 0;
}

double ToFloat(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNil: return 0;
    case Value::Kind::kString: {
      double d = 0;
      return ParseGoFloatFast(v.str(), d) ? d : 0;
    }
    case Value::Kind::kInt: return static_cast<double>(v.int_value());
    case Value::Kind::kFloat: return v.float_value();
    case Value::Kind::kBool: return v.bool_value() ? 1 : 0;
    case Value::Kind::kTime: return 0;
    case Value::Kind::kList: return 0;
    case Value::Kind::kMap: return 0;
  }
  return 0;
}

Status NeedTime(const Value& v, std::string_view fn, int64_t& ns) {
  if (v.kind() != Value::Kind::kTime) {
    return InvalidArgument(fmt::format("wrong type for value; expected time.Time; got {} in {}",
                                       v.kind() == Value::Kind::kString ? "string" : "other", fn));
  }
  ns = v.time_ns();
  return Status::Ok();
}

std::string Lower(std::string_view s) {
  std::string o(s);
  for (char& c : o) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return o;
}
std::string Upper(std::string_view s) {
  std::string o(s);
  for (char& c : o) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return o;
}

bool IsSpace(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && IsSpace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && IsSpace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}
std::string_view TrimLeftSet(std::string_view s, std::string_view cut) {
  while (!s.empty() && cut.find(s.front()) != std::string_view::npos) s.remove_prefix(1);
  return s;
}
std::string_view TrimRightSet(std::string_view s, std::string_view cut) {
  while (!s.empty() && cut.find(s.back()) != std::string_view::npos) s.remove_suffix(1);
  return s;
}

std::string ReplaceAll(std::string_view s, std::string_view from, std::string_view to, int64_t n) {
  std::string out;
  if (from.empty()) {
    // Go inserts `to` before every rune and at the end.
    int64_t done = 0;
    for (size_t i = 0; i <= s.size(); ++i) {
      if (n < 0 || done < n) {
        out += to;
        ++done;
      }
      if (i < s.size()) out += s[i];
    }
    return out;
  }
  size_t pos = 0;
  int64_t done = 0;
  while (n < 0 || done < n) {
    size_t f = s.find(from, pos);
    if (f == std::string_view::npos) break;
    out.append(s.substr(pos, f - pos));
    out += to;
    pos = f + from.size();
    ++done;
  }
  out.append(s.substr(pos));
  return out;
}

size_t RuneLen(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
  return std::min(n, s.size() - i);
}

size_t RuneCount(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); i += RuneLen(s, i)) ++n;
  return n;
}

// Go's Regexp.ReplaceAllString (expand) / ReplaceAllLiteralString.
std::string RegexReplace(const RE2& re, std::string_view src, std::string_view repl, bool literal) {
  std::string out;
  int ngroups = re.NumberOfCapturingGroups() + 1;
  std::vector<re2::StringPiece> groups(static_cast<size_t>(ngroups));
  size_t last_end = 0, search = 0;
  re2::StringPiece text(src.data(), src.size());
  while (search <= src.size()) {
    if (!re.Match(text, search, src.size(), RE2::UNANCHORED, groups.data(), ngroups)) break;
    size_t a0 = static_cast<size_t>(groups[0].data() - src.data());
    size_t a1 = a0 + groups[0].size();
    out.append(src.substr(last_end, a0 - last_end));
    if (a1 > last_end || a0 == 0) {
      if (literal) {
        out.append(repl);
      } else {
        AppendRegexExpand(out, repl, re, groups.data(), ngroups);
      }
    }
    last_end = a1;
    size_t width = search < src.size() ? RuneLen(src, search) : 1;
    if (search + width > a1) {
      search += width;
    } else if (search + 1 > a1) {
      ++search;
    } else {
      search = a1;
    }
  }
  if (last_end < src.size()) out.append(src.substr(last_end));
  return out;
}

Status CompileRegex(std::string_view pattern, std::unique_ptr<RE2>& out) {
  RE2::Options opts;
  opts.set_log_errors(false);
  out = std::make_unique<RE2>(re2::StringPiece(pattern.data(), pattern.size()), opts);
  if (!out->ok()) return InvalidArgument("error parsing regexp: " + out->error());
  return Status::Ok();
}

bool Empty(const Value& v) { return !v.Truthy() && v.kind() != Value::Kind::kTime; }

int Compare(const Value& a, const Value& b) {
  auto numeric = [](const Value& v) {
    return v.kind() == Value::Kind::kInt || v.kind() == Value::Kind::kFloat || v.kind() == Value::Kind::kBool;
  };
  if (numeric(a) && numeric(b)) {
    if (a.kind() == Value::Kind::kInt && b.kind() == Value::Kind::kInt) {
      return a.int_value() < b.int_value() ? -1 : a.int_value() > b.int_value() ? 1 : 0;
    }
    double x = ToFloat(a), y = ToFloat(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (a.kind() == Value::Kind::kTime && b.kind() == Value::Kind::kTime) {
    return a.time_ns() < b.time_ns() ? -1 : a.time_ns() > b.time_ns() ? 1 : 0;
  }
  std::string x = Str(a), y = Str(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

int64_t Now(const TemplateData& d) { return d.NowNs(); }

// ---- the functions ----

#define FN(name) Status name(Args a, const TemplateData& d, Value& out)
#define UNUSED_D (void)d

FN(FnToLower) { UNUSED_D; out = Value::String(Lower(Str(a[0]))); return Status::Ok(); }
FN(FnToUpper) { UNUSED_D; out = Value::String(Upper(Str(a[0]))); return Status::Ok(); }
FN(FnTitle) {
  UNUSED_D;
  std::string s = Str(a[0]);
  bool prev_letter = false;
  for (char& c : s) {
    bool letter = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '\'';
    if (letter && !prev_letter) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    prev_letter = letter;
  }
  out = Value::String(std::move(s));
  return Status::Ok();
}
FN(FnGoReplace) {  // strings.Replace(s, old, new, n)
  UNUSED_D;
  out = Value::String(ReplaceAll(Str(a[0]), Str(a[1]), Str(a[2]), ToInt(a[3])));
  return Status::Ok();
}
FN(FnSprigReplace) {  // replace old new src
  UNUSED_D;
  out = Value::String(ReplaceAll(Str(a[2]), Str(a[0]), Str(a[1]), -1));
  return Status::Ok();
}
FN(FnGoTrim) {  // strings.Trim(s, cutset)
  UNUSED_D;
  std::string s = Str(a[0]), cut = Str(a[1]);
  out = Value::String(std::string(TrimRightSet(TrimLeftSet(s, cut), cut)));
  return Status::Ok();
}
FN(FnGoTrimLeft) {
  UNUSED_D;
  std::string s = Str(a[0]), cut = Str(a[1]);
  out = Value::String(std::string(TrimLeftSet(s, cut)));
  return Status::Ok();
}
FN(FnGoTrimRight) {
  UNUSED_D;
  std::string s = Str(a[0]), cut = Str(a[1]);
  out = Value::String(std::string(TrimRightSet(s, cut)));
  return Status::Ok();
}
FN(FnGoTrimPrefix) {
  UNUSED_D;
  std::string s = Str(a[0]), p = Str(a[1]);
  out = Value::String(s.starts_with(p) ? s.substr(p.size()) : s);
  return Status::Ok();
}
FN(FnGoTrimSuffix) {
  UNUSED_D;
  std::string s = Str(a[0]), p = Str(a[1]);
  out = Value::String(s.ends_with(p) ? s.substr(0, s.size() - p.size()) : s);
  return Status::Ok();
}
FN(FnTrimSpace) { UNUSED_D; out = Value::String(std::string(TrimSpace(Str(a[0])))); return Status::Ok(); }
FN(FnTrimAll) {  // trimAll cutset s
  UNUSED_D;
  std::string s = Str(a[1]), cut = Str(a[0]);
  out = Value::String(std::string(TrimRightSet(TrimLeftSet(s, cut), cut)));
  return Status::Ok();
}
FN(FnTrimPrefix) {  // trimPrefix prefix s
  UNUSED_D;
  std::string s = Str(a[1]), p = Str(a[0]);
  out = Value::String(s.starts_with(p) ? s.substr(p.size()) : s);
  return Status::Ok();
}
FN(FnTrimSuffix) {  // trimSuffix suffix s
  UNUSED_D;
  std::string s = Str(a[1]), p = Str(a[0]);
  out = Value::String(s.ends_with(p) ? s.substr(0, s.size() - p.size()) : s);
  return Status::Ok();
}
FN(FnRegexReplaceAll) {
  UNUSED_D;
  std::unique_ptr<RE2> re;
  REMEDIATOR_RETURN_IF_ERROR(CompileRegex(Str(a[0]), re));
  out = Value::String(RegexReplace(*re, Str(a[1]), Str(a[2]), false));
  return Status::Ok();
}
FN(FnRegexReplaceAllLiteral) {
  UNUSED_D;
  std::unique_ptr<RE2> re;
  REMEDIATOR_RETURN_IF_ERROR(CompileRegex(Str(a[0]), re));
  out = Value::String(RegexReplace(*re, Str(a[1]), Str(a[2]), true));
  return Status::Ok();
}
FN(FnCount) {
  UNUSED_D;
  std::unique_ptr<RE2> re;
  REMEDIATOR_RETURN_IF_ERROR(CompileRegex(Str(a[0]), re));
  std::string s = Str(a[1]);
  int64_t n = 0;
  size_t search = 0, last_end = std::string::npos;
  re2::StringPiece text(s), m;
  while (search <= s.size() && re->Match(text, search, s.size(), RE2::UNANCHORED, &m, 1)) {
    size_t a0 = static_cast<size_t>(m.data() - s.data());
    size_t a1 = a0 + m.size();
    if (!(m.empty() && a0 == last_end)) ++n;
    last_end = a1;
    search = a1 > search ? a1 : search + (search < s.size() ? RuneLen(s, search) : 1);
  }
  out = Value::Int(n);
  return Status::Ok();
}
int Unhex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
FN(FnUrlDecode) {
  UNUSED_D;
  std::string s = Str(a[0]), o;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size() + 0 || i + 2 > s.size() - 1 + 1 || Unhex(s[i + 1]) < 0 || Unhex(s[i + 2]) < 0) {
        std::string bad = s.substr(i, 3);
        return InvalidArgument("invalid URL escape " + GoQuote(bad));
      }
      o += static_cast<char>(Unhex(s[i + 1]) * 16 + Unhex(s[i + 2]));
      i += 2;
    } else if (s[i] == '+') {
      o += ' ';
    } else {
      o += s[i];
    }
  }
  out = Value::String(std::move(o));
  return Status::Ok();
}
std::string QueryEscape(std::string_view s) {
  std::string o;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      o += static_cast<char>(c);
    } else if (c == ' ') {
      o += '+';
    } else {
      o += fmt::format("%{:02X}", c);
    }
  }
  return o;
}
FN(FnUrlEncode) { UNUSED_D; out = Value::String(QueryEscape(Str(a[0]))); return Status::Ok(); }
FN(FnBytes) {
  UNUSED_D;
  auto r = ParseHumanBytes(Str(a[0]));
  if (!r.ok()) return r.status();
  out = Value::Float(static_cast<double>(*r));
  return Status::Ok();
}
FN(FnDuration) {
  UNUSED_D;
  auto r = ParseGoDuration(Str(a[0]));
  if (!r.ok()) return r.status();
  out = Value::Float(static_cast<double>(*r) / 1e9);
  return Status::Ok();
}
FN(FnUnixEpochMillis) {
  UNUSED_D;
  int64_t ns = 0;
  REMEDIATOR_RETURN_IF_ERROR(NeedTime(a[0], "unixEpochMillis", ns));
  out = Value::String(std::to_string(ns / kNanosPerMilli));
  return Status::Ok();
}
FN(FnUnixEpochNanos) {
  UNUSED_D;
  int64_t ns = 0;
  REMEDIATOR_RETURN_IF_ERROR(NeedTime(a[0], "unixEpochNanos", ns));
  out = Value::String(std::to_string(ns));
  return Status::Ok();
}
FN(FnUnixEpoch) {
  UNUSED_D;
  int64_t ns = 0;
  REMEDIATOR_RETURN_IF_ERROR(NeedTime(a[0], "unixEpoch", ns));
  int64_t s = ns / kNanosPerSecond;
  if (ns % kNanosPerSecond < 0) --s;
  out = Value::String(std::to_string(s));
  return Status::Ok();
}
// Go's zero time.Time (0001-01-01T00:00:00Z), which toDate returns on a parse error.
constexpr int64_t kGoZeroTimeNs = std::numeric_limits<int64_t>::min();  // not representable; the oldest time we have

FN(FnToDate) {  // toDate layout s (errors give the zero time, as sprig ignores them)
  UNUSED_D;
  auto r = ParseGoTime(Str(a[0]), Str(a[1]));
  out = Value::Time(r.ok() ? *r : kGoZeroTimeNs);
  return Status::Ok();
}
FN(FnToDateInZone) {  // toDateInZone layout zone s: s read in an IANA zone ("Europe/Berlin")
  UNUSED_D;
  // As sprig: an unknown zone is UTC, a parse error the zero time; the result prints in the zone.
  Result<std::shared_ptr<const TimeZone>> zone = TimeZone::Load(Str(a[1]));
  std::shared_ptr<const TimeZone> z = zone.ok() ? *zone : nullptr;
  GoParseOptions options;
  options.zone = z.get();
  auto r = ParseGoTime(Str(a[0]), Str(a[2]), options);
  out = Value::Time(r.ok() ? *r : kGoZeroTimeNs, r.ok() ? std::move(z) : nullptr);
  return Status::Ok();
}
FN(FnUnixToTime) {
  UNUSED_D;
  std::string s = Str(a[0]);
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) {
    return InvalidArgument("strconv.ParseInt: parsing " + GoQuote(s) + ": invalid syntax");
  }
  switch (s.size()) {
    case 5: out = Value::Time(v * kNanosPerDay); return Status::Ok();
    case 10: out = Value::Time(v * kNanosPerSecond); return Status::Ok();
    case 13: out = Value::Time(v * kNanosPerMilli); return Status::Ok();
    case 16: out = Value::Time(v * kNanosPerMicro); return Status::Ok();
    case 19: out = Value::Time(v); return Status::Ok();
    default: break;
  }
  return InvalidArgument("unable to parse time '" + s + "'");
}
FN(FnDate) {  // date layout t: a time, or Unix seconds as an int; anything else is now
  int64_t ns = 0;
  const Value& t = a[1];
  switch (t.kind()) {
    case Value::Kind::kTime: ns = t.time_ns(); break;
    case Value::Kind::kInt: ns = t.int_value() * kNanosPerSecond; break;
    case Value::Kind::kNil:
    case Value::Kind::kString:
    case Value::Kind::kFloat:
    case Value::Kind::kBool:
    case Value::Kind::kList:
    case Value::Kind::kMap: ns = Now(d); break;
  }
  std::string o;
  AppendGoTime(o, Str(a[0]), ns);
  out = Value::String(std::move(o));
  return Status::Ok();
}
FN(FnNow) { (void)a; out = Value::Time(Now(d)); return Status::Ok(); }
FN(FnAlignLeft) {
  UNUSED_D;
  int64_t n = ToInt(a[0]);
  std::string s = Str(a[1]);
  int64_t l = static_cast<int64_t>(RuneCount(s));
  if (n > kMaxBuiltBytes) return InvalidArgument("alignment width too large");
  if (n < 0 || n == l) {
    out = Value::String(std::move(s));
  } else if (n > l) {
    out = Value::String(s + std::string(static_cast<size_t>(n - l), ' '));
  } else {
    size_t i = 0;
    for (int64_t k = 0; k < n; ++k) i += RuneLen(s, i);
    out = Value::String(s.substr(0, i));
  }
  return Status::Ok();
}
FN(FnAlignRight) {
  UNUSED_D;
  int64_t n = ToInt(a[0]);
  std::string s = Str(a[1]);
  int64_t l = static_cast<int64_t>(RuneCount(s));
  if (n > kMaxBuiltBytes) return InvalidArgument("alignment width too large");
  if (n < 0 || n == l) {
    out = Value::String(std::move(s));
  } else if (n > l) {
    out = Value::String(std::string(static_cast<size_t>(n - l), ' ') + s);
  } else {
    size_t i = 0;
    for (int64_t k = 0; k < l - n; ++k) i += RuneLen(s, i);
    out = Value::String(s.substr(i));
  }
  return Status::Ok();
}
constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
FN(FnB64Enc) {
  UNUSED_D;
  std::string s = Str(a[0]), o;
  size_t i = 0;
  for (; i + 2 < s.size(); i += 3) {
    uint32_t v = (uint8_t(s[i]) << 16) | (uint8_t(s[i + 1]) << 8) | uint8_t(s[i + 2]);
    o += kB64[v >> 18];
    o += kB64[(v >> 12) & 63];
    o += kB64[(v >> 6) & 63];
    o += kB64[v & 63];
  }
  if (i + 1 == s.size()) {
    uint32_t v = uint8_t(s[i]) << 16;
    o += kB64[v >> 18];
    o += kB64[(v >> 12) & 63];
    o += "==";
  } else if (i + 2 == s.size()) {
    uint32_t v = (uint8_t(s[i]) << 16) | (uint8_t(s[i + 1]) << 8);
    o += kB64[v >> 18];
    o += kB64[(v >> 12) & 63];
    o += kB64[(v >> 6) & 63];
    o += '=';
  }
  out = Value::String(std::move(o));
  return Status::Ok();
}
FN(FnB64Dec) {
  UNUSED_D;
  std::string s = Str(a[0]), o;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '=') break;
    const char* p = std::strchr(kB64, c);
    if (p == nullptr || c == '\0') {
      out = Value::String(fmt::format("illegal base64 data at input byte {}", i));
      return Status::Ok();
    }
    acc = (acc << 6) | static_cast<uint32_t>(p - kB64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      o += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  out = Value::String(std::move(o));
  return Status::Ok();
}
FN(FnLower) { return FnToLower(a, d, out); }
FN(FnUpper) { return FnToUpper(a, d, out); }
FN(FnTrunc) {
  UNUSED_D;
  int64_t c = ToInt(a[0]);
  std::string s = Str(a[1]);
  int64_t l = static_cast<int64_t>(s.size());
  if (c < 0 && l + c > 0) {
    out = Value::String(s.substr(static_cast<size_t>(l + c)));
  } else if (c >= 0 && l > c) {
    out = Value::String(s.substr(0, static_cast<size_t>(c)));
  } else {
    out = Value::String(std::move(s));
  }
  return Status::Ok();
}
FN(FnSubstr) {
  UNUSED_D;
  int64_t start = ToInt(a[0]), end = ToInt(a[1]);
  std::string s = Str(a[2]);
  int64_t l = static_cast<int64_t>(s.size());
  if (start < 0) {
    out = Value::String(s.substr(0, static_cast<size_t>(std::clamp<int64_t>(end, 0, l))));
  } else if (end < 0 || end > l) {
    out = Value::String(start > l ? std::string() : s.substr(static_cast<size_t>(start)));
  } else if (start > end) {
    return InvalidArgument(fmt::format("slice bounds out of range [{}:{}]", start, end));
  } else {
    out = Value::String(s.substr(static_cast<size_t>(start), static_cast<size_t>(end - start)));
  }
  return Status::Ok();
}
FN(FnContains) { UNUSED_D; out = Value::Bool(Str(a[1]).find(Str(a[0])) != std::string::npos); return Status::Ok(); }
FN(FnHasPrefix) { UNUSED_D; out = Value::Bool(Str(a[1]).starts_with(Str(a[0]))); return Status::Ok(); }
FN(FnHasSuffix) { UNUSED_D; out = Value::Bool(Str(a[1]).ends_with(Str(a[0]))); return Status::Ok(); }
// The padding of indent / nindent: `width` spaces before each line of `s`.
Status IndentPad(const Value& width, const std::string& s, std::string& pad) {
  int64_t n = std::max<int64_t>(0, ToInt(width));
  double lines = static_cast<double>(std::count(s.begin(), s.end(), '\n')) + 1;
  if (static_cast<double>(n) * lines > kMaxBuiltBytes) return InvalidArgument("indent width too large");
  pad.assign(static_cast<size_t>(n), ' ');
  return Status::Ok();
}
FN(FnIndent) {
  UNUSED_D;
  std::string s = Str(a[1]), pad;
  REMEDIATOR_RETURN_IF_ERROR(IndentPad(a[0], s, pad));
  out = Value::String(pad + ReplaceAll(s, "\n", "\n" + pad, -1));
  return Status::Ok();
}
FN(FnNindent) {
  UNUSED_D;
  std::string s = Str(a[1]), pad;
  REMEDIATOR_RETURN_IF_ERROR(IndentPad(a[0], s, pad));
  out = Value::String("\n" + pad + ReplaceAll(s, "\n", "\n" + pad, -1));
  return Status::Ok();
}
FN(FnRepeat) {
  UNUSED_D;
  int64_t n = ToInt(a[0]);
  std::string s = Str(a[1]), o;
  if (n < 0) return InvalidArgument("strings: negative Repeat count");
  if (static_cast<double>(n) * static_cast<double>(s.size()) > kMaxBuiltBytes) {
    return InvalidArgument("repeat count too large");
  }
  const size_t total = static_cast<size_t>(n) * s.size();
  o.reserve(total);
  if (total > 0) o = s;
  while (o.size() < total) o.append(o, 0, std::min(o.size(), total - o.size()));  // doubling
  out = Value::String(std::move(o));
  return Status::Ok();
}
FN(FnTrim) { return FnTrimSpace(a, d, out); }
FN(FnInt) { UNUSED_D; out = Value::Int(ToInt(a[0])); return Status::Ok(); }
FN(FnFloat64) { UNUSED_D; out = Value::Float(ToFloat(a[0])); return Status::Ok(); }
FN(FnAdd) {
  UNUSED_D;
  int64_t s = 0;
  for (const Value& v : a) s = WrapAdd(s, ToInt(v));
  out = Value::Int(s);
  return Status::Ok();
}
FN(FnSub) { UNUSED_D; out = Value::Int(WrapSub(ToInt(a[0]), ToInt(a[1]))); return Status::Ok(); }
FN(FnMul) {
  UNUSED_D;
  int64_t s = 1;
  for (const Value& v : a) s = WrapMul(s, ToInt(v));
  out = Value::Int(s);
  return Status::Ok();
}
FN(FnDiv) {
  UNUSED_D;
  int64_t b = ToInt(a[1]);
  if (b == 0) return InvalidArgument("runtime error: integer divide by zero");
  // Go: the most negative int64 divided by -1 is itself (it wraps), not a trap.
  out = Value::Int(b == -1 ? WrapSub(0, ToInt(a[0])) : ToInt(a[0]) / b);
  return Status::Ok();
}
FN(FnMod) {
  UNUSED_D;
  int64_t b = ToInt(a[1]);
  if (b == 0) return InvalidArgument("runtime error: integer divide by zero");
  out = Value::Int(b == -1 ? 0 : ToInt(a[0]) % b);
  return Status::Ok();
}
FN(FnAddf) {
  UNUSED_D;
  double s = 0;
  for (const Value& v : a) s += ToFloat(v);
  out = Value::Float(s);
  return Status::Ok();
}
FN(FnSubf) {
  UNUSED_D;
  double s = ToFloat(a[0]);
  for (size_t i = 1; i < a.size(); ++i) s -= ToFloat(a[i]);
  out = Value::Float(s);
  return Status::Ok();
}
FN(FnMulf) {
  UNUSED_D;
  double s = 1;
  for (const Value& v : a) s *= ToFloat(v);
  out = Value::Float(s);
  return Status::Ok();
}
FN(FnDivf) {
  UNUSED_D;
  double s = ToFloat(a[0]);
  for (size_t i = 1; i < a.size(); ++i) s /= ToFloat(a[i]);
  out = Value::Float(s);
  return Status::Ok();
}
FN(FnMax) {
  UNUSED_D;
  int64_t m = ToInt(a[0]);
  for (const Value& v : a) m = std::max(m, ToInt(v));
  out = Value::Int(m);
  return Status::Ok();
}
FN(FnMin) {
  UNUSED_D;
  int64_t m = ToInt(a[0]);
  for (const Value& v : a) m = std::min(m, ToInt(v));
  out = Value::Int(m);
  return Status::Ok();
}
FN(FnMaxf) {
  UNUSED_D;
  double m = ToFloat(a[0]);
  for (const Value& v : a) m = std::max(m, ToFloat(v));
  out = Value::Float(m);
  return Status::Ok();
}
FN(FnMinf) {
  UNUSED_D;
  double m = ToFloat(a[0]);
  for (const Value& v : a) m = std::min(m, ToFloat(v));
  out = Value::Float(m);
  return Status::Ok();
}
FN(FnCeil) { UNUSED_D; out = Value::Float(std::ceil(ToFloat(a[0]))); return Status::Ok(); }
FN(FnFloor) { UNUSED_D; out = Value::Float(std::floor(ToFloat(a[0]))); return Status::Ok(); }
FN(FnRound) {
  UNUSED_D;
  double v = ToFloat(a[0]);
  int64_t p = ToInt(a[1]);
  double r = a.size() > 2 ? ToFloat(a[2]) : 0.5;
  double pow = std::pow(10.0, static_cast<double>(p));
  double digit = pow * v;
  double intpart = 0;
  double div = std::modf(digit, &intpart);
  double rounded = div >= r ? std::ceil(digit) : std::floor(digit);
  out = Value::Float(rounded / pow);
  return Status::Ok();
}
FN(FnDefault) {
  UNUSED_D;
  if (a.size() < 2 || Empty(a[1])) {
    out = a[0];
  } else {
    out = a[1];
  }
  return Status::Ok();
}
FN(FnFromJson) {
  UNUSED_D;
  (void)a;
  out = Value();
  return Status::Ok();
}
FN(FnLine) { (void)a; out = Value::View(d.Line()); return Status::Ok(); }
FN(FnTimestamp) { (void)a; out = Value::Time(d.TimestampNs()); return Status::Ok(); }

// Go builtins.
FN(FnAnd) {
  UNUSED_D;
  for (const Value& v : a) {
    if (!v.Truthy()) {
      out = v;
      return Status::Ok();
    }
  }
  out = a.back();
  return Status::Ok();
}
FN(FnOr) {
  UNUSED_D;
  for (const Value& v : a) {
    if (v.Truthy()) {
      out = v;
      return Status::Ok();
    }
  }
  out = a.back();
  return Status::Ok();
}
FN(FnNot) { UNUSED_D; out = Value::Bool(!a[0].Truthy()); return Status::Ok(); }
FN(FnEq) {
  UNUSED_D;
  for (size_t i = 1; i < a.size(); ++i) {
    if (Compare(a[0], a[i]) == 0) {
      out = Value::Bool(true);
      return Status::Ok();
    }
  }
  out = Value::Bool(false);
  return Status::Ok();
}
FN(FnNe) { UNUSED_D; out = Value::Bool(Compare(a[0], a[1]) != 0); return Status::Ok(); }
FN(FnLt) { UNUSED_D; out = Value::Bool(Compare(a[0], a[1]) < 0); return Status::Ok(); }
FN(FnLe) { UNUSED_D; out = Value::Bool(Compare(a[0], a[1]) <= 0); return Status::Ok(); }
FN(FnGt) { UNUSED_D; out = Value::Bool(Compare(a[0], a[1]) > 0); return Status::Ok(); }
FN(FnGe) { UNUSED_D; out = Value::Bool(Compare(a[0], a[1]) >= 0); return Status::Ok(); }
FN(FnLen) {
  UNUSED_D;
  switch (a[0].kind()) {
    case Value::Kind::kString: out = Value::Int(static_cast<int64_t>(a[0].str().size())); return Status::Ok();
    case Value::Kind::kList: out = Value::Int(static_cast<int64_t>(a[0].list().size())); return Status::Ok();
    case Value::Kind::kMap: out = Value::Int(static_cast<int64_t>(a[0].map().size())); return Status::Ok();
    case Value::Kind::kNil:
    case Value::Kind::kInt:
    case Value::Kind::kFloat:
    case Value::Kind::kBool:
    case Value::Kind::kTime: break;
  }
  return InvalidArgument("len of type " + a[0].ToString());
}
FN(FnIndex) {
  UNUSED_D;
  Value cur = a[0];
  for (size_t i = 1; i < a.size(); ++i) {
    if (cur.kind() == Value::Kind::kMap) {
      std::string key = Str(a[i]);
      Value next;
      for (const auto& [k, v] : cur.map()) {
        if (k == key) next = v;
      }
      cur = next;
    } else if (cur.kind() == Value::Kind::kList) {
      int64_t k = ToInt(a[i]);
      if (k < 0 || k >= static_cast<int64_t>(cur.list().size())) {
        return InvalidArgument(fmt::format("error calling index: index out of range: {}", k));
      }
      Value next = cur.list()[static_cast<size_t>(k)];
      cur = next;
    } else if (cur.kind() == Value::Kind::kString) {
      int64_t k = ToInt(a[i]);
      std::string_view s = cur.str();
      if (k < 0 || k >= static_cast<int64_t>(s.size())) {
        return InvalidArgument(fmt::format("error calling index: index out of range: {}", k));
      }
      cur = Value::Int(static_cast<unsigned char>(s[static_cast<size_t>(k)]));
    } else {
      return InvalidArgument("error calling index: cannot index slice/array with nil");
    }
  }
  out = cur;
  return Status::Ok();
}
FN(FnPrint) {
  UNUSED_D;
  std::string o;
  AppendGoSprint(o, a);
  out = Value::String(std::move(o));
  return Status::Ok();
}
FN(FnPrintln) {
  UNUSED_D;
  std::string o;
  for (size_t i = 0; i < a.size(); ++i) {
    if (i > 0) o += ' ';
    a[i].AppendTo(o);
  }
  o += '\n';
  out = Value::String(std::move(o));
  return Status::Ok();
}
FN(FnPrintf) {
  UNUSED_D;
  std::string o;
  AppendGoSprintf(o, Str(a[0]), a.subspan(1));
  out = Value::String(std::move(o));
  return Status::Ok();
}
FN(FnUrlQuery) {
  UNUSED_D;
  std::string o;
  AppendGoSprint(o, a);
  out = Value::String(QueryEscape(o));
  return Status::Ok();
}
FN(FnHtml) {
  UNUSED_D;
  std::string s, o;
  AppendGoSprint(s, a);
  for (char c : s) {
    switch (c) {
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '&': o += "&amp;"; break;
      case '\'': o += "&#39;"; break;
      case '"': o += "&#34;"; break;
      case '\0': o += "\xEF\xBF\xBD"; break;
      default: o += c;
    }
  }
  out = Value::String(std::move(o));
  return Status::Ok();
}

#undef FN
#undef UNUSED_D

constexpr FunctionInfo kFunctions[] = {
    // Go builtins
    {"and", 1, -1, FnAnd},
    {"or", 1, -1, FnOr},
    {"not", 1, 1, FnNot},
    {"eq", 2, -1, FnEq},
    {"ne", 2, 2, FnNe},
    {"lt", 2, 2, FnLt},
    {"le", 2, 2, FnLe},
    {"gt", 2, 2, FnGt},
    {"ge", 2, 2, FnGe},
    {"len", 1, 1, FnLen},
    {"index", 1, -1, FnIndex},
    {"print", 0, -1, FnPrint},
    {"printf", 1, -1, FnPrintf},
    {"println", 0, -1, FnPrintln},
    {"urlquery", 0, -1, FnUrlQuery},
    {"html", 0, -1, FnHtml},
    // Loki
    {"ToLower", 1, 1, FnToLower},
    {"ToUpper", 1, 1, FnToUpper},
    {"Replace", 4, 4, FnGoReplace},
    {"Trim", 2, 2, FnGoTrim},
    {"TrimLeft", 2, 2, FnGoTrimLeft},
    {"TrimRight", 2, 2, FnGoTrimRight},
    {"TrimPrefix", 2, 2, FnGoTrimPrefix},
    {"TrimSuffix", 2, 2, FnGoTrimSuffix},
    {"TrimSpace", 1, 1, FnTrimSpace},
    {"regexReplaceAll", 3, 3, FnRegexReplaceAll},
    {"regexReplaceAllLiteral", 3, 3, FnRegexReplaceAllLiteral},
    {"count", 2, 2, FnCount},
    {"urldecode", 1, 1, FnUrlDecode},
    {"urlencode", 1, 1, FnUrlEncode},
    {"bytes", 1, 1, FnBytes},
    {"duration", 1, 1, FnDuration},
    {"duration_seconds", 1, 1, FnDuration},
    {"unixEpochMillis", 1, 1, FnUnixEpochMillis},
    {"unixEpochNanos", 1, 1, FnUnixEpochNanos},
    {"toDateInZone", 3, 3, FnToDateInZone},
    {"unixToTime", 1, 1, FnUnixToTime},
    {"alignLeft", 2, 2, FnAlignLeft},
    {"alignRight", 2, 2, FnAlignRight},
    {"__line__", 0, 0, FnLine},
    {"__timestamp__", 0, 0, FnTimestamp},
    // sprig subset
    {"b64enc", 1, 1, FnB64Enc},
    {"b64dec", 1, 1, FnB64Dec},
    {"lower", 1, 1, FnLower},
    {"upper", 1, 1, FnUpper},
    {"title", 1, 1, FnTitle},
    {"trunc", 2, 2, FnTrunc},
    {"substr", 3, 3, FnSubstr},
    {"contains", 2, 2, FnContains},
    {"hasPrefix", 2, 2, FnHasPrefix},
    {"hasSuffix", 2, 2, FnHasSuffix},
    {"indent", 2, 2, FnIndent},
    {"nindent", 2, 2, FnNindent},
    {"replace", 3, 3, FnSprigReplace},
    {"repeat", 2, 2, FnRepeat},
    {"trim", 1, 1, FnTrim},
    {"trimAll", 2, 2, FnTrimAll},
    {"trimSuffix", 2, 2, FnTrimSuffix},
    {"trimPrefix", 2, 2, FnTrimPrefix},
    {"int", 1, 1, FnInt},
    {"float64", 1, 1, FnFloat64},
    {"add", 2, -1, FnAdd},
    {"sub", 2, 2, FnSub},
    {"mul", 1, -1, FnMul},
    {"div", 2, 2, FnDiv},
    {"mod", 2, 2, FnMod},
    {"addf", 1, -1, FnAddf},
    {"subf", 1, -1, FnSubf},
    {"mulf", 1, -1, FnMulf},
    {"divf", 1, -1, FnDivf},
    {"max", 1, -1, FnMax},
    {"min", 1, -1, FnMin},
    {"maxf", 1, -1, FnMaxf},
    {"minf", 1, -1, FnMinf},
    {"ceil", 1, 1, FnCeil},
    {"floor", 1, 1, FnFloor},
    {"round", 2, 3, FnRound},
    {"fromJson", 1, 1, FnFromJson},
    {"date", 2, 2, FnDate},
    {"toDate", 2, 2, FnToDate},
    {"now", 0, 0, FnNow},
    {"unixEpoch", 1, 1, FnUnixEpoch},
    {"default", 1, -1, FnDefault},
};

// ---- fmt ----

struct Spec {
  bool minus = false, plus = false, sharp = false, space = false, zero = false;
  int width = -1, prec = -1;
};

void Pad(std::string& out, std::string_view s, const Spec& sp, bool numeric) {
  int n = static_cast<int>(RuneCount(s));
  if (sp.width <= n) {
    out += s;
    return;
  }
  size_t pad = static_cast<size_t>(sp.width - n);
  if (sp.minus) {
    out += s;
    out.append(pad, ' ');
  } else if (sp.zero && numeric) {
    size_t sign = (!s.empty() && (s[0] == '-' || s[0] == '+' || s[0] == ' ')) ? 1 : 0;
    out += s.substr(0, sign);
    out.append(pad, '0');
    out += s.substr(sign);
  } else {
    out.append(pad, ' ');
    out += s;
  }
}

std::string_view TypeName(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNil: return "<nil>";
    case Value::Kind::kString: return "string";
    case Value::Kind::kInt: return "int64";
    case Value::Kind::kFloat: return "float64";
    case Value::Kind::kBool: return "bool";
    case Value::Kind::kTime: return "time.Time";
    case Value::Kind::kList: return "[]interface {}";
    case Value::Kind::kMap: return "map[string]interface {}";
  }
  return "?";
}

void BadVerb(std::string& out, char verb, const Value& v) {
  out += "%!";
  out += verb;
  out += '(';
  if (v.is_nil()) {
    out += "<nil>";
  } else {
    out += TypeName(v);
    out += '=';
    v.AppendTo(out);
  }
  out += ')';
}

std::string IntText(int64_t v, int base, bool upper, const Spec& sp) {
  bool neg = v < 0;
  uint64_t u = neg ? static_cast<uint64_t>(0) - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  std::string digits;
  const char* set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  do {
    digits += set[u % static_cast<uint64_t>(base)];
    u /= static_cast<uint64_t>(base);
  } while (u > 0);
  while (sp.prec >= 0 && static_cast<int>(digits.size()) < sp.prec) digits += '0';
  if (sp.sharp) {
    if (base == 16) digits += upper ? "X0" : "x0";
    if (base == 8 && digits.back() != '0') digits += '0';
    if (base == 2) digits += "b0";
  }
  if (neg) digits += '-';
  else if (sp.plus) digits += '+';
  else if (sp.space) digits += ' ';
  std::reverse(digits.begin(), digits.end());
  return digits;
}

std::string FloatText(double f, char verb, const Spec& sp) {
  std::string s;
  if (std::isnan(f)) {
    s = "NaN";
  } else if (std::isinf(f)) {
    s = f > 0 ? (sp.plus ? "+Inf" : "+Inf") : "-Inf";
    if (f > 0 && !sp.plus) s = "+Inf";
  } else {
    switch (verb) {
      case 'f':
      case 'F': s = fmt::format("{:.{}f}", f, sp.prec < 0 ? 6 : sp.prec); break;
      case 'e': s = fmt::format("{:.{}e}", f, sp.prec < 0 ? 6 : sp.prec); break;
      case 'E': s = fmt::format("{:.{}E}", f, sp.prec < 0 ? 6 : sp.prec); break;
      case 'g':
      case 'G':
      case 'v':
        if (sp.prec < 0) {
          AppendGoFloat(s, f);
        } else {
          s = fmt::format("{:.{}g}", f, sp.prec == 0 ? 1 : sp.prec);
        }
        break;
      default: break;
    }
    if (sp.plus && f >= 0) s.insert(s.begin(), '+');
    else if (sp.space && f >= 0) s.insert(s.begin(), ' ');
  }
  return s;
}

std::string QuoteText(std::string_view s) { return GoQuote(s); }

}  // namespace

const FunctionInfo* FindFunction(std::string_view name) {
  for (const FunctionInfo& f : kFunctions) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

void AppendGoSprint(std::string& out, std::span<const Value> args) {
  for (size_t i = 0; i < args.size(); ++i) {
    bool is_str = args[i].kind() == Value::Kind::kString;
    if (i > 0 && !is_str && args[i - 1].kind() != Value::Kind::kString) out += ' ';
    args[i].AppendTo(out);
  }
}

void AppendGoSprintf(std::string& out, std::string_view f, std::span<const Value> args) {
  size_t argi = 0;
  size_t i = 0;
  while (i < f.size()) {
    char c = f[i];
    if (c != '%') {
      out += c;
      ++i;
      continue;
    }
    ++i;
    if (i >= f.size()) {
      out += "%!(NOVERB)";
      break;
    }
    Spec sp;
    for (; i < f.size(); ++i) {
      char fl = f[i];
      if (fl == '-') sp.minus = true;
      else if (fl == '+') sp.plus = true;
      else if (fl == '#') sp.sharp = true;
      else if (fl == ' ') sp.space = true;
      else if (fl == '0') sp.zero = true;
      else break;
    }
    auto read_num = [&](int& dst) {
      if (i < f.size() && f[i] == '*') {
        ++i;
        if (argi < args.size()) dst = static_cast<int>(std::clamp<int64_t>(ToInt(args[argi++]), -1000000, 1000000));
        return;
      }
      int v = 0;
      bool any = false;
      while (i < f.size() && f[i] >= '0' && f[i] <= '9') {
        v = v * 10 + (f[i++] - '0');
        any = true;
        if (v > 1000000) v = 1000000;
      }
      if (any) dst = v;
    };
    read_num(sp.width);
    if (i < f.size() && f[i] == '.') {
      ++i;
      sp.prec = 0;
      read_num(sp.prec);
    }
    if (i >= f.size()) {
      out += "%!(NOVERB)";
      break;
    }
    char verb = f[i++];
    if (verb == '%') {
      out += '%';
      continue;
    }
    if (argi >= args.size()) {
      out += "%!";
      out += verb;
      out += "(MISSING)";
      continue;
    }
    const Value& v = args[argi++];
    std::string s;
    bool numeric = false;
    switch (verb) {
      case 'v':
        if (v.kind() == Value::Kind::kFloat) {
          s = FloatText(v.float_value(), 'g', sp);
          numeric = true;
        } else if (v.kind() == Value::Kind::kInt) {
          s = IntText(v.int_value(), 10, false, sp);
          numeric = true;
        } else if (v.is_nil()) {
          s = "<nil>";
        } else {
          v.AppendTo(s);
        }
        break;
      case 's':
        if (v.kind() == Value::Kind::kString || v.kind() == Value::Kind::kTime) {
          v.AppendTo(s);
          if (sp.prec >= 0) {
            size_t k = 0;
            for (int r = 0; r < sp.prec && k < s.size(); ++r) k += RuneLen(s, k);
            s.resize(k);
          }
        } else {
          BadVerb(out, verb, v);
          continue;
        }
        break;
      case 'q':
        if (v.kind() == Value::Kind::kString) {
          s = QuoteText(v.str());
        } else if (v.kind() == Value::Kind::kInt) {
          s = "'" + std::string(1, static_cast<char>(v.int_value())) + "'";
        } else {
          BadVerb(out, verb, v);
          continue;
        }
        break;
      case 'd':
      case 'b':
      case 'o':
      case 'x':
      case 'X':
      case 'c':
        if (v.kind() == Value::Kind::kInt || v.kind() == Value::Kind::kBool) {
          if (v.kind() == Value::Kind::kBool) {
            BadVerb(out, verb, v);
            continue;
          }
          numeric = true;
          if (verb == 'c') {
            s = std::string(1, static_cast<char>(v.int_value()));
            numeric = false;
          } else {
            int base = verb == 'd' ? 10 : verb == 'b' ? 2 : verb == 'o' ? 8 : 16;
            s = IntText(v.int_value(), base, verb == 'X', sp);
          }
        } else if ((verb == 'x' || verb == 'X') && v.kind() == Value::Kind::kString) {
          for (unsigned char ch : v.str()) s += verb == 'x' ? fmt::format("{:02x}", ch) : fmt::format("{:02X}", ch);
        } else {
          BadVerb(out, verb, v);
          continue;
        }
        break;
      case 'e':
      case 'E':
      case 'f':
      case 'F':
      case 'g':
      case 'G':
        if (v.kind() == Value::Kind::kFloat) {
          s = FloatText(v.float_value(), verb, sp);
          numeric = true;
        } else {
          BadVerb(out, verb, v);
          continue;
        }
        break;
      case 't':
        if (v.kind() == Value::Kind::kBool) {
          s = v.bool_value() ? "true" : "false";
        } else {
          BadVerb(out, verb, v);
          continue;
        }
        break;
      default:
        BadVerb(out, verb, v);
        continue;
    }
    Pad(out, s, sp, numeric);
  }
  if (argi < args.size()) {
    out += "%!(EXTRA ";
    for (size_t k = argi; k < args.size(); ++k) {
      if (k > argi) out += ", ";
      out += TypeName(args[k]);
      out += '=';
      args[k].AppendTo(out);
    }
    out += ')';
  }
}

}  // namespace remediator::logql::tmpl

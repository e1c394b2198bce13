#include "logql/convert.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

#include <fmt/format.h>

#include "core/ascii.h"
#include "core/labels.h"

namespace remediator::logql {

Result<int64_t> ParseGoDuration(std::string_view orig) {
  auto invalid = [&] { return InvalidArgument("time: invalid duration " + GoQuote(orig)); };
  std::string_view s = orig;
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return int64_t{0};
  if (s.empty()) return invalid();
  double total = 0;
  while (!s.empty()) {
    if (!(s[0] == '.' || (s[0] >= '0' && s[0] <= '9'))) return invalid();
    size_t i = 0;
    double whole = 0;
    bool pre = false, post = false;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      whole = whole * 10 + (s[i] - '0');
      ++i;
      pre = true;
    }
    double frac = 0, scale = 1;
    if (i < s.size() && s[i] == '.') {
      ++i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        frac = frac * 10 + (s[i] - '0');
        scale *= 10;
        ++i;
        post = true;
      }
    }
    if (!pre && !post) return invalid();
    size_t u = i;
    while (u < s.size() && s[u] != '.' && !(s[u] >= '0' && s[u] <= '9')) ++u;
    std::string_view unit = s.substr(i, u - i);
    if (unit.empty()) return InvalidArgument("time: missing unit in duration " + GoQuote(orig));
    double mult = 0;
    if (unit == "ns") mult = 1;
    else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") mult = 1e3;
    else if (unit == "ms") mult = 1e6;
    else if (unit == "s") mult = 1e9;
    else if (unit == "m") mult = 60e9;
    else if (unit == "h") mult = 3600e9;
    else return InvalidArgument("time: unknown unit " + GoQuote(unit) + " in duration " + GoQuote(orig));
    total += (whole + frac / scale) * mult;
    if (total > 9.223372036854775807e18) return invalid();
    s.remove_prefix(u);
  }
  int64_t ns = static_cast<int64_t>(std::llround(total));
  return neg ? -ns : ns;
}

Result<uint64_t> ParseHumanBytes(std::string_view s) {
  size_t last_digit = 0;
  bool has_comma = false;
  for (char c : s) {
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == ',')) break;
    if (c == ',') has_comma = true;
    ++last_digit;
  }
  std::string num(s.substr(0, last_digit));
  if (has_comma) {
    std::string t;
    for (char c : num) if (c != ',') t += c;
    num = t;
  }
  double f = 0;
  auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), f);
  if (num.empty() || ec != std::errc() || p != num.data() + num.size()) {
    return InvalidArgument("strconv.ParseFloat: parsing " + GoQuote(num) + ": invalid syntax");
  }
  std::string_view extra = s.substr(last_digit);
  while (!extra.empty() && std::isspace(static_cast<unsigned char>(extra.front()))) extra.remove_prefix(1);
  while (!extra.empty() && std::isspace(static_cast<unsigned char>(extra.back()))) extra.remove_suffix(1);
  std::string unit;
  for (char c : extra) unit += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  struct U { const char* name; double mult; };
  static constexpr U kUnits[] = {
      {"b", 1},        {"", 1},          {"kib", 1024.0},     {"ki", 1024.0},        {"kb", 1e3},
      {"k", 1e3},      {"mib", 1048576.0}, {"mi", 1048576.0}, {"mb", 1e6},           {"m", 1e6},
      {"gib", 1073741824.0}, {"gi", 1073741824.0}, {"gb", 1e9}, {"g", 1e9},
      {"tib", 1099511627776.0}, {"ti", 1099511627776.0}, {"tb", 1e12}, {"t", 1e12},
      {"pib", 1125899906842624.0}, {"pi", 1125899906842624.0}, {"pb", 1e15}, {"p", 1e15},
      {"eib", 1152921504606846976.0}, {"ei", 1152921504606846976.0}, {"eb", 1e18}, {"e", 1e18},
  };
  for (const U& u : kUnits) {
    if (unit == u.name) {
      double v = f * u.mult;
      if (v >= 18446744073709551615.0) return InvalidArgument("too large: " + std::string(s));
      return static_cast<uint64_t>(v);
    }
  }
  return InvalidArgument("unhandled size name: " + unit);
}

bool ParseGoFloatFast(std::string_view s, double& out) {
  if (s.empty()) return false;
  std::string_view body = s;
  bool neg = false;
  if (body[0] == '+' || body[0] == '-') {
    neg = body[0] == '-';
    body.remove_prefix(1);
  }
  if (body.empty()) return false;
  char c0 = body[0];
  if (c0 == 'i' || c0 == 'I' || c0 == 'n' || c0 == 'N') {
    if (EqualsIgnoreCase(body, "inf") || EqualsIgnoreCase(body, "infinity")) {
      out = neg ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
      return true;
    }
    if (EqualsIgnoreCase(body, "nan") && s.size() == 3) {
      out = std::numeric_limits<double>::quiet_NaN();
      return true;
    }
    return false;
  }
  if (body.size() > 1 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X')) {
    std::string t;
    for (char c : body.substr(2)) if (c != '_') t += c;
    if (t.empty()) return false;
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), out, std::chars_format::hex);
    if (ec != std::errc() || p != t.data() + t.size()) return false;
    if (neg) out = -out;
    return true;
  }
  // Only digits, '.', 'e', 'E', signs after e.
  for (char c : body) {
    if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')) return false;
  }
  auto [p, ec] = std::from_chars(body.data(), body.data() + body.size(), out);
  if (p != body.data() + body.size()) return false;
  if (ec == std::errc::result_out_of_range) {
    // Go returns ±Inf or 0 with a range error; treat as a failure like Go's err != nil.
    return false;
  }
  if (ec != std::errc()) return false;
  if (neg) out = -out;
  return true;
}

Result<double> ParseGoFloat(std::string_view s) {
  double v = 0;
  if (ParseGoFloatFast(s, v)) return v;
  return InvalidArgument("strconv.ParseFloat: parsing " + GoQuote(s) + ": invalid syntax");
}

}  // namespace remediator::logql

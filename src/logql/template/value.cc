#include "logql/template/value.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "core/go_time.h"

namespace remediator::logql::tmpl {

bool Value::Truthy() const {
  switch (kind_) {
    case Kind::kNil: return false;
    case Kind::kString: return !str().empty();
    case Kind::kInt: return int_ != 0;
    case Kind::kFloat: return float_ != 0;
    case Kind::kBool: return int_ != 0;
    case Kind::kTime: return true;
    case Kind::kList: return !list_->empty();
    case Kind::kMap: return !map_->empty();
  }
  return false;
}

void AppendGoFloat(std::string& out, double f) {
  if (std::isnan(f)) {
    out += "NaN";
    return;
  }
  if (std::isinf(f)) {
    out += f > 0 ? "+Inf" : "-Inf";
    return;
  }
  if (f == 0) {
    out += std::signbit(f) ? "-0" : "0";
    return;
  }
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), f, std::chars_format::scientific);
  (void)ec;
  std::string_view sci(buf, static_cast<size_t>(end - buf));
  size_t e = sci.find('e');
  std::string_view mant = sci.substr(0, e);
  int exp = std::atoi(std::string(sci.substr(e + 1)).c_str());
  bool neg = false;
  if (!mant.empty() && mant[0] == '-') {
    neg = true;
    mant.remove_prefix(1);
  }
  std::string digits;
  for (char c : mant) if (c != '.') digits += c;
  if (neg) out += '-';
  if (exp < -4 || exp >= 6) {
    out += digits[0];
    if (digits.size() > 1) {
      out += '.';
      out.append(digits, 1);
    }
    out += 'e';
    out += exp < 0 ? '-' : '+';
    int a = exp < 0 ? -exp : exp;
    if (a < 10) out += '0';
    out += std::to_string(a);
    return;
  }
  if (exp < 0) {
    out += "0.";
    for (int i = -1; i > exp; --i) out += '0';
    out += digits;
    return;
  }
  size_t int_digits = static_cast<size_t>(exp) + 1;
  if (digits.size() <= int_digits) {
    out += digits;
    out.append(int_digits - digits.size(), '0');
  } else {
    out.append(digits, 0, int_digits);
    out += '.';
    out.append(digits, int_digits);
  }
}

void Value::AppendTo(std::string& out) const {
  switch (kind_) {
    case Kind::kNil: out += "<no value>"; return;
    case Kind::kString: out += str(); return;
    case Kind::kInt: out += std::to_string(int_); return;
    case Kind::kFloat: AppendGoFloat(out, float_); return;
    case Kind::kBool: out += int_ ? "true" : "false"; return;
    case Kind::kTime: AppendGoTimeString(out, int_, zone_.get()); return;
    case Kind::kList: {
      out += '[';
      for (size_t i = 0; i < list_->size(); ++i) {
        if (i > 0) out += ' ';
        (*list_)[i].AppendTo(out);
      }
      out += ']';
      return;
    }
    case Kind::kMap: {
      out += "map[";
      for (size_t i = 0; i < map_->size(); ++i) {
        if (i > 0) out += ' ';
        out += (*map_)[i].first;
        out += ':';
        (*map_)[i].second.AppendTo(out);
      }
      out += ']';
      return;
    }
  }
}

}  // namespace remediator::logql::tmpl

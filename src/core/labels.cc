#include "core/labels.h"

#include <algorithm>

#include <fmt/format.h>

namespace remediator {

Labels MakeLabels(std::vector<Label> labels) {
  std::stable_sort(labels.begin(), labels.end(),
                   [](const Label& a, const Label& b) { return a.name < b.name; });
  Labels out;
  out.reserve(labels.size());
  for (Label& l : labels) {
    if (!out.empty() && out.back().name == l.name) {
      out.back().value = std::move(l.value);
    } else {
      out.push_back(std::move(l));
    }
  }
  return out;
}

std::string_view LabelValue(const Labels& labels, std::string_view name) {
  auto it = std::lower_bound(labels.begin(), labels.end(), name,
                             [](const Label& l, std::string_view n) { return l.name < n; });
  if (it != labels.end() && it->name == name) return it->value;
  return {};
}

void SetLabel(Labels& labels, std::string_view name, std::string_view value) {
  auto it = std::lower_bound(labels.begin(), labels.end(), name,
                             [](const Label& l, std::string_view n) { return l.name < n; });
  if (it != labels.end() && it->name == name) {
    it->value.assign(value);
  } else {
    labels.insert(it, Label{std::string(name), std::string(value)});
  }
}

void RemoveLabel(Labels& labels, std::string_view name) {
  auto it = std::lower_bound(labels.begin(), labels.end(), name,
                             [](const Label& l, std::string_view n) { return l.name < n; });
  if (it != labels.end() && it->name == name) labels.erase(it);
}

std::string GoQuote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += fmt::format("\\x{:02x}", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
  return out;
}

std::string FormatLabels(const Labels& labels) {
  std::string out = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out += ", ";
    out += labels[i].name;
    out += '=';
    out += GoQuote(labels[i].value);
  }
  out += '}';
  return out;
}

std::string_view MatchOpText(MatchOp op) {
  switch (op) {
    case MatchOp::kEqual: return "=";
    case MatchOp::kNotEqual: return "!=";
    case MatchOp::kRegex: return "=~";
    case MatchOp::kNotRegex: return "!~";
  }
  return "?";
}

Result<LabelMatcher> LabelMatcher::Create(std::string name, MatchOp op, std::string value) {
  LabelMatcher m;
  m.name_ = std::move(name);
  m.op_ = op;
  m.value_ = std::move(value);
  if (op == MatchOp::kRegex || op == MatchOp::kNotRegex) {
    re2::RE2::Options options;
    options.set_log_errors(false);
    options.set_dot_nl(true);  // Prometheus compiles matchers with (?s)
    auto re = std::make_shared<re2::RE2>("^(?:" + m.value_ + ")$", options);
    if (!re->ok()) {
      return InvalidArgument(
          fmt::format("invalid regular expression {} for label {}: {}", GoQuote(m.value_),
                      m.name_, re->error()));
    }
    m.regex_ = std::move(re);
  }
  return m;
}

bool LabelMatcher::Matches(std::string_view v) const {
  switch (op_) {
    case MatchOp::kEqual: return v == value_;
    case MatchOp::kNotEqual: return v != value_;
    case MatchOp::kRegex: return re2::RE2::FullMatch(v, *regex_);
    case MatchOp::kNotRegex: return !re2::RE2::FullMatch(v, *regex_);
  }
  return false;
}

std::string LabelMatcher::ToString() const {
  return name_ + std::string(MatchOpText(op_)) + GoQuote(value_);
}

}  // namespace remediator

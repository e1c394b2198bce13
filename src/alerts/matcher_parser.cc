#include "alerts/matcher_parser.h"

#include <string>

#include <fmt/format.h>

namespace remediator::alerts {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsNameStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }

class MatcherLexer {
 public:
  explicit MatcherLexer(std::string_view text) : s_(text) {}

  void SkipSpaces() {
    while (i_ < s_.size() && IsSpace(s_[i_])) ++i_;
  }
  bool AtEnd() const { return i_ >= s_.size(); }
  size_t pos() const { return i_; }
  char Peek() const { return AtEnd() ? '\0' : s_[i_]; }

  Status Error(std::string_view what) const {
    return InvalidArgument(fmt::format("matcher '{}': at {}: {}", s_, i_ + 1, what));
  }

  // A double-quoted string with Go escapes; REQUIRES: Peek() == '"'.
  Status Quoted(std::string& out) {
    ++i_;
    while (i_ < s_.size()) {
      char c = s_[i_++];
      if (c == '"') return Status::Ok();
      if (c != '\\') {
        out += c;
        continue;
      }
      if (i_ >= s_.size()) break;
      char e = s_[i_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        default:
          // Keep unknown escapes as written (regexes like "\d" stay usable).
          out += '\\';
          out += e;
      }
    }
    return Error("unterminated quoted string");
  }

  Status Name(std::string& out) {
    if (Peek() == '"') return Quoted(out);
    if (!IsNameStart(Peek())) return Error("expected a label name");
    size_t start = i_;
    while (i_ < s_.size() && IsNameChar(s_[i_])) ++i_;
    out.assign(s_.substr(start, i_ - start));
    return Status::Ok();
  }

  Status Op(MatchOp& op) {
    std::string_view rest = s_.substr(i_);
    if (rest.starts_with("=~")) {
      op = MatchOp::kRegex;
      i_ += 2;
    } else if (rest.starts_with("!=")) {
      op = MatchOp::kNotEqual;
      i_ += 2;
    } else if (rest.starts_with("!~")) {
      op = MatchOp::kNotRegex;
      i_ += 2;
    } else if (rest.starts_with("=")) {
      op = MatchOp::kEqual;
      i_ += 1;
    } else {
      return Error("expected one of = != =~ !~");
    }
    return Status::Ok();
  }

  Status Value(std::string& out) {
    if (Peek() == '"') {
      REMEDIATOR_RETURN_IF_ERROR(Quoted(out));
      SkipSpaces();
      if (!AtEnd()) return Error("unexpected text after the quoted value");
      return Status::Ok();
    }
    std::string_view rest = s_.substr(i_);
    while (!rest.empty() && IsSpace(rest.back())) rest.remove_suffix(1);
    if (rest.find('"') != std::string_view::npos) {
      return Error("unquoted value contains '\"'");
    }
    out.assign(rest);
    i_ = s_.size();
    return Status::Ok();
  }

 private:
  std::string_view s_;
  size_t i_ = 0;
};

}  // namespace

Result<LabelMatcher> ParseMatcher(std::string_view text) {
  MatcherLexer lex(text);
  std::string name, value;
  MatchOp op = MatchOp::kEqual;
  lex.SkipSpaces();
  REMEDIATOR_RETURN_IF_ERROR(lex.Name(name));
  if (name.empty()) return lex.Error("empty label name");
  lex.SkipSpaces();
  REMEDIATOR_RETURN_IF_ERROR(lex.Op(op));
  lex.SkipSpaces();
  REMEDIATOR_RETURN_IF_ERROR(lex.Value(value));
  Result<LabelMatcher> m = LabelMatcher::Create(std::move(name), op, std::move(value));
  if (!m.ok()) {
    return InvalidArgument(fmt::format("matcher '{}': {}", text, m.status().message()));
  }
  return m;
}

}  // namespace remediator::alerts

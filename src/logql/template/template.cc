#include "logql/template/template.h"

#include <algorithm>
#include <charconv>
#include <vector>

#include <fmt/format.h>

#include "core/clock.h"
#include "core/utf8.h"
#include "logql/template/functions.h"

namespace remediator::logql::tmpl {

int64_t TemplateData::NowNs() const { return SystemClock().NowNs(); }

// ---------------------------------------------------------------- tree

struct Pipe;

struct Arg {
  enum class Kind {
    kField,     // .a.b (path)
    kDot,       // .
    kVariable,  // $x or $x.a.b (name, path)
    kLiteral,   // string, number, bool, nil
    kFunction,  // an identifier naming a function
    kPipe,      // ( pipeline )
  };
  Kind kind = Kind::kLiteral;
  std::vector<std::string> path;
  std::string name;
  Value literal;
  const FunctionInfo* fn = nullptr;
  std::shared_ptr<Pipe> pipe;
};

struct Command {
  std::vector<Arg> args;
};

struct Pipe {
  std::vector<std::string> decl;  // variables declared or assigned
  bool assign = false;            // `=` rather than `:=`
  std::vector<Command> cmds;
};

class Node {
 public:
  enum class Kind { kList, kText, kAction, kIf, kRange, kWith, kBreak, kContinue };
  Kind kind = Kind::kList;
  std::string text;
  Pipe pipe;
  std::vector<Node> list;
  std::vector<Node> else_list;
};

// ---------------------------------------------------------------- lexer

namespace {

enum class Tok {
  kEOF,
  kIdent,    // function name or keyword
  kField,    // .a.b -> text "a.b" (split later)
  kDot,      // .
  kVar,      // $x or $ (with optional .fields appended)
  kString,   // already unquoted
  kNumber,   // text
  kChar,     // value in text
  kPipe,     // |
  kLParen,
  kRParen,
  kDeclare,  // :=
  kAssign,   // =
  kComma,
  kBool,     // true/false
  kNil,
};

struct Token {
  Tok kind = Tok::kEOF;
  std::string text;
};

// One piece of the template: constant text, or the tokens of one {{action}}.
struct Item {
  bool is_action = false;
  std::string text;
  std::vector<Token> tokens;
  int line = 1;
};

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool IsSpaceChar(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

class Lexer {
 public:
  Lexer(std::string_view src, std::string_view name) : src_(src), name_(name) {}

  Status Run(std::vector<Item>& items) {
    size_t pos = 0;
    bool trim_next = false;
    while (pos < src_.size()) {
      size_t open = src_.find("{{", pos);
      std::string_view text = src_.substr(pos, open == std::string_view::npos ? std::string_view::npos : open - pos);
      if (trim_next) {
        while (!text.empty() && IsSpaceChar(text.front())) text.remove_prefix(1);
      }
      trim_next = false;
      if (open == std::string_view::npos) {
        if (!text.empty()) items.push_back(Item{false, std::string(text), {}, line_});
        break;
      }
      size_t p = open + 2;
      if (p + 1 < src_.size() && src_[p] == '-' && IsSpaceChar(src_[p + 1])) {
        while (!text.empty() && IsSpaceChar(text.back())) text.remove_suffix(1);
        p += 2;
      }
      if (!text.empty()) items.push_back(Item{false, std::string(text), {}, line_});
      line_ += static_cast<int>(std::count(src_.begin() + static_cast<long>(pos),
                                           src_.begin() + static_cast<long>(open), '\n'));
      Item action;
      action.is_action = true;
      action.line = line_;
      // Comment?
      size_t q = p;
      while (q < src_.size() && IsSpaceChar(src_[q])) ++q;
      if (src_.substr(q, 2) == "/*") {
        size_t end = src_.find("*/", q + 2);
        if (end == std::string_view::npos) return Error("unclosed comment");
        size_t after = end + 2;
        while (after < src_.size() && IsSpaceChar(src_[after])) ++after;
        if (src_.substr(after, 3) == "-}}") {
          trim_next = true;
          after += 3;
        } else if (src_.substr(after, 2) == "}}") {
          after += 2;
        } else {
          return Error("comment ends before closing delimiter");
        }
        line_ += static_cast<int>(std::count(src_.begin() + static_cast<long>(p),
                                             src_.begin() + static_cast<long>(after), '\n'));
        pos = after;
        continue;
      }
      REMEDIATOR_RETURN_IF_ERROR(LexAction(p, action.tokens, trim_next));
      line_ += static_cast<int>(std::count(src_.begin() + static_cast<long>(open),
                                           src_.begin() + static_cast<long>(p), '\n'));
      items.push_back(std::move(action));
      pos = p;
    }
    return Status::Ok();
  }

  Status Error(std::string_view msg) const {
    return InvalidArgument(fmt::format("template: {}:{}: {}", name_, line_, msg));
  }

 private:
  // Lexes from p (after "{{" and an optional trim marker) to the closing "}}"; p ends after it.
  Status LexAction(size_t& p, std::vector<Token>& out, bool& trim_next) {
    int parens = 0;
    while (true) {
      while (p < src_.size() && IsSpaceChar(src_[p])) {
        // " -}}" closes with trimming.
        if (src_.substr(p + 1, 3) == "-}}") {
          p += 4;
          trim_next = true;
          return Status::Ok();
        }
        ++p;
      }
      if (p >= src_.size()) return Error("unclosed action");
      if (src_.substr(p, 2) == "}}") {
        p += 2;
        return Status::Ok();
      }
      char c = src_[p];
      Token t;
      if (c == '"') {
        ++p;
        std::string s;
        while (true) {
          if (p >= src_.size() || src_[p] == '\n') return Error("unterminated quoted string");
          char ch = src_[p++];
          if (ch == '"') break;
          if (ch != '\\') {
            s += ch;
            continue;
          }
          if (p >= src_.size()) return Error("unterminated quoted string");
          char e = src_[p++];
          switch (e) {
            case 'n': s += '\n'; break;
            case 't': s += '\t'; break;
            case 'r': s += '\r'; break;
            case 'a': s += '\a'; break;
            case 'b': s += '\b'; break;
            case 'f': s += '\f'; break;
            case 'v': s += '\v'; break;
            case '\\': s += '\\'; break;
            case '"': s += '"'; break;
            case '\'': s += '\''; break;
            case 'x': {
              if (p + 2 > src_.size()) return Error("invalid syntax");
              int v = 0;
              auto [ptr, ec] = std::from_chars(src_.data() + p, src_.data() + p + 2, v, 16);
              if (ec != std::errc() || ptr != src_.data() + p + 2) return Error("invalid syntax");
              s += static_cast<char>(v);
              p += 2;
              break;
            }
            case 'u':
            case 'U': {
              size_t n = e == 'u' ? 4 : 8;
              if (p + n > src_.size()) return Error("invalid syntax");
              uint32_t cp = 0;
              auto [ptr, ec] = std::from_chars(src_.data() + p, src_.data() + p + n, cp, 16);
              if (ec != std::errc() || ptr != src_.data() + p + n) return Error("invalid syntax");
              p += n;
              AppendUtf8(s, cp);
              break;
            }
            default:
              if (e >= '0' && e <= '7' && p + 2 <= src_.size()) {
                int v = 0;
                auto [ptr, ec] = std::from_chars(src_.data() + p - 1, src_.data() + p + 2, v, 8);
                if (ec != std::errc() || ptr != src_.data() + p + 2) return Error("invalid syntax");
                s += static_cast<char>(v);
                p += 2;
                break;
              }
              return Error("invalid syntax");
          }
        }
        t.kind = Tok::kString;
        t.text = std::move(s);
      } else if (c == '`') {
        size_t end = src_.find('`', p + 1);
        if (end == std::string_view::npos) return Error("unterminated raw quoted string");
        t.kind = Tok::kString;
        t.text = std::string(src_.substr(p + 1, end - p - 1));
        p = end + 1;
      } else if (c == '\'') {
        size_t end = p + 1;
        if (end < src_.size() && src_[end] == '\\') end += 2;
        else end += 1;
        while (end < src_.size() && src_[end] != '\'') ++end;
        if (end >= src_.size()) return Error("unterminated character constant");
        std::string_view body = src_.substr(p + 1, end - p - 1);
        int v = body.empty() ? 0 : static_cast<unsigned char>(body[0]);
        if (body.size() == 2 && body[0] == '\\') {
          switch (body[1]) {
            case 'n': v = '\n'; break;
            case 't': v = '\t'; break;
            default: v = body[1];
          }
        }
        t.kind = Tok::kChar;
        t.text = std::to_string(v);
        p = end + 1;
      } else if (c == '|') {
        t.kind = Tok::kPipe;
        ++p;
      } else if (c == '(') {
        t.kind = Tok::kLParen;
        ++parens;
        ++p;
      } else if (c == ')') {
        if (parens == 0) return Error("unexpected right paren");
        --parens;
        t.kind = Tok::kRParen;
        ++p;
      } else if (c == ',') {
        t.kind = Tok::kComma;
        ++p;
      } else if (c == ':' && p + 1 < src_.size() && src_[p + 1] == '=') {
        t.kind = Tok::kDeclare;
        p += 2;
      } else if (c == '=') {
        t.kind = Tok::kAssign;
        ++p;
      } else if (c == '$') {
        size_t s = p + 1;
        while (s < src_.size() && IsAlnum(src_[s])) ++s;
        t.kind = Tok::kVar;
        t.text = std::string(src_.substr(p, s - p));
        p = s;
        // Trailing .field chain.
        while (p + 1 < src_.size() && src_[p] == '.' && IsAlnum(src_[p + 1])) {
          size_t e = p + 1;
          while (e < src_.size() && IsAlnum(src_[e])) ++e;
          t.text += std::string(src_.substr(p, e - p));
          p = e;
        }
      } else if (c == '.') {
        if (p + 1 < src_.size() && IsAlnum(src_[p + 1]) && !(src_[p + 1] >= '0' && src_[p + 1] <= '9')) {
          size_t e = p;
          std::string path;
          while (e + 1 < src_.size() && src_[e] == '.' && IsAlnum(src_[e + 1])) {
            size_t s = e + 1;
            size_t f = s;
            while (f < src_.size() && IsAlnum(src_[f])) ++f;
            if (!path.empty()) path += '.';
            path += std::string(src_.substr(s, f - s));
            e = f;
          }
          t.kind = Tok::kField;
          t.text = std::move(path);
          p = e;
        } else if (p + 1 < src_.size() && src_[p + 1] >= '0' && src_[p + 1] <= '9') {
          LexNumber(p, t);
        } else {
          t.kind = Tok::kDot;
          ++p;
        }
      } else if ((c >= '0' && c <= '9') ||
                 ((c == '-' || c == '+') && p + 1 < src_.size() &&
                  ((src_[p + 1] >= '0' && src_[p + 1] <= '9') || src_[p + 1] == '.'))) {
        LexNumber(p, t);
      } else if (IsAlnum(c)) {
        size_t e = p;
        while (e < src_.size() && IsAlnum(src_[e])) ++e;
        t.text = std::string(src_.substr(p, e - p));
        p = e;
        if (t.text == "true" || t.text == "false") t.kind = Tok::kBool;
        else if (t.text == "nil") t.kind = Tok::kNil;
        else t.kind = Tok::kIdent;
      } else {
        return Error(fmt::format("unexpected \"{}\" in command", c));
      }
      out.push_back(std::move(t));
    }
  }

  void LexNumber(size_t& p, Token& t) {
    size_t e = p;
    if (src_[e] == '+' || src_[e] == '-') ++e;
    while (e < src_.size() && (IsAlnum(src_[e]) || src_[e] == '.' ||
                               ((src_[e] == '+' || src_[e] == '-') && (src_[e - 1] == 'e' || src_[e - 1] == 'E')))) {
      ++e;
    }
    t.kind = Tok::kNumber;
    t.text = std::string(src_.substr(p, e - p));
    p = e;
  }

  std::string_view src_;
  std::string_view name_;
  int line_ = 1;
};

std::vector<std::string> SplitPath(std::string_view s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t dot = s.find('.', start);
    if (dot == std::string_view::npos) {
      out.emplace_back(s.substr(start));
      break;
    }
    out.emplace_back(s.substr(start, dot - start));
    start = dot + 1;
  }
  return out;
}

// ---------------------------------------------------------------- parser

class Parser {
 public:
  Parser(std::vector<Item> items, std::string_view name) : items_(std::move(items)), name_(name) {}

  Status ParseRoot(Node& root) {
    root.kind = Node::Kind::kList;
    std::string end_word;
    REMEDIATOR_RETURN_IF_ERROR(ParseList(root.list, end_word, 0));
    if (!end_word.empty()) return Error(fmt::format("unexpected {{{{{}}}}}", end_word));
    return Status::Ok();
  }

  std::vector<std::string> fields;

 private:
  Status Error(std::string_view msg) const {
    int line = idx_ > 0 && idx_ - 1 < items_.size() ? items_[idx_ - 1].line : 1;
    return InvalidArgument(fmt::format("template: {}:{}: {}", name_, line, msg));
  }

  // Parses nodes until {{end}}, {{else ...}} or the end. `end_word` gets "end" / "else" / ""
  // (the end of input). For else, `else_rest_` holds the tokens after `else`.
  Status ParseList(std::vector<Node>& out, std::string& end_word, int depth) {
    if (depth > 100) return Error("template nesting too deep");
    while (idx_ < items_.size()) {
      Item& item = items_[idx_++];
      if (!item.is_action) {
        Node n;
        n.kind = Node::Kind::kText;
        n.text = item.text;
        out.push_back(std::move(n));
        continue;
      }
      std::vector<Token>& toks = item.tokens;
      if (toks.empty()) return Error("missing value for command");
      if (toks[0].kind == Tok::kIdent) {
        const std::string& w = toks[0].text;
        if (w == "end") {
          if (toks.size() > 1) return Error("unexpected token in end");
          end_word = "end";
          return Status::Ok();
        }
        if (w == "else") {
          end_word = "else";
          else_rest_.assign(toks.begin() + 1, toks.end());
          return Status::Ok();
        }
        if (w == "if" || w == "range" || w == "with") {
          std::vector<Token> rest(toks.begin() + 1, toks.end());
          Node n;
          REMEDIATOR_RETURN_IF_ERROR(ParseControl(w, rest, n, depth));
          out.push_back(std::move(n));
          continue;
        }
        if (w == "break" || w == "continue") {
          if (range_depth_ == 0) return Error(fmt::format("{{{{{}}}}} outside {{{{range}}}}", w));
          Node n;
          n.kind = w == "break" ? Node::Kind::kBreak : Node::Kind::kContinue;
          out.push_back(std::move(n));
          continue;
        }
        if (w == "define" || w == "template" || w == "block") {
          return Error(fmt::format("{} is not supported", w));
        }
      }
      Node n;
      n.kind = Node::Kind::kAction;
      REMEDIATOR_RETURN_IF_ERROR(ParsePipe(toks, n.pipe, true));
      out.push_back(std::move(n));
    }
    end_word.clear();
    return Status::Ok();
  }

  Status ParseControl(const std::string& word, std::vector<Token>& toks, Node& n, int depth) {
    n.kind = word == "if" ? Node::Kind::kIf : word == "range" ? Node::Kind::kRange : Node::Kind::kWith;
    REMEDIATOR_RETURN_IF_ERROR(ParsePipe(toks, n.pipe, n.kind != Node::Kind::kIf || true));
    if (n.kind == Node::Kind::kRange) ++range_depth_;
    std::string end_word;
    REMEDIATOR_RETURN_IF_ERROR(ParseList(n.list, end_word, depth + 1));
    if (n.kind == Node::Kind::kRange) --range_depth_;
    if (end_word.empty()) return Error("unexpected EOF");
    if (end_word == "else") {
      std::vector<Token> rest = std::move(else_rest_);
      if (!rest.empty() && rest[0].kind == Tok::kIdent && (rest[0].text == "if" || rest[0].text == "with")) {
        // {{else if ...}} / {{else with ...}}: a nested control sharing this {{end}}.
        std::string w = rest[0].text;
        std::vector<Token> inner(rest.begin() + 1, rest.end());
        Node nested;
        REMEDIATOR_RETURN_IF_ERROR(ParseControl(w, inner, nested, depth + 1));
        n.else_list.push_back(std::move(nested));
        return Status::Ok();
      }
      if (!rest.empty()) return Error("unexpected token in else");
      std::string end2;
      REMEDIATOR_RETURN_IF_ERROR(ParseList(n.else_list, end2, depth + 1));
      if (end2 == "else") return Error("expected end; found {{else}}");
      if (end2.empty()) return Error("unexpected EOF");
    }
    return Status::Ok();
  }

  Status ParsePipe(std::vector<Token>& toks, Pipe& pipe, bool allow_decl) {
    size_t i = 0;
    // Declarations: $x := / $x, $y := / $x =
    if (allow_decl && !toks.empty() && toks[0].kind == Tok::kVar) {
      size_t j = 0;
      std::vector<std::string> names;
      bool ok = false;
      while (j < toks.size() && toks[j].kind == Tok::kVar) {
        names.push_back(toks[j].text);
        ++j;
        if (j < toks.size() && (toks[j].kind == Tok::kDeclare || toks[j].kind == Tok::kAssign)) {
          pipe.assign = toks[j].kind == Tok::kAssign;
          ok = true;
          ++j;
          break;
        }
        if (j < toks.size() && toks[j].kind == Tok::kComma) {
          ++j;
          continue;
        }
        break;
      }
      if (ok) {
        pipe.decl = std::move(names);
        for (const std::string& d : pipe.decl) {
          if (!pipe.assign) vars_.push_back(d);
        }
        i = j;
      }
    }
    size_t end = toks.size();
    REMEDIATOR_RETURN_IF_ERROR(ParseCommands(toks, i, end, pipe));
    if (pipe.cmds.empty()) return Error("missing value for command");
    return Status::Ok();
  }

  Status ParseCommands(std::vector<Token>& toks, size_t& i, size_t end, Pipe& pipe) {
    Command cmd;
    while (i < end) {
      Token& t = toks[i];
      if (t.kind == Tok::kPipe) {
        if (cmd.args.empty()) return Error("missing command");
        pipe.cmds.push_back(std::move(cmd));
        cmd = Command();
        ++i;
        continue;
      }
      if (t.kind == Tok::kRParen) break;
      Arg a;
      REMEDIATOR_RETURN_IF_ERROR(ParseOperand(toks, i, end, a));
      cmd.args.push_back(std::move(a));
    }
    if (cmd.args.empty()) {
      if (!pipe.cmds.empty()) return Error("missing command");
      return Status::Ok();
    }
    pipe.cmds.push_back(std::move(cmd));
    return Status::Ok();
  }

  Status ParseOperand(std::vector<Token>& toks, size_t& i, size_t end, Arg& a) {
    Token& t = toks[i++];
    switch (t.kind) {
      case Tok::kIdent: {
        const FunctionInfo* f = FindFunction(t.text);
        if (f == nullptr) return Error(fmt::format("function \"{}\" not defined", t.text));
        a.kind = Arg::Kind::kFunction;
        a.fn = f;
        a.name = t.text;
        return Status::Ok();
      }
      case Tok::kField:
        a.kind = Arg::Kind::kField;
        a.path = SplitPath(t.text);
        if (std::find(fields.begin(), fields.end(), a.path[0]) == fields.end()) fields.push_back(a.path[0]);
        return Status::Ok();
      case Tok::kDot:
        a.kind = Arg::Kind::kDot;
        return Status::Ok();
      case Tok::kVar: {
        std::vector<std::string> parts = SplitPath(t.text);
        a.kind = Arg::Kind::kVariable;
        a.name = parts[0];
        a.path.assign(parts.begin() + 1, parts.end());
        if (a.name != "$" && std::find(vars_.begin(), vars_.end(), a.name) == vars_.end()) {
          return Error(fmt::format("undefined variable \"{}\"", a.name));
        }
        return Status::Ok();
      }
      case Tok::kString:
        a.kind = Arg::Kind::kLiteral;
        a.literal = Value::String(t.text);
        return Status::Ok();
      case Tok::kChar:
        a.kind = Arg::Kind::kLiteral;
        a.literal = Value::Int(std::stoll(t.text));
        return Status::Ok();
      case Tok::kNumber: {
        a.kind = Arg::Kind::kLiteral;
        std::string_view s = t.text;
        int64_t iv = 0;
        std::string_view body = s;
        bool neg = false;
        if (!body.empty() && (body[0] == '-' || body[0] == '+')) {
          neg = body[0] == '-';
          body.remove_prefix(1);
        }
        int base = 10;
        if (body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X')) {
          base = 16;
          body.remove_prefix(2);
        }
        auto [p, ec] = std::from_chars(body.data(), body.data() + body.size(), iv, base);
        if (ec == std::errc() && p == body.data() + body.size()) {
          a.literal = Value::Int(neg ? -iv : iv);
          return Status::Ok();
        }
        double dv = 0;
        auto [p2, ec2] = std::from_chars(body.data(), body.data() + body.size(), dv);
        if (ec2 == std::errc() && p2 == body.data() + body.size()) {
          a.literal = Value::Float(neg ? -dv : dv);
          return Status::Ok();
        }
        return Error(fmt::format("bad number syntax: \"{}\"", t.text));
      }
      case Tok::kBool:
        a.kind = Arg::Kind::kLiteral;
        a.literal = Value::Bool(t.text == "true");
        return Status::Ok();
      case Tok::kNil:
        a.kind = Arg::Kind::kLiteral;
        a.literal = Value();
        return Status::Ok();
      case Tok::kLParen: {
        auto pipe = std::make_shared<Pipe>();
        REMEDIATOR_RETURN_IF_ERROR(ParseCommands(toks, i, end, *pipe));
        if (i >= end || toks[i].kind != Tok::kRParen) return Error("unclosed left paren");
        ++i;
        if (pipe->cmds.empty()) return Error("missing value for parenthesized pipeline");
        a.kind = Arg::Kind::kPipe;
        a.pipe = std::move(pipe);
        return Status::Ok();
      }
      case Tok::kEOF:
      case Tok::kPipe:
      case Tok::kRParen:
      case Tok::kDeclare:
      case Tok::kAssign:
      case Tok::kComma:
        break;
    }
    return Error("unexpected token in operand");
  }

  std::vector<Item> items_;
  std::string_view name_;
  size_t idx_ = 0;
  std::vector<Token> else_rest_;
  std::vector<std::string> vars_;
  int range_depth_ = 0;
};

// ---------------------------------------------------------------- executor

// The value of `.` : the root data or a value.
struct Dot {
  bool root = true;
  Value value;
};

enum class Flow { kNormal, kBreak, kContinue };

class Executor {
 public:
  Executor(const TemplateData& data, const ParseOptions& options, std::string& out)
      : data_(data), options_(options), out_(out), out_start_(out.size()) {}

  Status Run(const Node& n, const Dot& dot, Flow& flow) {
    REMEDIATOR_RETURN_IF_ERROR(Step());
    switch (n.kind) {
      case Node::Kind::kList:
        for (const Node& c : n.list) {
          REMEDIATOR_RETURN_IF_ERROR(Run(c, dot, flow));
          if (flow != Flow::kNormal) return Status::Ok();
        }
        return Status::Ok();
      case Node::Kind::kText:
        out_ += n.text;
        return Status::Ok();
      case Node::Kind::kAction: {
        Value v;
        REMEDIATOR_RETURN_IF_ERROR(EvalPipe(n.pipe, dot, v));
        if (n.pipe.decl.empty()) v.AppendTo(out_);
        return Status::Ok();
      }
      case Node::Kind::kIf:
      case Node::Kind::kWith: {
        size_t mark = vars_.size();
        Value v;
        REMEDIATOR_RETURN_IF_ERROR(EvalPipe(n.pipe, dot, v));
        Status st;
        if (v.Truthy()) {
          if (n.kind == Node::Kind::kWith) {
            Dot d{false, v};
            st = RunList(n.list, d, flow);
          } else {
            st = RunList(n.list, dot, flow);
          }
        } else {
          st = RunList(n.else_list, dot, flow);
        }
        vars_.resize(mark);
        return st;
      }
      case Node::Kind::kRange:
        return RunRange(n, dot, flow);
      case Node::Kind::kBreak:
        flow = Flow::kBreak;
        return Status::Ok();
      case Node::Kind::kContinue:
        flow = Flow::kContinue;
        return Status::Ok();
    }
    return Status::Ok();
  }

 private:
  Status RunList(const std::vector<Node>& list, const Dot& dot, Flow& flow) {
    for (const Node& c : list) {
      REMEDIATOR_RETURN_IF_ERROR(Run(c, dot, flow));
      if (flow != Flow::kNormal) return Status::Ok();
    }
    return Status::Ok();
  }

  Status RunRange(const Node& n, const Dot& dot, Flow& flow) {
    size_t mark = vars_.size();
    // Evaluate the pipeline without its declarations; they bind per element.
    Pipe p;
    p.cmds = n.pipe.cmds;
    Value v;
    REMEDIATOR_RETURN_IF_ERROR(EvalPipe(p, dot, v));
    auto body = [&](const Value& key, const Value& elem) -> Status {
      vars_.resize(mark);
      if (n.pipe.decl.size() == 1) {
        vars_.emplace_back(n.pipe.decl[0], elem);
      } else if (n.pipe.decl.size() >= 2) {
        vars_.emplace_back(n.pipe.decl[0], key);
        vars_.emplace_back(n.pipe.decl[1], elem);
      }
      REMEDIATOR_RETURN_IF_ERROR(Step());  // an empty body runs no node
      Dot d{false, elem};
      Flow f = Flow::kNormal;
      REMEDIATOR_RETURN_IF_ERROR(RunList(n.list, d, f));
      if (f == Flow::kBreak) flow_break_ = true;
      return Status::Ok();
    };
    bool any = false;
    flow_break_ = false;
    switch (v.kind()) {
      case Value::Kind::kList:
        for (size_t i = 0; i < v.list().size() && !flow_break_; ++i) {
          any = true;
          REMEDIATOR_RETURN_IF_ERROR(body(Value::Int(static_cast<int64_t>(i)), v.list()[i]));
        }
        break;
      case Value::Kind::kMap:
        for (size_t i = 0; i < v.map().size() && !flow_break_; ++i) {
          any = true;
          REMEDIATOR_RETURN_IF_ERROR(body(Value::String(v.map()[i].first), v.map()[i].second));
        }
        break;
      case Value::Kind::kInt:
        for (int64_t i = 0; i < v.int_value() && !flow_break_; ++i) {
          any = true;
          REMEDIATOR_RETURN_IF_ERROR(body(Value::Int(i), Value::Int(i)));
        }
        break;
      case Value::Kind::kNil:
        break;
      case Value::Kind::kString:
      case Value::Kind::kFloat:
      case Value::Kind::kBool:
      case Value::Kind::kTime:
        vars_.resize(mark);
        return Exec(fmt::format("range can't iterate over {}", v.ToString()));
    }
    vars_.resize(mark);
    flow_break_ = false;
    if (!any) REMEDIATOR_RETURN_IF_ERROR(RunList(n.else_list, dot, flow));
    vars_.resize(mark);
    return Status::Ok();
  }

  Status Exec(std::string msg) const {
    return InvalidArgument("template: executing: " + msg);
  }

  // Bounds one execution: the template (from a query or a config) may loop long or build a
  // huge output from a short input.
  Status Step() {
    if (++steps_ > kMaxExecSteps) return Exec(fmt::format("stopped after {} steps", kMaxExecSteps));
    if (out_.size() - out_start_ > kMaxOutputBytes) {
      return Exec(fmt::format("output longer than {} bytes", kMaxOutputBytes));
    }
    return Status::Ok();
  }

  Status EvalPipe(const Pipe& p, const Dot& dot, Value& result) {
    Value final;
    bool has_final = false;
    for (const Command& c : p.cmds) {
      Value v;
      REMEDIATOR_RETURN_IF_ERROR(EvalCommand(c, dot, has_final ? &final : nullptr, v));
      final = std::move(v);
      has_final = true;
    }
    for (const std::string& name : p.decl) {
      if (p.assign) {
        bool found = false;
        for (auto it = vars_.rbegin(); it != vars_.rend(); ++it) {
          if (it->first == name) {
            it->second = final;
            found = true;
            break;
          }
        }
        if (!found) return Exec("undefined variable " + name);
      } else {
        vars_.emplace_back(name, final);
      }
    }
    result = std::move(final);
    return Status::Ok();
  }

  Status EvalCommand(const Command& c, const Dot& dot, const Value* final, Value& out) {
    const Arg& first = c.args[0];
    if (first.kind == Arg::Kind::kFunction) {
      // Small-buffer argument list: most calls take 1-3 arguments.
      std::vector<Value> args;
      args.reserve(c.args.size());
      for (size_t i = 1; i < c.args.size(); ++i) {
        Value v;
        REMEDIATOR_RETURN_IF_ERROR(EvalArg(c.args[i], dot, v));
        args.push_back(std::move(v));
      }
      if (final != nullptr) args.push_back(*final);
      int n = static_cast<int>(args.size());
      const FunctionInfo& f = *first.fn;
      if (n < f.min_args || (f.max_args >= 0 && n > f.max_args)) {
        return Exec(fmt::format("wrong number of args for {}: want {} got {}", f.name,
                                f.max_args >= 0 && f.max_args == f.min_args ? f.min_args : f.min_args, n));
      }
      Status st = f.fn(args, data_, out);
      if (!st.ok()) return Exec(fmt::format("error calling {}: {}", f.name, st.message()));
      return Status::Ok();
    }
    if (c.args.size() > 1 || final != nullptr) {
      return Exec("can't give argument to non-function");
    }
    return EvalArg(first, dot, out);
  }

  Status EvalArg(const Arg& a, const Dot& dot, Value& out) {
    switch (a.kind) {
      case Arg::Kind::kLiteral:
        out = a.literal;
        return Status::Ok();
      case Arg::Kind::kDot:
        if (dot.root) {
          out = Value::String("map[]");
        } else {
          out = dot.value;
        }
        return Status::Ok();
      case Arg::Kind::kField:
        return Field(dot, a.path, 0, out);
      case Arg::Kind::kVariable: {
        Dot base;
        if (a.name == "$") {
          base.root = true;
        } else {
          bool found = false;
          for (auto it = vars_.rbegin(); it != vars_.rend(); ++it) {
            if (it->first == a.name) {
              base.root = false;
              base.value = it->second;
              found = true;
              break;
            }
          }
          if (!found) return Exec("undefined variable: " + a.name);
        }
        if (a.path.empty()) {
          if (base.root) {
            out = Value::String("map[]");
          } else {
            out = base.value;
          }
          return Status::Ok();
        }
        return Field(base, a.path, 0, out);
      }
      case Arg::Kind::kFunction: {
        Command c;
        c.args.push_back(a);
        return EvalCommand(c, dot, nullptr, out);
      }
      case Arg::Kind::kPipe:
        return EvalPipe(*a.pipe, dot, out);
    }
    return Status::Ok();
  }

  Status Field(const Dot& dot, const std::vector<std::string>& path, size_t from, Value& out) {
    if (dot.root) {
      std::span<const std::string> span(path.data() + from, path.size() - from);
      if (data_.Lookup(span, out)) return Status::Ok();
      out = options_.missing_key_zero ? Value::View("") : Value();
      return Status::Ok();
    }
    Value cur = dot.value;
    for (size_t i = from; i < path.size(); ++i) {
      if (cur.kind() == Value::Kind::kMap) {
        Value next = options_.missing_key_zero ? Value::View("") : Value();
        for (const auto& [k, v] : cur.map()) {
          if (k == path[i]) {
            next = v;
            break;
          }
        }
        cur = std::move(next);
      } else if (cur.is_nil()) {
        return Exec(fmt::format("nil pointer evaluating .{}", path[i]));
      } else {
        return Exec(fmt::format("can't evaluate field {} in type {}", path[i],
                                cur.kind() == Value::Kind::kString ? "string" : "value"));
      }
    }
    out = std::move(cur);
    return Status::Ok();
  }

  const TemplateData& data_;
  const ParseOptions& options_;
  std::string& out_;
  const size_t out_start_;  // out_'s size before this execution
  int64_t steps_ = 0;
  std::vector<std::pair<std::string, Value>> vars_;
  bool flow_break_ = false;
};

}  // namespace

Result<Template> Template::Parse(std::string_view text, ParseOptions options) {
  constexpr std::string_view kName = "line";
  std::vector<Item> items;
  Lexer lexer(text, kName);
  REMEDIATOR_RETURN_IF_ERROR(lexer.Run(items));
  Template t;
  t.source_ = std::string(text);
  t.options_ = options;
  // Fast-path shapes.
  bool has_action = false;
  for (const Item& it : items) has_action = has_action || it.is_action;
  t.is_constant_ = !has_action;
  if (items.size() == 1 && items[0].is_action && items[0].tokens.size() == 1 &&
      items[0].tokens[0].kind == Tok::kField && items[0].tokens[0].text.find('.') == std::string::npos) {
    t.single_field_ = items[0].tokens[0].text;
  }
  Parser parser(std::move(items), kName);
  auto root = std::make_shared<Node>();
  REMEDIATOR_RETURN_IF_ERROR(parser.ParseRoot(*root));
  t.fields_ = std::move(parser.fields);
  t.root_ = std::move(root);
  return t;
}

Status Template::Execute(const TemplateData& data, std::string& out) const {
  if (root_ == nullptr) return Status::Ok();
  Executor ex(data, options_, out);
  Dot dot;
  Flow flow = Flow::kNormal;
  return ex.Run(*root_, dot, flow);
}

}  // namespace remediator::logql::tmpl

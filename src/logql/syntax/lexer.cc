#include "logql/syntax/lexer.h"

#include <fmt/format.h>

#include "core/utf8.h"
#include "logql/syntax/literals.h"

namespace remediator::logql::syntax {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsWordStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsWordChar(char c) { return IsWordStart(c) || IsDigit(c); }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
int HexValue(char c) {
  if (IsDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

// Length of the valid UTF-8 sequence at s[i], or 0 when it is invalid.
size_t Utf8Length(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  size_t len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
  if (len == 0 || i + len > s.size()) return 0;
  uint32_t cp = c & (0x7F >> len);
  for (size_t k = 1; k < len; ++k) {
    unsigned char cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}


bool IsDurationChar(std::string_view s, size_t i, size_t& len) {
  char c = s[i];
  len = 1;
  if (IsDigit(c) || c == '.') return true;
  switch (c) {
    case 'n': case 'u': case 'm': case 's': case 'h': case 'd': case 'w': case 'y':
      return true;
    default:
      break;
  }
  if (s.substr(i, 2) == "\xC2\xB5") {  // µ
    len = 2;
    return true;
  }
  return false;
}

bool IsBytesChar(char c) {
  if (IsDigit(c) || c == '.') return true;
  switch (c) {
    case 'B': case 'i': case 'k': case 'K': case 'M': case 'G': case 'T': case 'P':
      return true;
    default:
      return false;
  }
}

class Lexer {
 public:
  explicit Lexer(std::string_view src) : src_(src) {}

  std::vector<Token> Run() {
    std::vector<Token> out;
    while (true) {
      Token t = Next();
      bool end = t.kind == TokenKind::kEof || t.kind == TokenKind::kError;
      out.push_back(std::move(t));
      if (end) break;
    }
    return out;
  }

 private:
  char Peek(size_t k = 0) const { return pos_ + k < src_.size() ? src_[pos_ + k] : '\0'; }
  bool AtEnd(size_t k = 0) const { return pos_ + k >= src_.size(); }

  void Advance(size_t n = 1) {
    for (size_t k = 0; k < n && pos_ < src_.size(); ++k) {
      if (src_[pos_] == '\n') {
        ++line_;
        col_ = 1;
      } else {
        ++col_;
      }
      ++pos_;
    }
  }

  Token Make(TokenKind kind, size_t start, int line, int col) {
    Token t;
    t.kind = kind;
    t.text = src_.substr(start, pos_ - start);
    t.line = line;
    t.col = col;
    return t;
  }

  Token Error(std::string message, int line, int col) {
    Token t;
    t.kind = TokenKind::kError;
    t.value = std::move(message);
    t.line = line;
    t.col = col;
    return t;
  }

  void SkipSpaceAndComments() {
    while (!AtEnd()) {
      char c = Peek();
      if (IsSpace(c)) {
        Advance();
      } else if (c == '#') {
        while (!AtEnd() && Peek() != '\n') Advance();
      } else {
        break;
      }
    }
  }

  Token Next() {
    SkipSpaceAndComments();
    size_t start = pos_;
    int line = line_, col = col_;
    if (AtEnd()) return Make(TokenKind::kEof, start, line, col);
    char c = Peek();
    if (static_cast<unsigned char>(c) >= 0x80) {
      if (Utf8Length(src_, pos_) == 0) return Error("invalid UTF-8 encoding", line, col);
      return Error(fmt::format("syntax error: unexpected character {}",
                               QuoteString(src_.substr(pos_, Utf8Length(src_, pos_)))),
                   line, col);
    }
    if (IsWordStart(c)) {
      while (!AtEnd() && IsWordChar(Peek())) Advance();
      return Make(TokenKind::kWord, start, line, col);
    }
    if (IsDigit(c) || (c == '.' && IsDigit(Peek(1)))) return LexNumber(start, line, col);
    if (c == '"' || c == '`') return LexString(start, line, col);
    if (c == '\'') {
      return Error("syntax error: unexpected character literal (use \"...\" or `...`)", line,
                   col);
    }
    if (c == '[') return LexRange(start, line, col);
    auto two = [&](char second) { return Peek(1) == second; };
    auto op = [&](TokenKind kind, size_t len) {
      Advance(len);
      return Make(kind, start, line, col);
    };
    switch (c) {
      case '{': return op(TokenKind::kLeftBrace, 1);
      case '}': return op(TokenKind::kRightBrace, 1);
      case '(': return op(TokenKind::kLeftParen, 1);
      case ')': return op(TokenKind::kRightParen, 1);
      case ',': return op(TokenKind::kComma, 1);
      case '=':
        if (two('~')) return op(TokenKind::kRe, 2);
        if (two('=')) return op(TokenKind::kCmpEq, 2);
        return op(TokenKind::kEq, 1);
      case '!':
        if (two('=')) return op(TokenKind::kNeq, 2);
        if (two('~')) return op(TokenKind::kNre, 2);
        if (two('>')) return op(TokenKind::kNotPattern, 2);
        break;
      case '|':
        if (two('=')) return op(TokenKind::kPipeExact, 2);
        if (two('~')) return op(TokenKind::kPipeMatch, 2);
        if (two('>')) return op(TokenKind::kPipePattern, 2);
        return op(TokenKind::kPipe, 1);
      case '>':
        if (two('=')) return op(TokenKind::kGte, 2);
        return op(TokenKind::kGt, 1);
      case '<':
        if (two('=')) return op(TokenKind::kLte, 2);
        return op(TokenKind::kLt, 1);
      case '+': return op(TokenKind::kAdd, 1);
      case '*': return op(TokenKind::kMul, 1);
      case '/': return op(TokenKind::kDiv, 1);
      case '%': return op(TokenKind::kMod, 1);
      case '^': return op(TokenKind::kPow, 1);
      case '-': {
        if (two('-')) {
          // Parser flags: --strict, --keep-empty.
          size_t k = 2;
          while (!AtEnd(k) && (IsWordStart(Peek(k)) || Peek(k) == '-')) ++k;
          std::string_view flag = src_.substr(pos_, k);
          if (flag == "--strict" || flag == "--keep-empty") return op(TokenKind::kFlag, k);
        }
        // A negative duration: -5m.
        size_t len = DurationSuffixLength(pos_ + 1);
        if (len > 0) {
          auto d = ParseLokiDuration(src_.substr(pos_, 1 + len));
          if (d.ok()) {
            Advance(1 + len);
            Token t = Make(TokenKind::kDuration, start, line, col);
            t.duration_ns = *d;
            return t;
          }
        }
        return op(TokenKind::kSub, 1);
      }
      default:
        break;
    }
    return Error(fmt::format("syntax error: unexpected character {}",
                             QuoteString(src_.substr(pos_, 1))),
                 line, col);
  }

  // How many bytes from `from` on could belong to a duration's digits and units.
  size_t DurationSuffixLength(size_t from) const {
    size_t i = from;
    size_t len = 0;
    while (i < src_.size() && IsDurationChar(src_, i, len)) i += len;
    return i - from;
  }

  Token LexNumber(size_t start, int line, int col) {
    // Go text/scanner number syntax: prefixes 0x 0o 0b, '_' separators, fraction, exponent.
    size_t i = pos_;
    auto at = [&](size_t k) { return k < src_.size() ? src_[k] : '\0'; };
    bool prefixed = false;
    if (at(i) == '0' && (at(i + 1) == 'x' || at(i + 1) == 'X' || at(i + 1) == 'o' ||
                         at(i + 1) == 'O' || at(i + 1) == 'b' || at(i + 1) == 'B')) {
      prefixed = true;
      i += 2;
      while (IsHex(at(i)) || at(i) == '_') ++i;
      if (at(i) == '.') {
        ++i;
        while (IsHex(at(i)) || at(i) == '_') ++i;
      }
      if (at(i) == 'p' || at(i) == 'P') {
        ++i;
        if (at(i) == '+' || at(i) == '-') ++i;
        while (IsDigit(at(i))) ++i;
      }
    } else {
      while (IsDigit(at(i)) || at(i) == '_') ++i;
      if (at(i) == '.') {
        ++i;
        while (IsDigit(at(i)) || at(i) == '_') ++i;
      }
      if ((at(i) == 'e' || at(i) == 'E') &&
          (IsDigit(at(i + 1)) || ((at(i + 1) == '+' || at(i + 1) == '-') && IsDigit(at(i + 2))))) {
        i += 2;
        while (IsDigit(at(i))) ++i;
      }
    }
    size_t number_end = i;
    if (!prefixed) {
      // A duration (5m, 1h30m, 1.5s) or a byte size (20MB, 1KiB) may follow directly.
      size_t dlen = DurationSuffixLength(number_end);
      if (dlen > 0) {
        auto d = ParseLokiDuration(src_.substr(pos_, number_end + dlen - pos_));
        if (d.ok()) {
          Advance(number_end + dlen - pos_);
          Token t = Make(TokenKind::kDuration, start, line, col);
          t.duration_ns = *d;
          return t;
        }
      }
      size_t blen = 0;
      while (number_end + blen < src_.size() && IsBytesChar(src_[number_end + blen])) ++blen;
      if (blen > 0) {
        auto b = ParseHumanBytes(src_.substr(pos_, number_end + blen - pos_));
        if (b.ok()) {
          Advance(number_end + blen - pos_);
          Token t = Make(TokenKind::kBytes, start, line, col);
          t.bytes = *b;
          return t;
        }
      }
    }
    Advance(number_end - pos_);
    return Make(TokenKind::kNumber, start, line, col);
  }

  Token LexString(size_t start, int line, int col) {
    char quote = Peek();
    Token t;
    t.kind = TokenKind::kString;
    t.line = line;
    t.col = col;
    Advance();
    std::string value;
    while (true) {
      if (AtEnd()) return Error("literal not terminated", line, col);
      char c = Peek();
      if (static_cast<unsigned char>(c) >= 0x80) {
        size_t len = Utf8Length(src_, pos_);
        if (len == 0) return Error("invalid UTF-8 encoding", line_, col_);
        value.append(src_.substr(pos_, len));
        Advance(len);
        continue;
      }
      if (c == quote) {
        Advance();
        break;
      }
      if (quote == '`') {
        if (c != '\r') value += c;  // Go drops carriage returns from raw strings
        Advance();
        continue;
      }
      if (c == '\n') return Error("literal not terminated", line, col);
      if (c != '\\') {
        value += c;
        Advance();
        continue;
      }
      // Escape sequence.
      int eline = line_, ecol = col_;
      Advance();
      if (AtEnd()) return Error("literal not terminated", line, col);
      char e = Peek();
      Advance();
      switch (e) {
        case 'a': value += '\a'; break;
        case 'b': value += '\b'; break;
        case 'f': value += '\f'; break;
        case 'n': value += '\n'; break;
        case 'r': value += '\r'; break;
        case 't': value += '\t'; break;
        case 'v': value += '\v'; break;
        case '\\': value += '\\'; break;
        case '"': value += '"'; break;
        case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
          int v = e - '0';
          for (int k = 0; k < 2; ++k) {
            char d = Peek();
            if (d < '0' || d > '7') return Error("invalid char escape", eline, ecol);
            v = v * 8 + (d - '0');
            Advance();
          }
          if (v > 255) return Error("octal escape value > 255", eline, ecol);
          value += static_cast<char>(v);
          break;
        }
        case 'x': case 'u': case 'U': {
          int n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
          uint32_t v = 0;
          for (int k = 0; k < n; ++k) {
            char d = Peek();
            if (!IsHex(d)) return Error("invalid char escape", eline, ecol);
            v = v * 16 + static_cast<uint32_t>(HexValue(d));
            Advance();
          }
          if (e == 'x') {
            value += static_cast<char>(v);
          } else {
            if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
              return Error("escape sequence is invalid Unicode code point", eline, ecol);
            }
            AppendUtf8(value, v);
          }
          break;
        }
        default:
          return Error("invalid char escape", eline, ecol);
      }
    }
    t.text = src_.substr(start, pos_ - start);
    t.value = std::move(value);
    return t;
  }

  Token LexRange(size_t start, int line, int col) {
    Advance();  // [
    size_t content = pos_;
    while (!AtEnd() && Peek() != ']') {
      if (static_cast<unsigned char>(Peek()) >= 0x80 && Utf8Length(src_, pos_) == 0) {
        return Error("invalid UTF-8 encoding", line_, col_);
      }
      Advance();
    }
    if (AtEnd()) return Error("missing closing ']' in duration", line, col);
    std::string_view text = src_.substr(content, pos_ - content);
    Advance();  // ]
    auto d = ParseLokiDuration(text);
    if (!d.ok()) {
      std::string msg = d.status().message();
      if (msg.rfind("time: ", 0) == 0) msg = msg.substr(6);
      return Error(msg, line, col);
    }
    Token t = Make(TokenKind::kRange, start, line, col);
    t.duration_ns = *d;
    return t;
  }

  std::string_view src_;
  size_t pos_ = 0;
  int line_ = 1;
  int col_ = 1;
};

}  // namespace

std::vector<Token> Lex(std::string_view query) { return Lexer(query).Run(); }

std::string TokenDescription(const Token& token) {
  switch (token.kind) {
    case TokenKind::kEof: return "$end";
    case TokenKind::kError: return "error";
    case TokenKind::kWord: return "IDENTIFIER";
    case TokenKind::kString: return "STRING";
    case TokenKind::kNumber: return "NUMBER";
    case TokenKind::kDuration: return "DURATION";
    case TokenKind::kBytes: return "BYTES";
    case TokenKind::kRange: return "RANGE";
    case TokenKind::kFlag: return "FUNCTION_FLAG";
    case TokenKind::kLeftBrace:
    case TokenKind::kRightBrace:
    case TokenKind::kLeftParen:
    case TokenKind::kRightParen:
    case TokenKind::kComma:
    case TokenKind::kEq:
    case TokenKind::kNeq:
    case TokenKind::kRe:
    case TokenKind::kNre:
    case TokenKind::kPipe:
    case TokenKind::kPipeExact:
    case TokenKind::kPipeMatch:
    case TokenKind::kPipePattern:
    case TokenKind::kNotPattern:
    case TokenKind::kCmpEq:
    case TokenKind::kGt:
    case TokenKind::kGte:
    case TokenKind::kLt:
    case TokenKind::kLte:
    case TokenKind::kAdd:
    case TokenKind::kSub:
    case TokenKind::kMul:
    case TokenKind::kDiv:
    case TokenKind::kMod:
    case TokenKind::kPow:
      return std::string(token.text);
  }
  return "?";
}

}  // namespace remediator::logql::syntax

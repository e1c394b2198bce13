#include "logql/log/json_scan.h"

#include <cstring>

#include "core/utf8.h"

namespace remediator::logql::log::json {

size_t SkipWs(std::string_view s, size_t p) {
  while (p < s.size() && (s[p] == ' ' || s[p] == '\t' || s[p] == '\n' || s[p] == '\r')) ++p;
  return p;
}

bool ScanString(std::string_view s, size_t p, size_t& end, bool& has_escape) {
  has_escape = false;
  size_t i = p + 1;
  while (true) {
    const void* q = std::memchr(s.data() + i, '"', s.size() - i);
    if (q == nullptr) return false;
    size_t qi = static_cast<size_t>(static_cast<const char*>(q) - s.data());
    // Count the backslashes before the quote.
    size_t b = qi;
    while (b > i && s[b - 1] == '\\') --b;
    if (!has_escape && std::memchr(s.data() + i, '\\', qi - i) != nullptr) has_escape = true;
    if ((qi - b) % 2 == 0) {
      end = qi + 1;
      return true;
    }
    i = qi + 1;
  }
}

bool ScanValue(std::string_view s, size_t p, size_t& end, Type& type, const char*& error) {
  if (p >= s.size()) {
    error = kMalformedJson.data();
    return false;
  }
  char c = s[p];
  switch (c) {
    case '"': {
      bool esc = false;
      type = Type::kString;
      if (!ScanString(s, p, end, esc)) {
        error = kMalformedString.data();
        return false;
      }
      return true;
    }
    case '{':
    case '[': {
      type = c == '{' ? Type::kObject : Type::kArray;
      int depth = 0;
      size_t i = p;
      while (i < s.size()) {
        char d = s[i];
        if (d == '"') {
          bool esc = false;
          size_t e = 0;
          if (!ScanString(s, i, e, esc)) {
            error = kMalformedString.data();
            return false;
          }
          i = e;
          continue;
        }
        if (d == '{' || d == '[') ++depth;
        if (d == '}' || d == ']') {
          --depth;
          if (depth == 0) {
            end = i + 1;
            return true;
          }
        }
        ++i;
      }
      error = c == '{' ? kMalformedObject.data() : kMalformedArray.data();
      return false;
    }
    default: {
      size_t i = p;
      while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ']' && s[i] != ' ' && s[i] != '\t' &&
             s[i] != '\n' && s[i] != '\r') {
        ++i;
      }
      if (i == p) {
        error = kMalformedValue.data();
        return false;
      }
      std::string_view tok = s.substr(p, i - p);
      if (tok == "true" || tok == "false") {
        type = Type::kBool;
      } else if (tok == "null") {
        type = Type::kNull;
      } else if ((c >= '0' && c <= '9') || c == '-') {
        type = Type::kNumber;
      } else {
        error = "Unknown value type";
        return false;
      }
      end = i;
      return true;
    }
  }
}

namespace {
int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

void Unescape(std::string_view b, std::string& out) {
  for (size_t i = 0; i < b.size(); ++i) {
    char c = b[i];
    if (c != '\\' || i + 1 >= b.size()) {
      out += c;
      continue;
    }
    char e = b[++i];
    switch (e) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case '/': out += '/'; break;
      case '\\': out += '\\'; break;
      case '"': out += '"'; break;
      case 'u': {
        if (i + 4 >= b.size()) {
          out += "\\u";
          break;
        }
        uint32_t cp = 0;
        bool ok = true;
        for (int k = 1; k <= 4; ++k) {
          int h = Hex(b[i + static_cast<size_t>(k)]);
          if (h < 0) ok = false;
          cp = cp * 16 + static_cast<uint32_t>(h < 0 ? 0 : h);
        }
        if (!ok) {
          out += "\\u";
          break;
        }
        i += 4;
        if (cp >= 0xD800 && cp < 0xDC00 && i + 6 < b.size() && b[i + 1] == '\\' && b[i + 2] == 'u') {
          uint32_t lo = 0;
          bool ok2 = true;
          for (int k = 3; k <= 6; ++k) {
            int h = Hex(b[i + static_cast<size_t>(k)]);
            if (h < 0) ok2 = false;
            lo = lo * 16 + static_cast<uint32_t>(h < 0 ? 0 : h);
          }
          if (ok2 && lo >= 0xDC00 && lo < 0xE000) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            i += 6;
          }
        }
        if (cp >= 0xD800 && cp < 0xE000) cp = 0xFFFD;
        AppendUtf8(out, cp);
        break;
      }
      default:
        out += '\\';
        out += e;
    }
  }
}

}  // namespace remediator::logql::log::json

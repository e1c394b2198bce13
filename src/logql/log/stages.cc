// The stage implementations and Pipeline::Compile.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <memory>

#include <fmt/format.h>
#include <re2/re2.h>

#include "logql/convert.h"
#include "logql/log/json_scan.h"
#include "logql/log/matchers.h"
#include "logql/log/pipeline.h"
#include "logql/template/template.h"

namespace remediator::logql::log {

using syntax::CompareOp;

void AppendSanitizedKey(std::string& out, std::string_view key, bool is_prefix) {
  while (!key.empty() && (key.front() == ' ' || key.front() == '\t' || key.front() == '\n' || key.front() == '\r'))
    key.remove_prefix(1);
  while (!key.empty() && (key.back() == ' ' || key.back() == '\t' || key.back() == '\n' || key.back() == '\r'))
    key.remove_suffix(1);
  if (key.empty()) return;
  if (is_prefix && key[0] >= '0' && key[0] <= '9') out += '_';
  for (size_t i = 0; i < key.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(key[i]);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_') {
      out += static_cast<char>(c);
    } else if (c < 0x80) {
      out += '_';
    } else {
      // One '_' per UTF-8 rune.
      size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
      out += '_';
      i += n - 1;
    }
  }
}

namespace {

std::unique_ptr<RE2> MakeRegex(std::string_view pattern, Status& st) {
  RE2::Options o;
  o.set_log_errors(false);
  auto re = std::make_unique<RE2>(re2::StringPiece(pattern.data(), pattern.size()), o);
  if (!re->ok()) st = InvalidArgument("error parsing regexp: " + re->error() + ": `" + std::string(pattern) + "`");
  return re;
}

bool Compare(CompareOp op, double a, double b) {
  switch (op) {
    case CompareOp::kEqual: return a == b;
    case CompareOp::kNotEqual: return a != b;
    case CompareOp::kGreater: return a > b;
    case CompareOp::kGreaterEqual: return a >= b;
    case CompareOp::kLess: return a < b;
    case CompareOp::kLessEqual: return a <= b;
  }
  return false;
}

// ---------------------------------------------------------------- line filters

class LineFilterStage final : public Stage {
 public:
  static Result<std::unique_ptr<Stage>> Make(const syntax::LineFilter& f) {
    auto s = std::make_unique<LineFilterStage>();
    s->op_ = f.op;
    for (const auto& operand : f.operands) {
      Operand o;
      if (operand.is_ip) {
        if (f.op != syntax::LineFilterOp::kContains && f.op != syntax::LineFilterOp::kNotContains) {
          return InvalidArgument("ip: invalid operation");
        }
        auto m = IpMatcher::Parse(operand.value);
        if (!m.ok()) return m.status();
        o.ip = std::make_unique<IpMatcher>(std::move(*m));
      } else {
        switch (f.op) {
          case syntax::LineFilterOp::kContains:
          case syntax::LineFilterOp::kNotContains:
            o.sub = std::make_unique<SubstringSearcher>(operand.value);
            break;
          case syntax::LineFilterOp::kRegex:
          case syntax::LineFilterOp::kNotRegex: {
            Status st;
            o.re = MakeRegex(operand.value, st);
            if (!st.ok()) return st;
            break;
          }
          case syntax::LineFilterOp::kPattern:
          case syntax::LineFilterOp::kNotPattern: {
            auto p = Pattern::Parse(operand.value, false, true);
            if (!p.ok()) return p.status();
            o.pattern = std::make_unique<Pattern>(std::move(*p));
            break;
          }
        }
      }
      s->operands_.push_back(std::move(o));
    }
    return std::unique_ptr<Stage>(std::move(s));
  }

  bool Process(int64_t, std::string_view& line, LabelsBuilder&, LineScratch&) const override {
    bool any = false;
    for (const Operand& o : operands_) {
      if (o.Matches(line)) {
        any = true;
        break;
      }
    }
    switch (op_) {
      case syntax::LineFilterOp::kContains:
      case syntax::LineFilterOp::kRegex:
      case syntax::LineFilterOp::kPattern: return any;
      case syntax::LineFilterOp::kNotContains:
      case syntax::LineFilterOp::kNotRegex:
      case syntax::LineFilterOp::kNotPattern: return !any;
    }
    return false;
  }

 private:
  struct Operand {
    std::unique_ptr<SubstringSearcher> sub;
    std::unique_ptr<RE2> re;
    std::unique_ptr<Pattern> pattern;
    std::unique_ptr<IpMatcher> ip;
    bool Matches(std::string_view line) const {
      if (sub) return sub->Contains(line);
      if (re) return RE2::PartialMatch(re2::StringPiece(line.data(), line.size()), *re);
      if (pattern) return pattern->Test(line);
      if (ip) return ip->MatchesAnyIn(line);
      return false;
    }
  };
  syntax::LineFilterOp op_ = syntax::LineFilterOp::kContains;
  std::vector<Operand> operands_;
};

// ---------------------------------------------------------------- parsers

// Sets a parsed label with Loki's collision rule (<name>_extracted when a stream or metadata
// label has the name) and the first-value-wins rule.
void SetParsed(LabelsBuilder& lbs, std::string_view key, std::string_view value, std::string& tmp) {
  if (lbs.BaseOrMetadataHas(key)) {
    tmp.assign(key);
    tmp += "_extracted";
    if (lbs.ParsedHas(tmp)) return;
    lbs.Set(tmp, value);
    return;
  }
  if (lbs.ParsedHas(key)) return;
  lbs.Set(key, value);
}

bool Wanted(const LabelHints& hints, std::string_view key) {
  if (!hints.needed) return true;
  if (hints.needed->count(key) > 0) return true;
  std::string ext(key);
  ext += "_extracted";
  return hints.needed->count(ext) > 0;
}

// A top-level value found by the flat-object scan: [start, end) in the line, quotes included
// for strings.
struct JsonHit {
  const std::string* name;
  size_t start, end;
  bool string, escaped;
};

// The hit's value as text: a string unquoted (unescaped into `scratch` when needed), other
// values as written.
std::string_view JsonHitValue(std::string_view line, const JsonHit& h, std::string& scratch) {
  if (!h.string) return line.substr(h.start, h.end - h.start);
  std::string_view body = line.substr(h.start + 1, h.end - h.start - 2);
  if (!h.escaped) return body;
  scratch.clear();
  json::Unescape(body, scratch);
  return scratch;
}

bool IsJsonWs(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool IsAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// A wanted name the direct path may look for as written: [A-Za-z0-9]+, not starting with a
// digit. A key that needs sanitizing yields a name with '_' (every byte it replaces becomes
// one, a leading digit gets one), so such a name can come only from the key itself, or from
// the key padded with whitespace or escaped, which the direct path checks for.
bool IsDirectName(std::string_view w) {
  if (w.empty() || (w[0] >= '0' && w[0] <= '9')) return false;
  for (char c : w) {
    if (!IsAlnum(c)) return false;
  }
  return true;
}

// The longest run of [A-Za-z0-9] in a name ("error" in "__error__").
std::string_view LongestAlnumRun(std::string_view w) {
  std::string_view best;
  size_t i = 0;
  while (i < w.size()) {
    size_t j = i;
    while (j < w.size() && IsAlnum(w[j])) ++j;
    if (j - i > best.size()) best = w.substr(i, j - i);
    i = j + 1;
  }
  return best;
}

// A JSON scalar token as the general scan accepts it (a number, true, false, null).
bool IsScalarToken(std::string_view t) {
  return (t[0] >= '0' && t[0] <= '9') || t[0] == '-' || t == "true" || t == "false" || t == "null";
}

// The bytes that end a scalar token (as json::ScanValue ends it): , } ] and whitespace.
constexpr std::array<bool, 256> kTokenEnd = [] {
  std::array<bool, 256> a{};
  for (unsigned char c : {',', '}', ']', ' ', '\t', '\n', '\r'}) a[c] = true;
  return a;
}();

// The end of the scalar token at d[p] (before `e`).
size_t ScalarEnd(const char* d, size_t p, size_t e) {
  while (p < e && !kTokenEnd[static_cast<unsigned char>(d[p])]) ++p;
  return p;
}

// Whether the object at d[b] may have a key with a backslash before d[end] (<= e, the
// object's end). In valid JSON every backslash is in a string; from a string's first one,
// stepping over escapes reaches the string's closing quote, and a key's is followed by ':'.
bool HasEscapedKey(const char* d, size_t b, size_t end, size_t e) {
  size_t i = b;
  while (i < end) {
    const void* m = std::memchr(d + i, '\\', end - i);
    if (m == nullptr) return false;
    size_t k = static_cast<size_t>(static_cast<const char*>(m) - d);
    while (k < e && d[k] != '"') k += d[k] == '\\' ? 2 : 1;
    if (k >= e) return true;  // not valid JSON: the scan decides
    size_t t = k + 1;
    while (t < e && IsJsonWs(d[t])) ++t;
    if (t < e && d[t] == ':') return true;
    i = k + 1;
  }
  return false;
}

// `| json` without parameters. With hints, three paths of one meaning, so that for a valid
// JSON object the labels set never depend on members that yield no wanted name (the store may
// hand only the others, see logql/json_projection.h): each wanted name takes the value of the
// first member naming it (first value wins), null and array values name nothing, and the scan
// stops once every wanted name was found.
class JsonParserStage final : public Stage {
 public:
  explicit JsonParserStage(const LabelHints& hints) : hints_(hints) {
    if (!hints_.needed) return;
    auto add = [&](std::string name) {
      if (std::find(wanted_.begin(), wanted_.end(), name) == wanted_.end()) wanted_.push_back(std::move(name));
    };
    for (const std::string& n : *hints_.needed) {
      add(n);
      if (n.size() > 10 && n.ends_with("_extracted")) add(n.substr(0, n.size() - 10));
    }
    if (wanted_.size() <= 64) all_found_ = wanted_.size() == 64 ? ~uint64_t{0} : (uint64_t{1} << wanted_.size()) - 1;
    direct_ok_ = !wanted_.empty() && wanted_.size() <= 8;
    for (const std::string& w : wanted_) {
      if (IsDirectName(w)) {
        direct_.push_back(DirectKey{w, SubstringSearcher(w), false});
        continue;
      }
      // A name with '_' ("__error__", "request_User_Agent") may come from a key that needs
      // sanitizing ("request_User-Agent"), but every key naming it holds its letters and
      // digits as written: a line without its longest run of them has no such key.
      std::string_view run = LongestAlnumRun(w);
      if (run.empty()) direct_ok_ = false;
      direct_.push_back(DirectKey{w, SubstringSearcher(run), true});
    }
    if (!direct_ok_) direct_.clear();
  }

  bool Process(int64_t, std::string_view& line, LabelsBuilder& lbs, LineScratch&) const override {
    if (hints_.needed && hints_.needed->empty()) return true;  // no label is used: Loki skips parsing
    if (direct_ok_ && ProcessDirect(line, lbs)) return true;
    if (hints_.needed && all_found_ != 0 && ProcessFlat(line, lbs)) return true;
    State st{lbs, {}, {}, {}, 0, false};
    size_t p = json::SkipWs(line, 0);
    const char* err = nullptr;
    if (p >= line.size() || line[p] != '{') {
      err = json::kMalformedObject.data();
    } else {
      ParseObject(line, p, st, err, 0);
    }
    if (err != nullptr && !st.done) {
      if (!lbs.HasError()) {
        lbs.SetError("JSONParserErr");
        lbs.SetErrorDetails(err);
      }
    }
    return true;
  }

 private:
  struct State {
    LabelsBuilder& lbs;
    std::string prefix;
    std::string value;
    std::string tmp;
    uint64_t found = 0;  // bit i: wanted_[i] was found
    bool done = false;
  };

  // The index in wanted_ of a (sanitized) name, or -1.
  int WantedIndex(std::string_view name) const {
    for (size_t i = 0; i < wanted_.size(); ++i) {
      if (wanted_[i] == name) return static_cast<int>(i);
    }
    return -1;
  }

  // Whether a nested object whose members are named `prefix`_... can yield a wanted name.
  bool MayYield(std::string_view prefix) const {
    if (!hints_.needed || prefix.empty()) return true;
    for (const std::string& w : wanted_) {
      if (w.size() > prefix.size() && w[prefix.size()] == '_' && w.compare(0, prefix.size(), prefix) == 0) return true;
    }
    return false;
  }

  // Parses the object at line[p] == '{'; returns the position after it or npos.
  size_t ParseObject(std::string_view line, size_t p, State& st, const char*& err, int depth) const {
    ++p;
    size_t prefix_len = st.prefix.size();
    p = json::SkipWs(line, p);
    if (p < line.size() && line[p] == '}') return p + 1;
    while (true) {
      p = json::SkipWs(line, p);
      if (p >= line.size() || line[p] != '"') {
        err = json::kMalformedJson.data();
        return std::string_view::npos;
      }
      size_t kend = 0;
      bool kesc = false;
      if (!json::ScanString(line, p, kend, kesc)) {
        err = json::kMalformedString.data();
        return std::string_view::npos;
      }
      std::string_view key = line.substr(p + 1, kend - p - 2);
      std::string unesc_key;
      if (kesc) {
        json::Unescape(key, unesc_key);
        key = unesc_key;
      }
      p = json::SkipWs(line, kend);
      if (p >= line.size() || line[p] != ':') {
        err = json::kMalformedJson.data();
        return std::string_view::npos;
      }
      p = json::SkipWs(line, p + 1);
      if (p >= line.size()) {
        err = json::kMalformedValue.data();
        return std::string_view::npos;
      }
      st.prefix.resize(prefix_len);
      if (prefix_len > 0) st.prefix += '_';
      AppendSanitizedKey(st.prefix, key, prefix_len == 0);
      if (line[p] == '{' && (depth <= 64 || MayYield(st.prefix))) {
        if (depth > 64) {
          err = json::kMalformedJson.data();
          return std::string_view::npos;
        }
        p = ParseObject(line, p, st, err, depth + 1);
        if (p == std::string_view::npos || st.done) return p;
      } else {
        // A scalar, an array, or an object too deep to walk that names nothing wanted.
        size_t vend = 0;
        json::Type type;
        const char* verr = nullptr;
        if (!json::ScanValue(line, p, vend, type, verr)) {
          err = verr;
          return std::string_view::npos;
        }
        int idx = hints_.needed ? WantedIndex(st.prefix) : 0;
        if (type != json::Type::kNull && type != json::Type::kArray && type != json::Type::kObject &&
            !st.prefix.empty() && idx >= 0) {
          std::string_view v;
          if (type == json::Type::kString) {
            std::string_view body = line.substr(p + 1, vend - p - 2);
            if (body.find('\\') != std::string_view::npos) {
              st.value.clear();
              json::Unescape(body, st.value);
              v = st.value;
            } else {
              v = body;
            }
          } else {
            v = line.substr(p, vend - p);
          }
          SetParsed(st.lbs, st.prefix, v, st.tmp);
          if (hints_.needed && all_found_ != 0) {
            st.found |= uint64_t{1} << idx;
            if (st.found == all_found_) {
              st.done = true;  // every wanted name found: later members change nothing
              return vend;
            }
          }
        }
        p = vend;
      }
      p = json::SkipWs(line, p);
      if (p >= line.size()) {
        err = json::kMalformedObject.data();
        return std::string_view::npos;
      }
      if (line[p] == ',') {
        ++p;
        continue;
      }
      if (line[p] == '}') {
        st.prefix.resize(prefix_len);
        return p + 1;
      }
      err = json::kMalformedJson.data();
      return std::string_view::npos;
    }
  }

  // The index in wanted_ of the name a raw top-level key (without escapes) stands for, or -1.
  int WantedKey(std::string_view key, std::string& tmp) const {
    int i = WantedIndex(key);
    if (i >= 0) return i;
    bool clean = true;
    for (char c : key) {
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
        clean = false;
        break;
      }
    }
    if (clean && !(key.size() > 0 && key[0] >= '0' && key[0] <= '9')) return -1;
    tmp.clear();
    AppendSanitizedKey(tmp, key, true);
    return WantedIndex(tmp);
  }

  // The fast path for a flat object: compares raw keys, skips unwanted values, stops once
  // every wanted name is found. Returns false, having set nothing, when the line needs the
  // general parser (a nested object, an escaped key, a malformed line).
  bool ProcessFlat(std::string_view line, LabelsBuilder& lbs) const {
    const size_t n = line.size();
    const char* d = line.data();
    size_t p = 0;
    while (p < n && IsJsonWs(d[p])) ++p;
    if (p >= n || d[p] != '{') return false;
    ++p;
    uint64_t found = 0;
    JsonHit hits[8];
    size_t nhits = 0;
    std::string tmp;
    for (bool first = true;; first = false) {
      while (p < n && IsJsonWs(d[p])) ++p;
      if (p >= n) return false;
      if (d[p] == '}' && first) break;
      if (d[p] != '"') return false;
      const char* q = static_cast<const char*>(std::memchr(d + p + 1, '"', n - p - 1));
      if (q == nullptr) return false;
      size_t qe = static_cast<size_t>(q - d);
      std::string_view key(d + p + 1, qe - p - 1);
      if (std::memchr(key.data(), '\\', key.size()) != nullptr) return false;  // unescaped first
      p = qe + 1;
      while (p < n && IsJsonWs(d[p])) ++p;
      if (p >= n || d[p] != ':') return false;
      ++p;
      while (p < n && IsJsonWs(d[p])) ++p;
      if (p >= n) return false;
      int w = WantedKey(key, tmp);
      char c = d[p];
      size_t vs = p, ve;
      bool is_string = false, escaped = false;
      if (c == '"') {
        if (!json::ScanString(line, p, ve, escaped)) return false;
        is_string = true;
      } else if (c == '{' || c == '[') {
        if (c == '{') return false;  // nested: the general parser flattens it
        json::Type t;
        const char* err = nullptr;
        if (!json::ScanValue(line, p, ve, t, err)) return false;
        w = -1;  // arrays are skipped
      } else {
        ve = ScalarEnd(d, p, n);
        if (ve == p || !IsScalarToken(std::string_view(d + p, ve - p))) return false;
        if (std::string_view(d + p, ve - p) == "null") w = -1;
      }
      if (w >= 0 && (found & (uint64_t{1} << w)) == 0) {  // a later duplicate changes nothing
        if (nhits == 8) return false;
        hits[nhits++] = JsonHit{&wanted_[static_cast<size_t>(w)], vs, ve, is_string, escaped};
        found |= uint64_t{1} << w;
        if (found == all_found_) break;
      }
      p = ve;
      while (p < n && IsJsonWs(d[p])) ++p;
      if (p >= n) return false;
      if (d[p] == ',') {
        ++p;
        continue;
      }
      if (d[p] == '}') break;
      return false;
    }
    std::string value;
    for (size_t i = 0; i < nhits; ++i) {
      const JsonHit& h = hits[i];
      SetParsed(lbs, *h.name, JsonHitValue(line, h, value), tmp);
    }
    return true;
  }

  // The fastest path, for a flat object (no '{' after the first byte) when every wanted name
  // is plain (IsDirectName): finds each name with a SIMD substring search. `"name"` preceded
  // by ',' or '{' and followed by ':' is a top-level key (inside a string every quote is
  // escaped). Returns false (having set nothing) when the general scan is needed: the name
  // next to whitespace inside quotes (maybe a padded key, which names it too) or a key with
  // an escape.
  bool ProcessDirect(std::string_view line, LabelsBuilder& lbs) const {
    const char* d = line.data();
    size_t n = line.size();
    size_t b = 0;
    while (b < n && IsJsonWs(d[b])) ++b;
    size_t e = n;
    while (e > b && IsJsonWs(d[e - 1])) --e;
    if (e - b < 2 || d[b] != '{' || d[e - 1] != '}') return false;
    JsonHit hits[8];
    size_t nhits = 0;
    // Only members before each name's first key can change its value: the checks for nested
    // objects and escaped keys cover the line up to the last of them (all of it when a name
    // is missing).
    size_t checked_end = b + 1;
    for (const DirectKey& k : direct_) {
      if (k.absent_only) {
        if (k.search.Find(line, b + 1) != std::string_view::npos) return false;
        checked_end = e;  // an escaped key anywhere might name it
        continue;
      }
      bool hit = false;
      size_t at;
      size_t from = b + 1;
      while ((at = k.search.Find(line, from)) != std::string_view::npos && at + k.name.size() < e) {
        size_t end = at + k.name.size();
        from = at + 1;
        char before = d[at - 1], after = d[end];
        bool bq = before == '"', aq = after == '"';
        if (!(bq || IsJsonWs(before)) || !(aq || IsJsonWs(after))) continue;  // inside a longer word
        if (!bq || !aq) return false;  // maybe a key padded with whitespace
        size_t q = at - 1;
        while (q > b && IsJsonWs(d[q - 1])) --q;
        if (!(q > b && (d[q - 1] == ',' || d[q - 1] == '{'))) continue;
        size_t p = end + 1;
        while (p < e && IsJsonWs(d[p])) ++p;
        if (p >= e || d[p] != ':') continue;
        ++p;
        while (p < e && IsJsonWs(d[p])) ++p;
        if (p >= e) return false;
        size_t ve;
        bool is_string = false, escaped = false;
        if (d[p] == '"') {
          if (!json::ScanString(line, p, ve, escaped)) return false;
          is_string = true;
        } else if (d[p] == '[') {
          continue;  // arrays name nothing: a later member may
        } else {
          ve = ScalarEnd(d, p, e);
          if (ve == p || !IsScalarToken(std::string_view(d + p, ve - p))) return false;
          if (std::string_view(d + p, ve - p) == "null") continue;  // names nothing: a later member may
        }
        hits[nhits++] = JsonHit{&k.name, p, ve, is_string, escaped};
        hit = true;
        checked_end = std::max(checked_end, at);
        break;
      }
      if (!hit) checked_end = e;
    }
    if (std::memchr(d + b + 1, '{', checked_end - b - 1) != nullptr) return false;
    if (HasEscapedKey(d, b, checked_end, e)) return false;
    std::string tmp, value;
    for (size_t i = 0; i < nhits; ++i) {
      const JsonHit& h = hits[i];
      SetParsed(lbs, *h.name, JsonHitValue(line, h, value), tmp);
    }
    return true;
  }

  struct DirectKey {
    std::string name;
    SubstringSearcher search;  // for the name, or with `absent_only` for its LongestAlnumRun
    bool absent_only;          // the direct path handles only lines without the name
  };
  LabelHints hints_;
  std::vector<std::string> wanted_;  // the names the json stage may set that are used
  uint64_t all_found_ = 0;           // the found bits of all of wanted_; 0: more than 64
  std::vector<DirectKey> direct_;
  bool direct_ok_ = false;
};

// A json expression path: keys and indexes.
struct PathElem {
  bool is_index = false;
  std::string key;
  size_t index = 0;
};

Result<std::vector<PathElem>> ParseJsonExpr(std::string_view e) {
  std::vector<PathElem> out;
  size_t i = 0;
  auto bad = [&] { return InvalidArgument("cannot parse expression [" + std::string(e) + "]: syntax error"); };
  bool expect_ident = true;
  while (i < e.size()) {
    char c = e[i];
    if (c == '.') {
      if (out.empty()) return bad();
      ++i;
      expect_ident = true;
      continue;
    }
    if (c == '[') {
      ++i;
      if (i < e.size() && e[i] == '"') {
        size_t end = e.find('"', i + 1);
        if (end == std::string_view::npos) return bad();
        out.push_back(PathElem{false, std::string(e.substr(i + 1, end - i - 1)), 0});
        i = end + 1;
      } else {
        size_t start = i;
        while (i < e.size() && e[i] >= '0' && e[i] <= '9') ++i;
        if (i == start) return bad();
        out.push_back(PathElem{true, "", std::stoul(std::string(e.substr(start, i - start)))});
      }
      if (i >= e.size() || e[i] != ']') return bad();
      ++i;
      expect_ident = false;
      continue;
    }
    if (!expect_ident) return bad();
    size_t start = i;
    while (i < e.size() && e[i] != '.' && e[i] != '[') ++i;
    if (i == start) return bad();
    out.push_back(PathElem{false, std::string(e.substr(start, i - start)), 0});
    expect_ident = false;
  }
  if (out.empty() || expect_ident) return bad();
  return out;
}

// Finds the value at `path` in the JSON text; `found` false when absent.
bool JsonGet(std::string_view s, const std::vector<PathElem>& path, size_t& vstart, size_t& vend, json::Type& type,
             bool& found, const char*& err) {
  size_t p = json::SkipWs(s, 0);
  found = false;
  for (const PathElem& el : path) {
    if (p >= s.size()) return true;
    if (el.is_index) {
      if (s[p] != '[') return true;
      p = json::SkipWs(s, p + 1);
      size_t idx = 0;
      bool hit = false;
      while (p < s.size() && s[p] != ']') {
        size_t e = 0;
        json::Type t;
        if (!json::ScanValue(s, p, e, t, err)) return false;
        if (idx == el.index) {
          hit = true;
          break;
        }
        ++idx;
        p = json::SkipWs(s, e);
        if (p < s.size() && s[p] == ',') p = json::SkipWs(s, p + 1);
      }
      if (!hit) return true;
    } else {
      if (s[p] != '{') return true;
      p = json::SkipWs(s, p + 1);
      bool hit = false;
      while (p < s.size() && s[p] != '}') {
        if (s[p] != '"') {
          err = json::kMalformedJson.data();
          return false;
        }
        size_t kend = 0;
        bool kesc = false;
        if (!json::ScanString(s, p, kend, kesc)) {
          err = json::kMalformedString.data();
          return false;
        }
        std::string_view key = s.substr(p + 1, kend - p - 2);
        std::string tmp;
        if (kesc) {
          json::Unescape(key, tmp);
          key = tmp;
        }
        p = json::SkipWs(s, kend);
        if (p >= s.size() || s[p] != ':') {
          err = json::kMalformedJson.data();
          return false;
        }
        p = json::SkipWs(s, p + 1);
        if (key == el.key) {
          hit = true;
          break;
        }
        size_t e = 0;
        json::Type t;
        if (!json::ScanValue(s, p, e, t, err)) return false;
        p = json::SkipWs(s, e);
        if (p < s.size() && s[p] == ',') p = json::SkipWs(s, p + 1);
      }
      if (!hit) return true;
    }
  }
  if (!json::ScanValue(s, p, vend, type, err)) return false;
  vstart = p;
  found = true;
  return true;
}

class JsonExprStage final : public Stage {
 public:
  static Result<std::unique_ptr<Stage>> Make(const std::vector<syntax::LabelExtraction>& params) {
    auto s = std::make_unique<JsonExprStage>();
    for (const auto& p : params) {
      auto path = ParseJsonExpr(p.expression);
      if (!path.ok()) return path.status();
      s->items_.push_back(Item{p.name, std::move(*path)});
    }
    return std::unique_ptr<Stage>(std::move(s));
  }

  bool Process(int64_t, std::string_view& line, LabelsBuilder& lbs, LineScratch&) const override {
    size_t p = json::SkipWs(line, 0);
    if (p >= line.size() || (line[p] != '{' && line[p] != '[' && line[p] != '"')) {
      if (!lbs.HasError()) {
        lbs.SetError("JSONParserErr");
        lbs.SetErrorDetails("could not parse line as JSON: invalid JSON start");
      }
      return true;
    }
    std::string value, tmp;
    for (const Item& it : items_) {
      size_t vs = 0, ve = 0;
      json::Type type = json::Type::kNull;
      bool found = false;
      const char* err = nullptr;
      if (!JsonGet(line, it.path, vs, ve, type, found, err)) {
        if (!lbs.HasError()) {
          lbs.SetError("JSONParserErr");
          lbs.SetErrorDetails(err != nullptr ? err : json::kMalformedJson.data());
        }
        return true;
      }
      value.clear();
      if (found) {
        switch (type) {
          case json::Type::kString: json::Unescape(line.substr(vs + 1, ve - vs - 2), value); break;
          case json::Type::kNull: break;
          case json::Type::kNumber:
          case json::Type::kBool:
          case json::Type::kObject:
          case json::Type::kArray: value.assign(line.substr(vs, ve - vs)); break;
        }
      }
      if (lbs.BaseOrMetadataHas(it.name)) {
        tmp = it.name + "_extracted";
        lbs.Set(tmp, value);
      } else {
        lbs.Set(it.name, value);
      }
    }
    return true;
  }

 private:
  struct Item {
    std::string name;
    std::vector<PathElem> path;
  };
  std::vector<Item> items_;
};

// go-logfmt's decoder, as Loki uses it.
class LogfmtStage final : public Stage {
 public:
  LogfmtStage(const syntax::LogfmtParser& p, const LabelHints& hints) : strict_(p.strict), keep_empty_(p.keep_empty), hints_(hints) {
    for (const auto& e : p.params) params_.push_back(e);
  }

  bool Process(int64_t, std::string_view& line, LabelsBuilder& lbs, LineScratch&) const override {
    if (params_.empty() && hints_.needed && hints_.needed->empty()) return true;
    std::string key, value, tmp;
    size_t p = 0;
    const size_t n = line.size();
    std::vector<bool> seen(params_.size(), false);
    while (p < n) {
      while (p < n && static_cast<unsigned char>(line[p]) <= ' ') ++p;
      if (p >= n) break;
      // key
      size_t ks = p;
      const char* err = nullptr;
      while (p < n) {
        char c = line[p];
        if (c == '=' || c == '"' || static_cast<unsigned char>(c) <= ' ') break;
        ++p;
      }
      bool have_value = false;
      value.clear();
      if (p < n && line[p] == '"') {
        err = "unexpected '\"'";
      } else if (p < n && line[p] == '=' && p == ks) {
        err = "unexpected '='";
      }
      std::string_view k = line.substr(ks, p - ks);
      if (err == nullptr && p < n && line[p] == '=') {
        ++p;
        have_value = true;
        if (p < n && line[p] == '"') {
          // quoted value
          ++p;
          bool closed = false;
          while (p < n) {
            char c = line[p];
            if (c == '\\' && p + 1 < n) {
              char e = line[p + 1];
              switch (e) {
                case 'n': value += '\n'; break;
                case 't': value += '\t'; break;
                case 'r': value += '\r'; break;
                case '"': value += '"'; break;
                case '\\': value += '\\'; break;
                default: value += '\\'; value += e;
              }
              p += 2;
              continue;
            }
            if (c == '"') {
              closed = true;
              ++p;
              break;
            }
            value += c;
            ++p;
          }
          if (!closed) err = "unterminated quoted value";
        } else {
          size_t vs = p;
          while (p < n && static_cast<unsigned char>(line[p]) > ' ') {
            if (line[p] == '"') {
              err = "unexpected '\"'";
              break;
            }
            ++p;
          }
          if (err == nullptr) value.assign(line.substr(vs, p - vs));
        }
      }
      if (err != nullptr) {
        if (strict_) {
          if (!lbs.HasError()) {
            lbs.SetError("LogfmtParserErr");
            lbs.SetErrorDetails(fmt::format("logfmt syntax error at pos {} : {}", p + 1, err));
          }
          return true;
        }
        // Skip the malformed token.
        while (p < n && static_cast<unsigned char>(line[p]) > ' ') ++p;
        continue;
      }
      (void)have_value;
      if (params_.empty()) {
        if (value.empty() && !keep_empty_) continue;
        tmp.clear();
        AppendSanitizedKey(tmp, k, true);
        if (tmp.empty()) continue;
        if (!Wanted(hints_, tmp)) continue;
        std::string name = tmp;
        SetParsed(lbs, name, value, tmp);
      } else {
        for (size_t i = 0; i < params_.size(); ++i) {
          if (!seen[i] && params_[i].expression == k) {
            seen[i] = true;
            SetNamed(lbs, params_[i].name, value);
          }
        }
      }
    }
    for (size_t i = 0; i < params_.size(); ++i) {
      if (!seen[i]) SetNamed(lbs, params_[i].name, "");
    }
    return true;
  }

 private:
  static void SetNamed(LabelsBuilder& lbs, const std::string& name, std::string_view value) {
    if (lbs.BaseOrMetadataHas(name)) {
      lbs.Set(name + "_extracted", value);
    } else {
      lbs.Set(name, value);
    }
  }
  bool strict_, keep_empty_;
  LabelHints hints_;
  std::vector<syntax::LabelExtraction> params_;
};

class RegexpStage final : public Stage {
 public:
  static Result<std::unique_ptr<Stage>> Make(const std::string& pattern) {
    auto s = std::make_unique<RegexpStage>();
    Status st;
    s->re_ = MakeRegex(pattern, st);
    if (!st.ok()) return st;
    const auto& names = s->re_->CapturingGroupNames();
    int n = s->re_->NumberOfCapturingGroups();
    s->names_.assign(static_cast<size_t>(n) + 1, "");
    size_t named = 0;
    for (const auto& [idx, name] : names) {
      for (const auto& other : s->names_) {
        if (other == name) return InvalidArgument("duplicate extracted label name '" + name + "'");
      }
      s->names_[static_cast<size_t>(idx)] = name;
      ++named;
    }
    if (named == 0) return InvalidArgument("at least one named capture must be supplied");
    return std::unique_ptr<Stage>(std::move(s));
  }

  bool Process(int64_t, std::string_view& line, LabelsBuilder& lbs, LineScratch&) const override {
    int n = re_->NumberOfCapturingGroups() + 1;
    std::vector<re2::StringPiece> groups(static_cast<size_t>(n));
    if (!re_->Match(re2::StringPiece(line.data(), line.size()), 0, line.size(), RE2::UNANCHORED, groups.data(), n)) {
      return true;
    }
    std::string tmp, key;
    for (size_t i = 1; i < names_.size(); ++i) {
      if (names_[i].empty()) continue;
      key.clear();
      AppendSanitizedKey(key, names_[i], true);
      std::string_view v = groups[i].data() == nullptr ? std::string_view() : std::string_view(groups[i].data(), groups[i].size());
      SetParsed(lbs, key, v, tmp);
    }
    return true;
  }

 private:
  std::unique_ptr<RE2> re_;
  std::vector<std::string> names_;
};

class PatternStage final : public Stage {
 public:
  static Result<std::unique_ptr<Stage>> Make(const std::string& pattern) {
    auto p = Pattern::Parse(pattern, true, false);
    if (!p.ok()) return p.status();
    auto s = std::make_unique<PatternStage>();
    s->names_ = p->Names();
    s->pattern_ = std::move(*p);
    return std::unique_ptr<Stage>(std::move(s));
  }
  bool Process(int64_t, std::string_view& line, LabelsBuilder& lbs, LineScratch&) const override {
    std::vector<std::string_view> caps;
    size_t n = pattern_.Match(line, caps);
    std::string tmp;
    for (size_t i = 0; i < n && i < names_.size(); ++i) SetParsed(lbs, names_[i], caps[i], tmp);
    return true;
  }

 private:
  Pattern pattern_ = *Pattern::Parse("<x>", true, false);
  std::vector<std::string> names_;
};

class UnpackStage final : public Stage {
 public:
  bool Process(int64_t, std::string_view& line, LabelsBuilder& lbs, LineScratch& scratch) const override {
    size_t p = json::SkipWs(line, 0);
    auto fail = [&](const char* e) {
      if (!lbs.HasError()) {
        lbs.SetError("JSONParserErr");
        lbs.SetErrorDetails(e);
      }
      return true;
    };
    if (p >= line.size() || line[p] != '{') return fail(json::kMalformedObject.data());
    ++p;
    std::string value, key, tmp;
    std::string entry;
    bool has_entry = false;
    struct KV {
      std::string k, v;
    };
    std::vector<KV> kvs;
    while (true) {
      p = json::SkipWs(line, p);
      if (p < line.size() && line[p] == '}') break;
      if (p >= line.size() || line[p] != '"') return fail(json::kMalformedJson.data());
      size_t kend = 0;
      bool kesc = false;
      if (!json::ScanString(line, p, kend, kesc)) return fail(json::kMalformedString.data());
      std::string_view k = line.substr(p + 1, kend - p - 2);
      p = json::SkipWs(line, kend);
      if (p >= line.size() || line[p] != ':') return fail(json::kMalformedJson.data());
      p = json::SkipWs(line, p + 1);
      size_t vend = 0;
      json::Type type;
      const char* err = nullptr;
      if (!json::ScanValue(line, p, vend, type, err)) return fail(err);
      if (type == json::Type::kString) {
        value.clear();
        json::Unescape(line.substr(p + 1, vend - p - 2), value);
        if (k == "_entry") {
          entry = value;
          has_entry = true;
        } else {
          key.clear();
          AppendSanitizedKey(key, k, true);
          kvs.push_back(KV{key, value});
        }
      }
      p = json::SkipWs(line, vend);
      if (p < line.size() && line[p] == ',') {
        ++p;
        continue;
      }
      if (p < line.size() && line[p] == '}') break;
      return fail(json::kMalformedObject.data());
    }
    for (const KV& kv : kvs) SetParsed(lbs, kv.k, kv.v, tmp);
    if (has_entry) {
      std::string& buf = scratch.Take();
      buf = entry;
      line = buf;
    }
    return true;
  }
};

// ---------------------------------------------------------------- label filters

class MatcherFilter final : public Stage {
 public:
  explicit MatcherFilter(LabelMatcher m) : m_(std::move(m)) {}
  bool Process(int64_t, std::string_view&, LabelsBuilder& lbs, LineScratch&) const override {
    std::string_view v;
    if (m_.name() == kErrorLabel) {
      v = lbs.error();
    } else if (m_.name() == kErrorDetailsLabel) {
      v = lbs.error_details();
    } else if (!lbs.Get(m_.name(), v)) {
      v = {};
    }
    return m_.Matches(v);
  }

 private:
  LabelMatcher m_;
};

void SetFilterError(LabelsBuilder& lbs, const Status& st) {
  if (lbs.HasError()) return;
  lbs.SetError("LabelFilterErr");
  lbs.SetErrorDetails(st.message());
}

class NumberFilter final : public Stage {
 public:
  explicit NumberFilter(syntax::NumberLabelFilter f) : f_(std::move(f)) {}
  bool Process(int64_t, std::string_view&, LabelsBuilder& lbs, LineScratch&) const override {
    std::string_view v;
    if (!lbs.Get(f_.name, v)) return false;
    double d = 0;
    if (!ParseGoFloatFast(v, d)) {
      SetFilterError(lbs, ParseGoFloat(v).status());
      return true;
    }
    return Compare(f_.op, d, f_.value);
  }

 private:
  syntax::NumberLabelFilter f_;
};

class DurationFilter final : public Stage {
 public:
  explicit DurationFilter(syntax::DurationLabelFilter f) : f_(std::move(f)) {}
  bool Process(int64_t, std::string_view&, LabelsBuilder& lbs, LineScratch&) const override {
    std::string_view v;
    if (!lbs.Get(f_.name, v)) return false;
    auto d = ParseGoDuration(v);
    if (!d.ok()) {
      SetFilterError(lbs, d.status());
      return true;
    }
    return Compare(f_.op, static_cast<double>(*d), static_cast<double>(f_.value_ns));
  }

 private:
  syntax::DurationLabelFilter f_;
};

class BytesFilter final : public Stage {
 public:
  explicit BytesFilter(syntax::BytesLabelFilter f) : f_(std::move(f)) {}
  bool Process(int64_t, std::string_view&, LabelsBuilder& lbs, LineScratch&) const override {
    std::string_view v;
    if (!lbs.Get(f_.name, v)) return false;
    auto d = ParseHumanBytes(v);
    if (!d.ok()) {
      SetFilterError(lbs, d.status());
      return true;
    }
    return Compare(f_.op, static_cast<double>(*d), static_cast<double>(f_.value_bytes));
  }

 private:
  syntax::BytesLabelFilter f_;
};

class IpFilter final : public Stage {
 public:
  IpFilter(std::string name, bool negated, IpMatcher m) : name_(std::move(name)), negated_(negated), m_(std::move(m)) {}
  bool Process(int64_t, std::string_view&, LabelsBuilder& lbs, LineScratch&) const override {
    if (lbs.HasError()) return true;
    std::string_view v;
    if (!lbs.Get(name_, v)) return false;
    bool hit = m_.MatchesAnyIn(v);
    return negated_ ? !hit : hit;
  }

 private:
  std::string name_;
  bool negated_;
  IpMatcher m_;
};

class BinaryFilter final : public Stage {
 public:
  BinaryFilter(bool is_and, std::unique_ptr<Stage> l, std::unique_ptr<Stage> r)
      : and_(is_and), l_(std::move(l)), r_(std::move(r)) {}
  bool Process(int64_t ts, std::string_view& line, LabelsBuilder& lbs, LineScratch& s) const override {
    bool lok = l_->Process(ts, line, lbs, s);
    if (!and_ && lok) return true;
    bool rok = r_->Process(ts, line, lbs, s);
    return and_ ? (lok && rok) : (lok || rok);
  }

 private:
  bool and_;
  std::unique_ptr<Stage> l_, r_;
};

// ---------------------------------------------------------------- formatters

// Template data over a LabelsBuilder.
class BuilderData final : public tmpl::TemplateData {
 public:
  BuilderData(const LabelsBuilder& lbs, std::string_view line, int64_t ts) : lbs_(lbs), line_(line), ts_(ts) {}
  bool Lookup(std::span<const std::string> path, tmpl::Value& out) const override {
    if (path.size() != 1) return false;
    std::string_view v;
    if (path[0] == kErrorLabel) {
      if (!lbs_.HasError()) return false;
      out = tmpl::Value::View(lbs_.error());
      return true;
    }
    if (!lbs_.Get(path[0], v)) return false;
    out = tmpl::Value::View(v);
    return true;
  }
  std::string_view Line() const override { return line_; }
  int64_t TimestampNs() const override { return ts_; }

 private:
  const LabelsBuilder& lbs_;
  std::string_view line_;
  int64_t ts_;
};

class LineFormatStage final : public Stage {
 public:
  explicit LineFormatStage(tmpl::Template t) : t_(std::move(t)) {}
  bool Process(int64_t ts, std::string_view& line, LabelsBuilder& lbs, LineScratch& scratch) const override {
    std::string& buf = scratch.Take();
    if (const std::string* f = t_.SingleField()) {
      std::string_view v;
      if (lbs.Get(*f, v)) buf.assign(v);
      line = buf;
      return true;
    }
    BuilderData data(lbs, line, ts);
    Status st = t_.Execute(data, buf);
    if (!st.ok()) {
      if (!lbs.HasError()) {
        lbs.SetError("TemplateFormatErr");
        lbs.SetErrorDetails(st.message());
      }
      return true;
    }
    line = buf;
    return true;
  }

 private:
  tmpl::Template t_;
};

class LabelFormatStage final : public Stage {
 public:
  struct Item {
    std::string name;
    std::string source;  // rename
    std::optional<tmpl::Template> tmpl;
  };
  explicit LabelFormatStage(std::vector<Item> items) : items_(std::move(items)) {}
  bool Process(int64_t ts, std::string_view& line, LabelsBuilder& lbs, LineScratch&) const override {
    // Templates see the labels as they were before this stage.
    LabelsBuilder snapshot = lbs;
    BuilderData data(snapshot, line, ts);
    std::string out, value;
    for (const Item& it : items_) {
      if (!it.tmpl) {
        std::string_view v;
        if (lbs.Get(it.source, v)) {
          value.assign(v);
          lbs.Delete(it.source);
          lbs.Set(it.name, value);
        }
        continue;
      }
      out.clear();
      Status st = it.tmpl->Execute(data, out);
      if (!st.ok()) {
        if (!lbs.HasError()) {
          lbs.SetError("TemplateFormatErr");
          lbs.SetErrorDetails(st.message());
        }
        continue;
      }
      lbs.Set(it.name, out);
    }
    return true;
  }

 private:
  std::vector<Item> items_;
};

class DropStage final : public Stage {
 public:
  explicit DropStage(std::vector<syntax::NamedMatcher> m) : m_(std::move(m)) {}
  bool Process(int64_t, std::string_view&, LabelsBuilder& lbs, LineScratch&) const override {
    for (const auto& nm : m_) {
      if (nm.name == kErrorLabel || nm.name == kErrorDetailsLabel) {
        bool is_err = nm.name == kErrorLabel;
        std::string_view v = is_err ? std::string_view(lbs.error()) : std::string_view(lbs.error_details());
        if (nm.matcher && !nm.matcher->Matches(v)) continue;
        if (is_err) lbs.ResetError(); else lbs.ResetErrorDetails();
        continue;
      }
      std::string_view v;
      if (!lbs.Get(nm.name, v)) continue;
      if (nm.matcher && !nm.matcher->Matches(v)) continue;
      lbs.Delete(nm.name);
    }
    return true;
  }

 private:
  std::vector<syntax::NamedMatcher> m_;
};

class KeepStage final : public Stage {
 public:
  explicit KeepStage(std::vector<syntax::NamedMatcher> m) : m_(std::move(m)) {}
  bool Process(int64_t, std::string_view&, LabelsBuilder& lbs, LineScratch&) const override {
    std::vector<std::string> drop;
    lbs.ForEach([&](std::string_view n, std::string_view v) {
      if (n == kErrorLabel || n == kErrorDetailsLabel) return;
      bool keep = false;
      for (const auto& nm : m_) {
        if (nm.name != n) continue;
        if (!nm.matcher || nm.matcher->Matches(v)) keep = true;
      }
      if (!keep) drop.emplace_back(n);
    });
    for (const auto& d : drop) lbs.Delete(d);
    return true;
  }

 private:
  std::vector<syntax::NamedMatcher> m_;
};

class DecolorizeStage final : public Stage {
 public:
  bool Process(int64_t, std::string_view& line, LabelsBuilder&, LineScratch& scratch) const override {
    if (line.find('\x1b') == std::string_view::npos) return true;
    std::string& buf = scratch.Take();
    size_t i = 0;
    while (i < line.size()) {
      if (line[i] == '\x1b' && i + 1 < line.size() && line[i + 1] == '[') {
        size_t j = i + 2;
        while (j < line.size() && ((line[j] >= '0' && line[j] <= '9') || line[j] == ';' || line[j] == '?')) ++j;
        if (j < line.size() && line[j] >= 0x40 && line[j] <= 0x7E) {
          i = j + 1;
          continue;
        }
      }
      buf += line[i++];
    }
    line = buf;
    return true;
  }
};

}  // namespace

Result<std::unique_ptr<Stage>> CompileLabelFilter(const syntax::LabelFilter& f) {
  if (auto* m = std::get_if<syntax::MatcherLabelFilter>(&f.node)) {
    return std::unique_ptr<Stage>(std::make_unique<MatcherFilter>(m->matcher));
  }
  if (auto* n = std::get_if<syntax::NumberLabelFilter>(&f.node)) {
    return std::unique_ptr<Stage>(std::make_unique<NumberFilter>(*n));
  }
  if (auto* d = std::get_if<syntax::DurationLabelFilter>(&f.node)) {
    return std::unique_ptr<Stage>(std::make_unique<DurationFilter>(*d));
  }
  if (auto* b = std::get_if<syntax::BytesLabelFilter>(&f.node)) {
    return std::unique_ptr<Stage>(std::make_unique<BytesFilter>(*b));
  }
  if (auto* ip = std::get_if<syntax::IpLabelFilter>(&f.node)) {
    auto m = IpMatcher::Parse(ip->pattern);
    if (!m.ok()) return m.status();
    return std::unique_ptr<Stage>(std::make_unique<IpFilter>(ip->name, ip->negated, std::move(*m)));
  }
  const auto& bin = std::get<syntax::BinaryLabelFilter>(f.node);
  auto l = CompileLabelFilter(*bin.left);
  if (!l.ok()) return l.status();
  auto r = CompileLabelFilter(*bin.right);
  if (!r.ok()) return r.status();
  return std::unique_ptr<Stage>(std::make_unique<BinaryFilter>(bin.is_and, std::move(*l), std::move(*r)));
}

Result<std::shared_ptr<const Pipeline>> Pipeline::Compile(const std::vector<syntax::Stage>& stages,
                                                          const LabelHints& hints) {
  auto p = std::make_shared<Pipeline>();
  for (const syntax::Stage& st : stages) {
    std::unique_ptr<Stage> s;
    if (auto* lf = std::get_if<syntax::LineFilter>(&st.node)) {
      // `|= ""` and `|~ ""` / `|~ ".*"` keep every line: drop the stage.
      bool noop = lf->operands.size() == 1 && !lf->operands[0].is_ip &&
                  ((lf->op == syntax::LineFilterOp::kContains && lf->operands[0].value.empty()) ||
                   (lf->op == syntax::LineFilterOp::kRegex &&
                    (lf->operands[0].value.empty() || lf->operands[0].value == ".*")));
      auto r = LineFilterStage::Make(*lf);
      if (!r.ok()) return r.status();
      if (noop) continue;
      s = std::move(*r);
    } else if (auto* j = std::get_if<syntax::JsonParser>(&st.node)) {
      p->changes_labels_ = true;
      if (j->params.empty()) {
        s = std::make_unique<JsonParserStage>(hints);
      } else {
        auto r = JsonExprStage::Make(j->params);
        if (!r.ok()) return r.status();
        s = std::move(*r);
      }
    } else if (auto* l = std::get_if<syntax::LogfmtParser>(&st.node)) {
      p->changes_labels_ = true;
      s = std::make_unique<LogfmtStage>(*l, hints);
    } else if (auto* re = std::get_if<syntax::RegexpParser>(&st.node)) {
      p->changes_labels_ = true;
      auto r = RegexpStage::Make(re->regex);
      if (!r.ok()) return r.status();
      s = std::move(*r);
    } else if (auto* pat = std::get_if<syntax::PatternParser>(&st.node)) {
      p->changes_labels_ = true;
      auto r = PatternStage::Make(pat->pattern);
      if (!r.ok()) return r.status();
      s = std::move(*r);
    } else if (std::get_if<syntax::UnpackParser>(&st.node)) {
      p->changes_labels_ = true;
      s = std::make_unique<UnpackStage>();
    } else if (auto* f = std::get_if<syntax::LabelFilter>(&st.node)) {
      p->changes_labels_ = true;  // a failed conversion sets __error__
      auto r = CompileLabelFilter(*f);
      if (!r.ok()) return r.status();
      s = std::move(*r);
    } else if (auto* lfmt = std::get_if<syntax::LineFormat>(&st.node)) {
      auto t = tmpl::Template::Parse(lfmt->tmpl);
      if (!t.ok()) return t.status();
      s = std::make_unique<LineFormatStage>(std::move(*t));
    } else if (auto* lbf = std::get_if<syntax::LabelFormat>(&st.node)) {
      p->changes_labels_ = true;
      std::vector<LabelFormatStage::Item> items;
      for (const auto& it : lbf->items) {
        if (it.name == kErrorLabel) return InvalidArgument("__error__ cannot be formatted");
        for (const auto& prev : items) {
          if (prev.name == it.name) {
            return InvalidArgument("multiple label name '" + it.name + "' not allowed in a single format operation");
          }
        }
        LabelFormatStage::Item item;
        item.name = it.name;
        if (it.is_template) {
          auto t = tmpl::Template::Parse(it.value);
          if (!t.ok()) return t.status();
          item.tmpl = std::move(*t);
        } else {
          item.source = it.value;
        }
        items.push_back(std::move(item));
      }
      s = std::make_unique<LabelFormatStage>(std::move(items));
    } else if (auto* d = std::get_if<syntax::DropLabels>(&st.node)) {
      p->changes_labels_ = true;
      s = std::make_unique<DropStage>(d->labels);
    } else if (auto* k = std::get_if<syntax::KeepLabels>(&st.node)) {
      p->changes_labels_ = true;
      s = std::make_unique<KeepStage>(k->labels);
    } else {
      s = std::make_unique<DecolorizeStage>();
    }
    p->stages_.push_back(std::move(s));
  }
  return std::shared_ptr<const Pipeline>(std::move(p));
}

}  // namespace remediator::logql::log

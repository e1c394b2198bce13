// json: parses the line (or an extracted value) as a JSON object and extracts values by
// JMESPath expressions (the subset Promtail configs use: fields, dotted paths, quoted keys,
// array indexes). Numbers become Go float64 text; objects and arrays are re-encoded as JSON
// the way Go's json.Marshal does (sorted keys, HTML-safe escapes).
#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <limits>
#include <span>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <simdjson.h>

#include "core/json_writer.h"
#include "pipeline/config_read.h"
#include "pipeline/stages/stages.h"

namespace remediator::pipeline::stages {

namespace {

struct PathStep {
  bool is_index = false;
  std::string key;
  int64_t index = 0;
};

bool IsIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Parses a JMESPath subexpression chain: ident|"quoted" ( .ident | ."quoted" | [N] )*.
Result<std::vector<PathStep>> ParsePath(std::string_view e) {
  std::vector<PathStep> steps;
  size_t i = 0;
  auto bad = [&](std::string_view why) {
    return InvalidArgument(fmt::format("unsupported JMESPath expression \"{}\": {} at offset {}", e, why, i));
  };
  auto read_key = [&](PathStep& s) -> Status {
    if (i < e.size() && e[i] == '"') {
      ++i;
      while (i < e.size() && e[i] != '"') {
        if (e[i] == '\\' && i + 1 < e.size()) {
          ++i;
          switch (e[i]) {
            case 'n': s.key.push_back('\n'); break;
            case 't': s.key.push_back('\t'); break;
            default: s.key.push_back(e[i]); break;
          }
        } else {
          s.key.push_back(e[i]);
        }
        ++i;
      }
      if (i >= e.size()) return bad("unterminated quoted key");
      ++i;
      return Status::Ok();
    }
    if (i >= e.size() || !IsIdentStart(e[i])) return bad("expected a field name");
    while (i < e.size() && IsIdentChar(e[i])) s.key.push_back(e[i++]);
    return Status::Ok();
  };
  auto read_index = [&]() -> Status {
    ++i;  // '['
    PathStep s;
    s.is_index = true;
    bool neg = false;
    if (i < e.size() && e[i] == '-') {
      neg = true;
      ++i;
    }
    if (i >= e.size() || !std::isdigit(static_cast<unsigned char>(e[i]))) return bad("expected an index");
    while (i < e.size() && std::isdigit(static_cast<unsigned char>(e[i]))) {
      int digit = e[i] - '0';
      if (s.index > (std::numeric_limits<int64_t>::max() - digit) / 10) return bad("index too large");
      s.index = s.index * 10 + digit;
      ++i;
    }
    if (neg) s.index = -s.index;
    if (i >= e.size() || e[i] != ']') return bad("expected ]");
    ++i;
    steps.push_back(std::move(s));
    return Status::Ok();
  };
  if (e.empty()) return bad("empty");
  if (e[0] == '[') {
    REMEDIATOR_RETURN_IF_ERROR(read_index());
  } else {
    PathStep s;
    REMEDIATOR_RETURN_IF_ERROR(read_key(s));
    steps.push_back(std::move(s));
  }
  while (i < e.size()) {
    if (e[i] == '.') {
      ++i;
      PathStep s;
      REMEDIATOR_RETURN_IF_ERROR(read_key(s));
      steps.push_back(std::move(s));
    } else if (e[i] == '[') {
      REMEDIATOR_RETURN_IF_ERROR(read_index());
    } else {
      return bad("unexpected character");
    }
  }
  return steps;
}

// Go's json.Marshal string escaping (HTML-safe).
void AppendGoJsonString(std::string& out, std::string_view s) {
  // Reuse the shared escaper for validity, then add Go's HTML escapes.
  std::string tmp;
  AppendJsonString(tmp, s);
  for (char c : tmp) {
    switch (c) {
      case '<': out += "\\u003c"; break;
      case '>': out += "\\u003e"; break;
      case '&': out += "\\u0026"; break;
      default: out.push_back(c);
    }
  }
}

void AppendGoJson(std::string& out, simdjson::dom::element el) {
  switch (el.type()) {
    case simdjson::dom::element_type::ARRAY: {
      out.push_back('[');
      bool first = true;
      simdjson::dom::array arr;
      if (el.get_array().get(arr) != simdjson::SUCCESS) break;
      for (simdjson::dom::element child : arr) {
        if (!first) out.push_back(',');
        first = false;
        AppendGoJson(out, child);
      }
      out.push_back(']');
      break;
    }
    case simdjson::dom::element_type::OBJECT: {
      std::vector<std::pair<std::string_view, simdjson::dom::element>> fields;
      simdjson::dom::object obj;
      if (el.get_object().get(obj) != simdjson::SUCCESS) break;
      for (auto field : obj) fields.emplace_back(field.key, field.value);
      std::stable_sort(fields.begin(), fields.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
      out.push_back('{');
      bool first = true;
      for (auto& [k, v] : fields) {
        if (!first) out.push_back(',');
        first = false;
        AppendGoJsonString(out, k);
        out.push_back(':');
        AppendGoJson(out, v);
      }
      out.push_back('}');
      break;
    }
    case simdjson::dom::element_type::INT64:
      AppendJsonNumber(out, static_cast<double>(el.get_int64().value_unsafe()));
      break;
    case simdjson::dom::element_type::UINT64:
      AppendJsonNumber(out, static_cast<double>(el.get_uint64().value_unsafe()));
      break;
    case simdjson::dom::element_type::DOUBLE:
      AppendJsonNumber(out, el.get_double().value_unsafe());
      break;
    case simdjson::dom::element_type::STRING:
      AppendGoJsonString(out, el.get_string().value_unsafe());
      break;
    case simdjson::dom::element_type::BOOL:
      out += el.get_bool().value_unsafe() ? "true" : "false";
      break;
    case simdjson::dom::element_type::NULL_VALUE:
      out += "null";
      break;
  }
}


// The fast path for the common case: every expression is one top-level key and the input is
// a flat JSON object (no nested objects or arrays) of ASCII text without escapes. It walks
// the object once, checking the JSON grammar on the way, and records where the wanted values
// are; anything outside that case (including malformed input) returns false and the full
// simdjson path decides, so both paths accept and extract exactly the same.
struct FlatHit {
  bool found = false;
  ValueKind kind = ValueKind::kNull;
  std::string_view text;  // string body, number text, "true"/"false"
};

// Marks the quotes of `s`: bit i of bits[i / 64] is set when s[i] == '"'. False when `s`
// holds a control character, a byte >= 0x80 or a backslash (then only the full parser
// decides). One pass of 16-byte compares; the walk below then finds each string's end with
// a bit scan instead of a search per string.
bool QuoteBits(std::string_view s, std::vector<uint64_t>& bits) {
  const size_t n = s.size();
  bits.assign((n + 63) / 64, 0);
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i space = _mm_set1_epi8(0x20), backslash = _mm_set1_epi8('\\'), quote = _mm_set1_epi8('"');
  // Signed bytes: < 0x20 catches the control characters and every byte >= 0x80 at once.
  auto block = [&](const char* p, uint64_t& q) {
    __m128i bad = _mm_setzero_si128();
    q = 0;
    for (int k = 0; k < 4; ++k) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
      bad = _mm_or_si128(bad, _mm_or_si128(_mm_cmplt_epi8(v, space), _mm_cmpeq_epi8(v, backslash)));
      q |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, quote)))) << (16 * k);
    }
    return _mm_movemask_epi8(bad) == 0;
  };
  for (; i + 64 <= n; i += 64) {
    if (!block(s.data() + i, bits[i / 64])) return false;
  }
  if (i < n) {
    char tail[64];
    std::memset(tail, ' ', sizeof(tail));  // spaces: plain, and no quotes
    std::memcpy(tail, s.data() + i, n - i);
    if (!block(tail, bits[i / 64])) return false;
  }
#else
  for (; i < n; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c >= 0x80 || c == '\\') return false;
    if (c == '"') bits[i / 64] |= uint64_t{1} << (i % 64);
  }
#endif
  return true;
}

// The first quote at or after `from` (n when none).
size_t NextQuote(const std::vector<uint64_t>& bits, size_t from, size_t n) {
  size_t w = from / 64;
  if (w >= bits.size()) return n;
  uint64_t b = bits[w] & (~uint64_t{0} << (from % 64));
  while (b == 0) {
    if (++w == bits.size()) return n;
    b = bits[w];
  }
  return w * 64 + static_cast<size_t>(__builtin_ctzll(b));
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// JSON number grammar at s[i]; `i` ends one past it.
bool ScanNumber(std::string_view s, size_t& i) {
  const size_t n = s.size();
  if (i < n && s[i] == '-') ++i;
  if (i >= n || !IsDigit(s[i])) return false;
  if (s[i] == '0') {
    ++i;
  } else {
    while (i < n && IsDigit(s[i])) ++i;
  }
  if (i < n && s[i] == '.') {
    ++i;
    if (i >= n || !IsDigit(s[i])) return false;
    while (i < n && IsDigit(s[i])) ++i;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    if (i >= n || !IsDigit(s[i])) return false;
    while (i < n && IsDigit(s[i])) ++i;
  }
  return true;
}

// The first 8 bytes of `key` as a word, zero-padded when shorter.
uint64_t KeyHead(std::string_view key) {
  uint64_t w = 0;
  if (key.size() >= 8) {
    std::memcpy(&w, key.data(), 8);
  } else {
    for (size_t i = 0; i < key.size(); ++i) w |= uint64_t{static_cast<uint8_t>(key[i])} << (8 * i);
  }
  return w;
}

// The wanted top-level keys. `lengths` has bit L set when a wanted key is L bytes long (L <
// 64; bit 63 stands for every longer key), a cheap test that skips most keys of a line;
// `heads` are their KeyHead words, compared before the rest of the bytes, so a key of a
// wanted length (Traefik has nine 10- and 11-byte keys) costs a word compare, not a memcmp.
// `by_length` lists the wanted keys by length (bucket min(L, 63) is
// by_length[starts[L], starts[L + 1])), so a key of a line is compared only with the wanted
// keys of its length (with seven wanted keys the loop over all of them was 7% of the stage).
struct FlatKeys {
  std::vector<std::string> keys;
  std::vector<uint64_t> heads;
  uint64_t lengths = 0;
  std::vector<uint32_t> by_length;
  std::array<uint32_t, 65> starts{};

  void Add(std::string key) {
    lengths |= uint64_t{1} << Bucket(key.size());
    heads.push_back(KeyHead(key));
    keys.push_back(std::move(key));
    by_length.resize(keys.size());
    starts.fill(0);
    for (const std::string& k : keys) ++starts[Bucket(k.size()) + 1];
    for (size_t b = 1; b < starts.size(); ++b) starts[b] += starts[b - 1];
    std::array<uint32_t, 65> fill = starts;
    for (uint32_t k = 0; k < keys.size(); ++k) by_length[fill[Bucket(keys[k].size())]++] = k;
  }
  static size_t Bucket(size_t length) { return std::min<size_t>(length, 63); }
  bool Matches(size_t k, std::string_view key, uint64_t head) const {
    return keys[k].size() == key.size() && heads[k] == head &&
           (key.size() <= 8 || std::memcmp(keys[k].data() + 8, key.data() + 8, key.size() - 8) == 0);
  }
};

bool ScanFlatObject(std::string_view s, const FlatKeys& wanted, std::span<FlatHit> hits,
                    std::vector<uint64_t>& quotes) {
  if (!QuoteBits(s, quotes)) return false;  // also rules out \t \n \r: a space is the only blank
  const size_t n = s.size();
  const char* p = s.data();
  size_t i = 0;
  auto ws = [&] {
    while (i < n && p[i] == ' ') ++i;
  };
  ws();
  if (i >= n || p[i] != '{') return false;
  ++i;
  ws();
  if (i < n && p[i] == '}') {
    ++i;
    ws();
    return i == n;
  }
  size_t missing = hits.size();
  for (;;) {
    if (i >= n || p[i] != '"') return false;
    size_t end = NextQuote(quotes, i + 1, n);
    if (end >= n) return false;
    const std::string_view key(p + i + 1, end - i - 1);
    i = end + 1;
    ws();
    if (i >= n || p[i] != ':') return false;
    ++i;
    ws();
    if (i >= n) return false;
    FlatHit v;
    v.found = true;
    const char c = p[i];
    if (c == '"') {
      end = NextQuote(quotes, i + 1, n);
      if (end >= n) return false;
      v.kind = ValueKind::kString;
      v.text = std::string_view(p + i + 1, end - i - 1);
      i = end + 1;
    } else if (c == 't' || c == 'f' || c == 'n') {
      const std::string_view lit = c == 't' ? "true" : c == 'f' ? "false" : "null";
      if (s.substr(i, lit.size()) != lit) return false;
      v.kind = c == 'n' ? ValueKind::kNull : ValueKind::kBool;
      v.text = lit;
      i += lit.size();
    } else if (c == '-' || IsDigit(c)) {
      const size_t b = i;
      if (!ScanNumber(s, i)) return false;
      v.kind = ValueKind::kNumber;
      v.text = s.substr(b, i - b);
      // Leave -0 and integers beyond 18 digits (simdjson's uint64 / big-integer cases) to it.
      const size_t digits = v.text.size() - (c == '-' ? 1 : 0);
      if ((digits > 18 || v.text == "-0") && v.text.find_first_of(".eE") == std::string_view::npos) {
        return false;
      }
    } else {
      return false;  // an object or array: the full parser handles those
    }
    const size_t bucket = FlatKeys::Bucket(key.size());
    if (missing > 0 && ((wanted.lengths >> bucket) & 1) != 0) {
      const uint64_t head = KeyHead(key);
      for (uint32_t j = wanted.starts[bucket]; j < wanted.starts[bucket + 1]; ++j) {
        const uint32_t k = wanted.by_length[j];
        if (!hits[k].found && wanted.Matches(k, key, head)) {  // the first occurrence, as simdjson's at_key
          hits[k] = v;
          --missing;
        }
      }
    }
    ws();
    if (i >= n) return false;
    if (p[i] == ',') {
      ++i;
      ws();
      continue;
    }
    if (p[i] != '}') return false;
    ++i;
    ws();
    return i == n;
  }
}

// A JSON number's text as Promtail prints it (Go float64, FormatFloat 'f' -1).
void AppendNumberText(std::string& out, std::string_view num) {
  const bool neg = num[0] == '-';
  const std::string_view digits = num.substr(neg ? 1 : 0);
  const bool plain_int = digits.size() <= 15 && digits.find_first_of(".eE") == std::string_view::npos;
  if (plain_int && !(neg && digits == "0")) {
    out.append(num);  // exact in a float64 and printed the same
    return;
  }
  double d = 0;
  std::from_chars(num.data(), num.data() + num.size(), d);
  AppendJsonNumber(out, d);
}

class JsonStage final : public Stage {
 public:
  struct Expr {
    std::string name;
    std::vector<PathStep> steps;
  };

  JsonStage(StageContext ctx, std::vector<Expr> exprs, std::string source, bool drop_malformed)
      : ctx_(std::move(ctx)),
        exprs_(std::move(exprs)),
        source_(std::move(source)),
        drop_malformed_(drop_malformed) {
    for (const Expr& x : exprs_) {
      if (x.steps.size() != 1 || x.steps[0].is_index) {
        flat_ = FlatKeys{};
        break;
      }
      flat_.Add(x.steps[0].key);
    }
  }

  std::string_view name() const override { return "json"; }

  StageResult Process(PipelineEntry& e, EntryConsumer&) override {
    std::string_view input = e.entry.line;
    if (!source_.empty()) {
      const ExtractedValue* v = e.extracted.Find(source_);
      if (v == nullptr) return StageResult::kContinue;  // Promtail: missing source, no-op
      if (v->kind == ValueKind::kNull) {
        CountStageError(ctx_);
        return Malformed();
      }
      input = v->text;
    }
    if (!flat_.keys.empty()) {
      if (!source_.empty()) {  // the input aliases the extracted map, which Set may move
        buf_.assign(input);
        input = buf_;
      }
      hits_.assign(flat_.keys.size(), FlatHit{});
      if (ScanFlatObject(input, flat_, hits_, quotes_)) {
        for (size_t k = 0; k < exprs_.size(); ++k) {
          const FlatHit& h = hits_[k];
          if (!h.found) {
            e.extracted.Set(exprs_[k].name, ValueKind::kNull);
            continue;
          }
          ExtractedValue& v = e.extracted.Set(exprs_[k].name, h.kind);
          if (h.kind == ValueKind::kNumber) {
            AppendNumberText(v.text, h.text);
          } else if (h.kind != ValueKind::kNull) {
            v.text.assign(h.text);
          }
        }
        return StageResult::kContinue;
      }
    }
    buf_.assign(input);
    buf_.resize(input.size() + simdjson::SIMDJSON_PADDING);
    simdjson::dom::element root;
    if (parser_.parse(buf_.data(), input.size(), false).get(root) != simdjson::SUCCESS ||
        root.type() != simdjson::dom::element_type::OBJECT) {
      CountStageError(ctx_);
      return Malformed();
    }
    // Results may alias `e.extracted` (the source); gather into a scratch buffer first so a
    // Set cannot invalidate the input.
    for (const Expr& x : exprs_) {
      simdjson::dom::element cur = root;
      bool found = true;
      for (const PathStep& s : x.steps) {
        if (s.is_index) {
          simdjson::dom::array arr;
          if (cur.get_array().get(arr) != simdjson::SUCCESS) {
            found = false;
            break;
          }
          int64_t n = static_cast<int64_t>(arr.size());
          int64_t idx = s.index < 0 ? n + s.index : s.index;
          if (idx < 0 || idx >= n || arr.at(static_cast<size_t>(idx)).get(cur) != simdjson::SUCCESS) {
            found = false;
            break;
          }
        } else {
          simdjson::dom::object obj;
          if (cur.get_object().get(obj) != simdjson::SUCCESS ||
              obj.at_key(s.key).get(cur) != simdjson::SUCCESS) {
            found = false;
            break;
          }
        }
      }
      if (!found) {
        e.extracted.Set(x.name, ValueKind::kNull);
        continue;
      }
      switch (cur.type()) {
        case simdjson::dom::element_type::STRING:
          e.extracted.Set(x.name, ValueKind::kString).text.assign(cur.get_string().value_unsafe());
          break;
        case simdjson::dom::element_type::INT64:
        case simdjson::dom::element_type::UINT64:
        case simdjson::dom::element_type::DOUBLE:
          AppendGoJson(e.extracted.Set(x.name, ValueKind::kNumber).text, cur);
          break;
        case simdjson::dom::element_type::BOOL:
          e.extracted.Set(x.name, ValueKind::kBool).text.assign(cur.get_bool().value_unsafe() ? "true" : "false");
          break;
        case simdjson::dom::element_type::NULL_VALUE:
          e.extracted.Set(x.name, ValueKind::kNull);
          break;
        case simdjson::dom::element_type::ARRAY:
        case simdjson::dom::element_type::OBJECT:
          AppendGoJson(e.extracted.Set(x.name, ValueKind::kString).text, cur);
          break;
      }
    }
    return StageResult::kContinue;
  }

 private:
  StageResult Malformed() {
    if (drop_malformed_) {
      CountStageDrop(ctx_, "json_malformed");
      return StageResult::kConsumed;
    }
    return StageResult::kContinue;
  }

  StageContext ctx_;
  std::vector<Expr> exprs_;
  std::string source_;
  bool drop_malformed_;
  simdjson::dom::parser parser_;
  std::string buf_;  // the input copied with simdjson's padding
  FlatKeys flat_;  // per expression, its top-level key; none: no fast path
  std::vector<FlatHit> hits_;
  std::vector<uint64_t> quotes_;  // ScanFlatObject's scratch
};

}  // namespace

Result<std::unique_ptr<Stage>> NewJsonStage(const StageContext& ctx, const YAML::Node& config,
                                            std::string_view path) {
  REMEDIATOR_RETURN_IF_ERROR(
      CheckKnownKeys(ctx.config, config, path, {"expressions", "source", "drop_malformed"}));
  if (!config.IsMap()) return ConfigError(ctx.config, config, path, "must be a map");
  StringPairs exprs;
  std::string epath = JoinKey(path, "expressions");
  REMEDIATOR_RETURN_IF_ERROR(ReadStringMap(ctx.config, config["expressions"], epath, exprs));
  if (exprs.empty()) return ConfigError(ctx.config, config, epath, "must not be empty");
  std::vector<JsonStage::Expr> compiled;
  for (auto& [name, expr] : exprs) {
    std::string text = expr.empty() ? name : expr;
    Result<std::vector<PathStep>> steps = ParsePath(text);
    if (!steps.ok()) {
      return ConfigError(ctx.config, config["expressions"][name], JoinKey(epath, name),
                         steps.status().message());
    }
    compiled.push_back({name, std::move(steps).value()});
  }
  std::string source;
  bool drop_malformed = false;
  if (config["source"].IsDefined()) {
    REMEDIATOR_RETURN_IF_ERROR(ReadString(ctx.config, config, "source", source));
    if (source.empty()) {
      return ConfigError(ctx.config, config["source"], JoinKey(path, "source"), "must not be empty");
    }
  }
  REMEDIATOR_RETURN_IF_ERROR(ReadBool(ctx.config, config, "drop_malformed", drop_malformed));
  return std::unique_ptr<Stage>(
      new JsonStage(ctx, std::move(compiled), std::move(source), drop_malformed));
}

}  // namespace remediator::pipeline::stages

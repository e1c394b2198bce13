// SplitCompactJsonObject: accepted lines split into the expected members (and rebuild to the
// line byte for byte), every strictness rule rejects its case, and simdjson agrees: whatever
// is accepted parses as an object there, and whitespace-free objects it parses are accepted
// (unless nested deeper than kMaxJsonSplitDepth), on the tables, on the conformance files'
// lines and on seeded mutations of valid lines.
#include "store/json_split.h"

#include <dirent.h>

#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "store/json_split_oracle.h"

namespace remediator::store {
namespace {

using Members = std::vector<std::pair<std::string, std::string>>;

using testing::CompactAndShallow;
using testing::SimdjsonObject;

std::string Rebuild(const std::vector<JsonMember>& members) { return testing::RebuildFromMembers(members); }

Members Copy(const std::vector<JsonMember>& members) {
  Members out;
  for (const JsonMember& m : members) out.emplace_back(m.key, m.value);
  return out;
}

// Checks the split of `line` against simdjson (and the rebuild when accepted), and the two
// walks against each other: the general one answers like SplitCompactJsonObject, and when the
// flat one accepts, with the same members. Returns whether the line is accepted.
bool CheckedSplit(std::string_view line, std::vector<JsonMember>& members) {
  const bool ok = SplitCompactJsonObject(line, members);
  const bool simdjson_ok = SimdjsonObject(line);
  if (ok) {
    EXPECT_TRUE(simdjson_ok) << "accepted, simdjson rejects: " << line;
    EXPECT_EQ(Rebuild(members), line);
  } else if (simdjson_ok && CompactAndShallow(line)) {
    ADD_FAILURE() << "rejected, simdjson accepts a compact object: " << line;
  }
  std::vector<JsonMember> general, flat;
  EXPECT_EQ(SplitCompactJsonObjectWith(line, general, JsonSplitPath::kGeneral), ok) << line;
  if (ok) {
    EXPECT_EQ(Copy(general), Copy(members)) << line;
  }
  if (SplitCompactJsonObjectWith(line, flat, JsonSplitPath::kFlat)) {
    EXPECT_TRUE(ok) << "the flat walk accepts: " << line;
    EXPECT_EQ(Copy(flat), Copy(members)) << line;
  }
  return ok;
}

struct Accepted {
  std::string line;
  Members members;
};

std::string Nested(int depth) {  // an object `depth` deep: {"a":[[...[]...]]}
  return "{\"a\":" + std::string(depth - 1, '[') + std::string(depth - 1, ']') + "}";
}

std::vector<Accepted> AcceptedCases() {
  return {
      {"{}", {}},
      {R"({"a":1})", {{"a", "1"}}},
      {R"({"":""})", {{"", R"("")"}}},
      {R"({"a":1,"a":2,"a":"x"})", {{"a", "1"}, {"a", "2"}, {"a", R"("x")"}}},
      {R"({"t":true,"f":false,"n":null})", {{"t", "true"}, {"f", "false"}, {"n", "null"}}},
      {R"({"o":{"x":[1,{"y":[]},{}],"z":"}"},"a":[],"b":[[["]"]]],"c":{}})",
       {{"o", R"({"x":[1,{"y":[]},{}],"z":"}"})"}, {"a", "[]"}, {"b", R"([[["]"]]])"}, {"c", "{}"}}},
      {R"({"e":"\"\\\/\b\f\n\r\t","u":"\u0041\u00e9\u00E9\uFFFF\u0000\ud83d\ude00\uDBFF\uDFFF"})",
       {{"e", R"("\"\\\/\b\f\n\r\t")"}, {"u", R"("\u0041\u00e9\u00E9\uFFFF\u0000\ud83d\ude00\uDBFF\uDFFF")"}}},
      {R"({"k\"\\ey":"v\"","\u00e9":1})", {{R"(k\"\\ey)", R"("v\"")"}, {R"(\u00e9)", "1"}}},
      {"{\"\xc3\xa9\xe2\x82\xac\":\"\xc3\xbc\xe2\x82\xac\xf0\x9d\x84\x9e\xf4\x8f\xbf\xbf\xef\xbf\xbf\x7f\"}",
       {{"\xc3\xa9\xe2\x82\xac", "\"\xc3\xbc\xe2\x82\xac\xf0\x9d\x84\x9e\xf4\x8f\xbf\xbf\xef\xbf\xbf\x7f\""}}},
      {R"({"s":" a b ","t":"{\"x\": 1}"})", {{"s", R"(" a b ")"}, {"t", R"("{\"x\": 1}")"}}},
      {R"({"a":[1,-1,0,-0,10,1.5,-1.5,0.5,1e5,1E5,1e+5,1e-5,1.5e10,0e0,-0.0e-0,123456789]})",
       {{"a", "[1,-1,0,-0,10,1.5,-1.5,0.5,1e5,1E5,1e+5,1e-5,1.5e10,0e0,-0.0e-0,123456789]"}}},
      {R"({"max":18446744073709551615,"min":-9223372036854775808,"i":9999999999999999999})",
       {{"max", "18446744073709551615"}, {"min", "-9223372036854775808"}, {"i", "9999999999999999999"}}},
      {R"({"f":1.7976931348623157e308,"g":1.7976931348623158e308,"t":1e-400,"z":0e99999999999999999999})",
       {{"f", "1.7976931348623157e308"}, {"g", "1.7976931348623158e308"}, {"t", "1e-400"}, {"z", "0e99999999999999999999"}}},
      {R"({"z":0.000e400,"w":12345678901234567890123.0,"v":0.00001e312,"u":1e-99999999999999999999})",
       {{"z", "0.000e400"}, {"w", "12345678901234567890123.0"}, {"v", "0.00001e312"}, {"u", "1e-99999999999999999999"}}},
      {"{\"big\":1" + std::string(300, '0') + ".5}", {{"big", "1" + std::string(300, '0') + ".5"}}},
      {Nested(kMaxJsonSplitDepth), {{"a", std::string(kMaxJsonSplitDepth - 1, '[') + std::string(kMaxJsonSplitDepth - 1, ']')}}},
      {R"({"ClientHost":"192.168.1.32","DownstreamStatus":200,"Duration":22959588,"msg":"","time":"2026-01-01T01:00:00+01:00"})",
       {{"ClientHost", R"("192.168.1.32")"}, {"DownstreamStatus", "200"}, {"Duration", "22959588"}, {"msg", R"("")"},
        {"time", R"("2026-01-01T01:00:00+01:00")"}}},
      // Long strings and numbers crossing 64-byte words of the bitmaps.
      {"{\"" + std::string(100, 'k') + "\":\"" + std::string(130, 'v') + "\\n" + std::string(70, 'w') + "\"}",
       {{std::string(100, 'k'), "\"" + std::string(130, 'v') + "\\n" + std::string(70, 'w') + "\""}}},
      {"{\"" + std::string(58, 'k') + "\":" + "1234567890123456789.1234567890123456789e-12345678901234567890" + "}",
       {{std::string(58, 'k'), "1234567890123456789.1234567890123456789e-12345678901234567890"}}},
  };
}

// Rejected lines, one per rule (whitespace, truncation and depth are generated below).
std::vector<std::pair<std::string, std::string>> RejectedCases() {
  return {
      {"empty line", ""},
      {"lone brace", "{"},
      {"close only", "}"},
      {"array", "[1,2]"},
      {"empty array", "[]"},
      {"string", R"("x")"},
      {"number", "1"},
      {"literal", "null"},
      {"extra close", "{}}"},
      {"two objects", "{}{}"},
      {"object as key", "{{}:1}"},
      {"trailing x", R"({"a":1}x)"},
      {"trailing newline", "{\"a\":1}\n"},
      {"trailing NUL", std::string("{\"a\":1}\0", 8)},
      {"missing colon", R"({"a"1})"},
      {"double colon", R"({"a"::1})"},
      {"missing value", R"({"a":})"},
      {"missing comma", R"({"a":1"b":2})"},
      {"trailing comma", R"({"a":1,})"},
      {"leading comma", R"({,"a":1})"},
      {"double comma", R"({"a":1,,"b":2})"},
      {"unquoted key", "{a:1}"},
      {"number key", "{1:1}"},
      {"single quotes", "{'a':1}"},
      {"unterminated key", R"({"a)"},
      {"unterminated value", R"({"a":"b})"},
      {"escaped closing quote", R"({"a":"b\"})"},
      {"nested trailing comma", R"({"a":[1,]})"},
      {"nested double comma", R"({"a":[1,,2]})"},
      {"nested missing value", R"({"a":[{"b":}]})"},
      {"nested missing colon", R"({"a":{"b"}})"},
      {"nested unclosed", R"({"a":[1})"},
      {"nested wrong close", R"({"a":[1}])"},
      {"nested object close", R"({"a":{"b":1]})"},
      {"array as member", R"({"a":1,[2]})"},
      {"leading zero", R"({"a":01})"},
      {"negative leading zero", R"({"a":-01})"},
      {"double zero", R"({"a":00})"},
      {"dot end", R"({"a":1.})"},
      {"dot start", R"({"a":.5})"},
      {"minus only", R"({"a":-})"},
      {"plus", R"({"a":+1})"},
      {"e end", R"({"a":1e})"},
      {"e sign end", R"({"a":1e+})"},
      {"E minus end", R"({"a":1E-})"},
      {"dot e", R"({"a":1.e5})"},
      {"minus letter", R"({"a":-a})"},
      {"hex", R"({"a":0x1F})"},
      {"double minus", R"({"a":--1})"},
      {"infinity", R"({"a":Infinity})"},
      {"nan", R"({"a":NaN})"},
      {"uint64 overflow", R"({"a":18446744073709551616})"},
      {"int64 underflow", R"({"a":-9223372036854775809})"},
      {"21 digits", R"({"a":100000000000000000000})"},
      {"float overflow", R"({"a":1e309})"},
      {"float overflow at the edge", R"({"a":1.7976931348623159e308})"},
      {"negative float overflow", R"({"a":-1e400})"},
      {"small mantissa overflow", R"({"a":0.0000000000000000000000000000001e400})"},
      {"long integer part overflow", "{\"a\":1" + std::string(400, '0') + ".0}"},
      {"literal short", R"({"a":tru})"},
      {"literal case", R"({"a":True})"},
      {"literal null short", R"({"a":nul})"},
      {"literal trailing", R"({"a":falsee})"},
      {"literal nulll", R"({"a":nulll})"},
      {"bad escape a", R"({"a":"\a"})"},
      {"bad escape x", R"({"a":"\x41"})"},
      {"bad escape quote", R"({"a":"\'"})"},
      {"bad escape U", R"({"a":"\U0041"})"},
      {"bad escape in key", R"({"\q":1})"},
      {"short \\u", R"({"a":"\u12"})"},
      {"bad \\u hex", R"({"a":"\u12G4"})"},
      {"\\u at end", R"({"a":"\u)"},
      {"lone high surrogate", R"({"a":"\uD800"})"},
      {"lone low surrogate", R"({"a":"\uDC00"})"},
      {"high surrogate then BMP", R"({"a":"\ud800\u0041"})"},
      {"high surrogate then escape", R"({"a":"\ud800\n"})"},
      {"two high surrogates", R"({"a":"\ud800\ud800"})"},
      {"overlong 2 bytes", "{\"a\":\"\xc0\xaf\"}"},
      {"overlong 2 bytes C1", "{\"a\":\"\xc1\xbf\"}"},
      {"overlong 3 bytes", "{\"a\":\"\xe0\x80\xaf\"}"},
      {"overlong 4 bytes", "{\"a\":\"\xf0\x80\x80\xaf\"}"},
      {"surrogate encoded", "{\"a\":\"\xed\xa0\x80\"}"},
      {"low surrogate encoded", "{\"a\":\"\xed\xbf\xbf\"}"},
      {"above U+10FFFF", "{\"a\":\"\xf4\x90\x80\x80\"}"},
      {"F5 lead", "{\"a\":\"\xf5\x80\x80\x80\"}"},
      {"FF byte", "{\"a\":\"\xff\"}"},
      {"stray continuation", "{\"a\":\"\x80\"}"},
      {"truncated sequence", "{\"a\":\"\xe2\x82\"}"},
      {"lead then ASCII", "{\"a\":\"\xc3\x41\"}"},
      {"bad UTF-8 in key", "{\"\xc3\":1}"},
      {"non-ASCII outside strings", "{\"a\":\xc3\xa9}"},
      {"DEL outside strings", "{\"a\":\x7f}"},
      {"too deep", Nested(kMaxJsonSplitDepth + 1)},
      {"too deep objects", "{\"a\":" + [] {
         std::string s;
         for (int i = 0; i < kMaxJsonSplitDepth; ++i) s += "{\"b\":";
         return s + "1" + std::string(kMaxJsonSplitDepth, '}');
       }() + "}"},
  };
}

TEST(JsonSplitTest, AcceptsAndSplits) {
  std::vector<JsonMember> members;
  for (const Accepted& c : AcceptedCases()) {
    SCOPED_TRACE(c.line);
    members.push_back({"stale", "stale"});
    ASSERT_TRUE(CheckedSplit(c.line, members));
    EXPECT_EQ(Copy(members), c.members);
  }
}

TEST(JsonSplitTest, RejectsEachRule) {
  std::vector<JsonMember> members;
  for (const auto& [name, line] : RejectedCases()) {
    EXPECT_FALSE(CheckedSplit(line, members)) << name << ": " << line;
  }
}

TEST(JsonSplitTest, RejectsEveryControlByte) {
  std::vector<JsonMember> members;
  for (int c = 0; c < 0x20; ++c) {
    const std::string byte(1, static_cast<char>(c));
    EXPECT_FALSE(CheckedSplit("{\"a\":\"x" + byte + "y\"}", members)) << "in a value: " << c;
    EXPECT_FALSE(CheckedSplit("{\"k" + byte + "\":1}", members)) << "in a key: " << c;
  }
}

// Positions outside strings of an accepted line (between two bytes, or at either end).
std::vector<size_t> GapsOutsideStrings(std::string_view line) {
  std::vector<size_t> gaps{0};
  bool in_string = false;
  for (size_t i = 0; i < line.size(); ++i) {
    if (in_string) {
      if (line[i] == '\\') ++i;
      else if (line[i] == '"') in_string = false;
    } else if (line[i] == '"') {
      in_string = true;
    }
    if (!in_string) gaps.push_back(i + 1);
  }
  return gaps;
}

TEST(JsonSplitTest, RejectsWhitespaceOutsideStringsTrailingBytesAndTruncation) {
  std::vector<JsonMember> members;
  for (const Accepted& c : AcceptedCases()) {
    for (size_t gap : GapsOutsideStrings(c.line)) {
      for (char ws : {' ', '\t', '\r', '\n'}) {
        std::string line = c.line;
        line.insert(gap, 1, ws);
        EXPECT_FALSE(CheckedSplit(line, members)) << "whitespace " << int{ws} << " at " << gap << ": " << line;
      }
    }
    for (const char* tail : {" ", "\n", "\r\n", "x", "}", "{}", ",", "\"", "0"}) {
      EXPECT_FALSE(CheckedSplit(c.line + tail, members)) << c.line << " + " << tail;
    }
    for (size_t n = 0; n < c.line.size(); ++n) {
      EXPECT_FALSE(CheckedSplit(std::string_view(c.line).substr(0, n), members)) << "prefix " << n << " of " << c.line;
    }
  }
}

// Lines over 4 KiB are classified into heap buffers: the same answers there, valid or not.
TEST(JsonSplitTest, LongLines) {
  std::vector<JsonMember> members;
  std::string line = "{";
  Members expected;
  for (int i = 0; i < 300; ++i) {
    std::string key = "k";
    key += std::to_string(i);
    std::string value;
    if (i % 3 == 0) {
      value = std::to_string(i * 1000003);
    } else {
      value.append(1, '"').append(static_cast<size_t>(i % 50), 'v').append(1, '"');
    }
    if (i > 0) line += ',';
    line.append(1, '"').append(key).append("\":").append(value);
    expected.emplace_back(key, value);
  }
  std::string long_value;
  long_value.append(1, '"').append(5000, 'x').append("\\n\"");
  line.append(",\"long\":").append(long_value).append("}");
  expected.emplace_back("long", long_value);
  ASSERT_GT(line.size(), 10000u);
  ASSERT_TRUE(CheckedSplit(line, members));
  EXPECT_EQ(Copy(members), expected);
  const std::vector<size_t> gaps = GapsOutsideStrings(line);
  for (size_t at : {gaps[1], gaps[gaps.size() / 2], gaps[gaps.size() - 2]}) {
    std::string bad = line;
    bad.insert(at, 1, ' ');
    EXPECT_FALSE(CheckedSplit(bad, members)) << at;
  }
  EXPECT_FALSE(CheckedSplit(line.substr(0, line.size() - 1), members));
}

// Random compact JSON (a fixed seed): objects rebuild byte for byte, and every one-byte
// change agrees with simdjson.
class RandomJson {
 public:
  explicit RandomJson(uint32_t seed) : rng_(seed) {}

  std::string Object(int depth) {
    std::string out = "{";
    const int n = Pick(depth > 2 ? 2 : 6);
    for (int i = 0; i < n; ++i) {
      if (i > 0) out += ',';
      out += String();
      out += ':';
      out += Value(depth);
    }
    return out + "}";
  }

  uint32_t Next() { return rng_(); }

 private:
  int Pick(int n) { return static_cast<int>(rng_() % static_cast<uint32_t>(n + 1)); }

  std::string String() {
    static const char* const kPieces[] = {"a", "Z", "0", " ", "\\n", "\\\"", "\\\\", "\\/", "\\u00e9", "\\ud83d\\ude00",
                                          "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "{", "]", ":", ","};
    std::string out = "\"";
    for (int n = Pick(8); n > 0; --n) out += kPieces[rng_() % std::size(kPieces)];
    return out + "\"";
  }

  std::string Value(int depth) {
    switch (rng_() % (depth < 4 ? 6 : 4)) {
      case 0: return String();
      case 1: {
        static const char* const kNumbers[] = {"0", "-0", "7", "-12", "3.25", "1e9", "-2.5E-3", "18446744073709551615",
                                               "1.0e+2"};
        return kNumbers[rng_() % std::size(kNumbers)];
      }
      case 2: return "true";
      case 3: return rng_() % 2 ? "false" : "null";
      case 4: return Object(depth + 1);
      default: {
        std::string out = "[";
        for (int n = Pick(3), i = 0; i < n; ++i) {
          if (i > 0) out += ',';
          out += Value(depth + 1);
        }
        return out + "]";
      }
    }
  }

  std::mt19937 rng_;
};

TEST(JsonSplitTest, RandomObjectsAndMutationsAgreeWithSimdjson) {
  RandomJson gen(20261128);
  std::vector<JsonMember> members;
  static const char kBytes[] = {'{', '}', '[', ']', ':', ',', '"', '\\', ' ', '0', '-', '.', 'e', 'u', 'x', '\x80', '\xc3', '\x01'};
  int accepted_mutants = 0;
  for (int i = 0; i < 2000; ++i) {
    const std::string line = gen.Object(1);
    ASSERT_TRUE(CheckedSplit(line, members)) << line;
    if (line.size() < 2) continue;
    for (int m = 0; m < 8; ++m) {
      std::string mutant = line;
      const size_t at = gen.Next() % mutant.size();
      const char b = kBytes[gen.Next() % sizeof kBytes];
      switch (gen.Next() % 3) {
        case 0: mutant[at] = b; break;
        case 1: mutant.insert(at, 1, b); break;
        default: mutant.erase(at, 1); break;
      }
      accepted_mutants += CheckedSplit(mutant, members);
    }
  }
  EXPECT_GT(accepted_mutants, 100);  // mutations inside strings stay valid
}

TEST(JsonSplitTest, ConformanceLinesAgreeWithSimdjson) {
  const std::string dir = std::string(REMEDIATOR_SHARED_DIR) + "/conformance";
  std::vector<std::string> files;
  for (const char* sub : {"logql", "logqltest"}) {
    DIR* d = opendir((dir + "/" + sub).c_str());
    if (d == nullptr) continue;
    while (const dirent* e = readdir(d)) {
      if (e->d_name[0] != '.') files.push_back(dir + "/" + sub + "/" + e->d_name);
    }
    closedir(d);
  }
  if (files.empty()) GTEST_SKIP() << "no conformance files under " << dir;
  std::vector<JsonMember> members;
  size_t candidates = 0, accepted = 0;
  for (const std::string& path : files) {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
      // The line itself and each of its pieces from a '{' to a '}' (JSON lines are quoted
      // inside the test files).
      ++candidates;
      accepted += CheckedSplit(line, members);
      for (size_t b = line.find('{'); b != std::string::npos; b = line.find('{', b + 1)) {
        for (size_t e = line.find('}', b); e != std::string::npos; e = line.find('}', e + 1)) {
          ++candidates;
          accepted += CheckedSplit(std::string_view(line).substr(b, e - b + 1), members);
        }
      }
    }
  }
  EXPECT_GT(accepted, 10u) << "of " << candidates;
  std::printf("conformance: %zu candidates, %zu accepted\n", candidates, accepted);
}

}  // namespace
}  // namespace remediator::store

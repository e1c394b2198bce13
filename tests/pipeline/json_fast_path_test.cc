// The json stage's fast path (flat objects, top-level keys) must extract exactly what the
// full simdjson path extracts, and fail on exactly the same inputs. A pipeline whose
// expressions are all top-level keys takes the fast path; adding a nested expression turns it
// off, so the two runners below differ only in the path taken.
#include <gtest/gtest.h>

#include <random>

#include "stage_test_util.h"

namespace remediator::pipeline {
namespace {

using testing::Extracted;
using testing::StageRunner;

constexpr const char* kFast = R"(
- json:
    expressions: {a: a, b: b, c: c, missing: missing}
)";
constexpr const char* kFull = R"(
- json:
    expressions: {a: a, b: b, c: c, missing: missing, nested: x.y}
)";

TEST(JsonFastPathTest, SameAsTheFullParser) {
  const std::vector<std::string> lines = {
      R"({"a":"x","b":1,"c":true})",
      R"(  { "a" : "x y" , "b" : -12.50 , "c" : null }  )",
      R"({"a":0,"b":1e3,"c":-0})",
      R"({"a":123456789012345,"b":1234567890123456789,"c":12345678901234567890})",
      R"({"a":0.1,"b":-1.5E-7,"c":1e300})",
      R"({"a":"first","a":"second","b":false})",
      R"({"a":"esc\"aped","b":"\u00e9","c":"tab\there"})",
      "{\"a\":\"caf\xc3\xa9\",\"b\":2}",
      R"({"a":{"z":1,"y":[1,2]},"b":[true,null],"c":"s"})",
      R"({})",
      R"({"a":1,})",
      R"({"a":1)",
      R"({"a":1} trailing)",
      R"({"a":01})",
      R"({"a":1.})",
      R"({"a":-})",
      R"({"a":tru})",
      R"({"a" 1})",
      R"(["a",1])",
      R"("just a string")",
      "",
      "not json",
      "{\"a\":\"ctl\x01\"}",
      "{\"a\":1}\n",
  };
  for (const std::string& line : lines) {
    SCOPED_TRACE(line);
    StageRunner fast(kFast), full(kFull);
    ASSERT_TRUE(fast.status().ok()) << fast.status().ToString();
    ASSERT_TRUE(full.status().ok()) << full.status().ToString();
    auto f = fast.Run(line);
    auto g = full.Run(line);
    ASSERT_EQ(f.size(), 1u);
    ASSERT_EQ(g.size(), 1u);
    for (const char* key : {"a", "b", "c", "missing"}) {
      EXPECT_EQ(Extracted(f[0], key), Extracted(g[0], key)) << key;
      const ExtractedValue* fv = f[0].extracted.Find(key);
      const ExtractedValue* gv = g[0].extracted.Find(key);
      ASSERT_EQ(fv == nullptr, gv == nullptr) << key;
      if (fv != nullptr) {
        EXPECT_EQ(fv->kind, gv->kind) << key;
      }
    }
    EXPECT_EQ(fast.metrics().Snapshot().stage_errors, full.metrics().Snapshot().stage_errors);
  }
}

// Generated flat objects of every length around the scanner's 64-byte blocks, and the same
// objects with one byte changed (a quote, a backslash, a brace, a control or non-ASCII
// byte...) at each position class: both paths must agree on every one.
TEST(JsonFastPathTest, SameAsTheFullParserOnGeneratedLines) {
  std::mt19937 rng(7);
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  const std::vector<std::string> keys = {"a", "b", "c", "missing", "other", "aa"};
  const std::string mutations[] = {"\"", "\\", "{", "}", ":", ",", "x", " ", "\x01", "\xc3", "[", "0", "-"};
  StageRunner fast(kFast), full(kFull);
  ASSERT_TRUE(fast.status().ok());
  ASSERT_TRUE(full.status().ok());
  size_t checked = 0;
  for (int round = 0; round < 600; ++round) {
    std::string line = "{";
    const size_t fields = 1 + pick(6);
    for (size_t f = 0; f < fields; ++f) {
      if (f > 0) line += pick(4) == 0 ? " , " : ",";
      line.append("\"").append(keys[pick(keys.size())]).append("\":");
      switch (pick(5)) {
        case 0:
          line.push_back('"');
          line.append(pick(90), static_cast<char>('a' + pick(26)));
          line.push_back('"');
          break;
        case 1: line += std::to_string(static_cast<int64_t>(rng() % 2000000) - 1000000); break;
        case 2: line += std::to_string(rng() % 1000) + "." + std::to_string(rng() % 1000); break;
        case 3: line += pick(2) ? "true" : "false"; break;
        default: line += "null"; break;
      }
    }
    line += "}";
    std::vector<std::string> variants = {line};
    for (int m = 0; m < 4; ++m) {
      std::string v = line;
      v.replace(pick(v.size()), 1, mutations[pick(std::size(mutations))]);
      variants.push_back(std::move(v));
    }
    for (const std::string& v : variants) {
      SCOPED_TRACE(v);
      auto f = fast.Run(v);
      auto g = full.Run(v);
      ASSERT_EQ(f.size(), 1u);
      ASSERT_EQ(g.size(), 1u);
      for (const char* key : {"a", "b", "c", "missing"}) {
        ASSERT_EQ(Extracted(f[0], key), Extracted(g[0], key)) << key;
        const ExtractedValue* fv = f[0].extracted.Find(key);
        const ExtractedValue* gv = g[0].extracted.Find(key);
        ASSERT_EQ(fv == nullptr, gv == nullptr) << key;
        if (fv != nullptr) {
          ASSERT_EQ(fv->kind, gv->kind) << key;
        }
      }
      ASSERT_EQ(fast.metrics().Snapshot().stage_errors, full.metrics().Snapshot().stage_errors);
      ++checked;
    }
  }
  EXPECT_EQ(checked, 3000u);
}

}  // namespace
}  // namespace remediator::pipeline

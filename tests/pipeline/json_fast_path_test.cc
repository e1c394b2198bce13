// The json stage's fast path (flat objects, top-level keys) must extract exactly what the
// full simdjson path extracts, and fail on exactly the same inputs. A pipeline whose
// expressions are all top-level keys takes the fast path; adding a nested expression turns it
// off, so the two runners below differ only in the path taken.
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace remediator::pipeline

// The `| json` stage with label hints sets, for every valid JSON object, the same labels as
// a full parse restricted to the wanted names, whichever of its paths (direct key search,
// flat scan, general parser) the line takes, and the same labels from the line cut down to
// the members JsonKeyMayYield accepts (what a store may hand, StreamSelection::json_labels).
// Seeded random objects over keys chosen to hit the rules: padded, escaped, dashed and
// leading-digit keys, duplicates, nested objects, an empty key, a stream label's name.
#include <random>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "logql/json_projection_util.h"
#include "logql/log/labels_builder.h"
#include "logql/log/pipeline.h"
#include "logql/syntax/ast.h"

namespace remediator::logql::log {
namespace {

class RandomJson {
 public:
  explicit RandomJson(uint32_t seed) : rng_(seed) {}

  std::string Object(int depth) {
    std::string s = "{";
    s += Ws();
    int n = Pick(depth == 0 ? 9 : 4);
    for (int i = 0; i < n; ++i) {
      if (i > 0) {
        s += ',';
        s += Ws();
      }
      s += '"';
      s += kKeys[Pick(sizeof(kKeys) / sizeof(kKeys[0]))];
      s += '"';
      s += Ws();
      s += ':';
      s += Ws();
      s += Value(depth);
      s += Ws();
    }
    s += '}';
    return s;
  }

  std::set<std::string, std::less<>> Needed() {
    std::set<std::string, std::less<>> out;
    int n = Pick(10) == 0 ? 10 : Pick(4);
    for (int i = 0; i < n; ++i) out.insert(kNames[Pick(sizeof(kNames) / sizeof(kNames[0]))]);
    return out;
  }

 private:
  static constexpr const char* kKeys[] = {
      "a", "a", "b", "Svc", " a", "a\\t", "\\u0061", "Sv\\u0063", "a-b", "a_b", "1x", "_1x", "",
      "  ", "n", "n", "x", "x_extracted", "job", "--error--", "zz", "Svc Name", "caf\xc3\xa9",
  };
  static constexpr const char* kNames[] = {
      "a", "b", "Svc", "a_b", "_1x", "x", "x_extracted", "job", "job_extracted", "n_a", "n_n_b", "__error__",
      "zz", "caf_", "Svc_Name", "n_1x", "a_extracted",
  };

  int Pick(int n) { return static_cast<int>(rng_() % static_cast<uint32_t>(n)); }

  std::string Ws() {
    switch (Pick(12)) {
      case 0: return " ";
      case 1: return "\t";
      case 2: return " \r\n ";
      default: return "";
    }
  }

  std::string Value(int depth) {
    switch (Pick(depth < 3 ? 9 : 7)) {
      case 0: return std::to_string(Pick(1000));
      case 1: return "-1.5e3";
      case 2: return Pick(2) == 0 ? "true" : "false";
      case 3: return "null";
      case 4: return R"(["a",{"a":1},[2]])";
      case 5: {
        static constexpr const char* kStrings[] = {"v", "a {b}", R"(q\"a\":1)", "x\\\\y", " a ", "\\u00e9", "a\\tb"};
        return std::string("\"") + kStrings[Pick(7)] + "\"";
      }
      case 6: return "\"" + std::to_string(Pick(100)) + "\"";
      default: return Object(depth + 1);
    }
  }

  std::mt19937 rng_;
};

// The labels `pipeline` parses from `line` (among `only` if set) as name=value, and whether it
// failed.
std::set<std::string> LabelsSet(const Pipeline& pipeline, const Labels& stream, std::string_view line,
                          const std::set<std::string, std::less<>>* only) {
  LabelsBuilder lbs;
  lbs.Reset(&stream, {});
  LineScratch scratch;
  std::string_view l = line;
  pipeline.Process(0, l, lbs, scratch);
  std::set<std::string> out;
  for (size_t i = 0; i < lbs.parsed_count(); ++i) {
    if (only != nullptr && only->count(lbs.parsed_name(i)) == 0) continue;
    out.insert(std::string(lbs.parsed_name(i)) + "=" + std::string(lbs.parsed_value(i)));
  }
  if (lbs.HasError()) out.insert("(error)");
  return out;
}

TEST(JsonStagePaths, AgreeWithFullParseAndProjection) {
  const Labels stream = MakeLabels({{"job", "j"}});
  std::vector<syntax::Stage> stages(1);
  stages[0].node = syntax::JsonParser{};
  auto full = Pipeline::Compile(stages);
  ASSERT_TRUE(full.ok());
  RandomJson gen(20261128);
  int projected = 0, checked = 0;
  for (int round = 0; round < 400; ++round) {
    std::set<std::string, std::less<>> needed = gen.Needed();
    LabelHints hints;
    hints.needed = needed;
    auto hinted = Pipeline::Compile(stages, hints);
    ASSERT_TRUE(hinted.ok());
    const std::vector<std::string> labels(needed.begin(), needed.end());
    for (int i = 0; i < 50; ++i) {
      std::string line = gen.Object(0);
      // The used labels as a full parse sets them (nothing when none is used: no parse).
      std::set<std::string> want = LabelsSet(**full, stream, line, &needed);
      if (needed.empty()) want.clear();
      ASSERT_EQ(LabelsSet(**hinted, stream, line, &needed), want)
          << line << "\nneeded: " << ::testing::PrintToString(labels);
      // All it sets, from the line and from the members a source may keep.
      std::string cut;
      ASSERT_TRUE(testing::ProjectJsonLine(line, labels, cut)) << line;
      projected += cut.size() < line.size();
      EXPECT_EQ(LabelsSet(**hinted, stream, cut, nullptr), LabelsSet(**hinted, stream, line, nullptr))
          << line << "\ncut: " << cut;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 20000);
  EXPECT_GT(projected, 10000);  // most lines lose members
}

}  // namespace
}  // namespace remediator::logql::log

// SubstringSearcher against std::string_view::find: needles whose probe bytes are
// alphanumeric, punctuation only, or mixed; haystacks short (scalar/SSE2) and long (AVX2),
// with matches at the start, the end, across a 32-byte stride, and near misses.
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "logql/log/matchers.h"

namespace remediator::logql::log {
namespace {

TEST(SubstringSearcherTest, FindsWhatStringViewFinds) {
  const std::string filler(100, 'x');
  const std::string json =
      R"({"ClientAddr":"1.2.3.4","Duration":22959588,"ServiceName":"jellyfin@docker","x":"\"ServiceName\""})";
  const std::vector<std::string> hays = {
      "",
      "a",
      "\"\"",
      json,
      json + json,
      filler + "\"ServiceName\"" + filler,
      filler + "\"ServiceNam\"" + filler + "\"ServiceName\"",
      "\"ServiceName\"" + filler,
      std::string(31, '"') + "\"Duration\":" + std::string(40, '"'),
      filler + "...--" + filler + "--...",
  };
  const std::vector<std::string> needles = {
      "\"ServiceName\"", "\"Duration\"", "\"", "x", "\"\"", "...--", "--...", "jellyfin@docker", "ServiceNamex",
      json,
  };
  for (const std::string& needle : needles) {
    SubstringSearcher s(needle);
    for (const std::string& hay : hays) {
      for (size_t from : {size_t{0}, size_t{1}, size_t{17}, size_t{64}}) {
        const size_t want = from < hay.size() ? std::string_view(hay).find(needle, from) : std::string_view::npos;
        EXPECT_EQ(s.Find(hay, from), want) << "needle " << needle << " in " << hay << " from " << from;
      }
      EXPECT_EQ(s.Contains(hay), hay.find(needle) != std::string::npos) << needle << " in " << hay;
    }
  }
}

}  // namespace
}  // namespace remediator::logql::log

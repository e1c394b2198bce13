// The engine's line_tests hint (StreamSelection::line_tests): which queries get it, and that
// a source acting on it — handing, for each line, just the tested strings it holds joined by
// newlines — changes no answer.
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/clock.h"
#include "logql/eval/engine.h"
#include "logql/hint_source.h"
#include "logql/same_answer.h"
#include "logql/source/memory_source.h"

namespace remediator::logql {
namespace {

const int64_t kT0 = 1767272400LL * kNanosPerSecond;

// Replaces each line by the tested strings it holds.
class StandInCursor final : public EntryCursor {
 public:
  StandInCursor(EntryCursor& inner, const std::vector<std::string>& strings) : inner_(inner), strings_(strings) {}
  bool Next(EntryView& out) override {
    if (!inner_.Next(out)) return false;
    buf_.clear();
    bool first = true;
    for (const std::string& s : strings_) {
      if (out.line.find(s) == std::string_view::npos) continue;
      if (!first) buf_ += '\n';
      first = false;
      buf_ += s;
    }
    out.line = buf_;
    return true;
  }

 private:
  EntryCursor& inner_;
  const std::vector<std::string>& strings_;
  std::string buf_;
};

// Records the line_tests hint of every selection and acts on it.
testing::HintSource<StandInCursor> StandInSource(const StreamSource& inner) {
  return testing::HintSource<StandInCursor>(inner, &StreamSelection::line_tests, true);
}

TEST(LineTestsHint, SameAnswersFromStandIns) {
  MemoryStreamSource src;
  const char* const lines[] = {
      R"({"ServiceName":"jellyfin@docker","RequestPath":"/web","DownstreamStatus":200})",
      R"({"ServiceName":"grafana@docker","RequestPath":"/api/ds","DownstreamStatus":502})",
      "GET /jellyfin/web 200 plain text",
      R"({"ServiceName":"jellyfin@docker","RequestPath":"/api/ds","DownstreamStatus":404})",
      "",
  };
  const Labels a = MakeLabels({{"job", "x"}, {"host", "a"}});
  const Labels b = MakeLabels({{"job", "x"}, {"host", "b"}});
  for (int i = 0; i < 200; ++i) src.Add(i % 3 ? a : b, kT0 - kNanosPerHour + int64_t{i} * 17 * kNanosPerSecond, lines[i % 5]);
  using V = std::vector<std::string>;
  const std::vector<std::pair<std::string, std::optional<V>>> cases = {
      {R"(sum(count_over_time({job="x"} |= "jellyfin" [10m])))", V{"jellyfin"}},
      {R"(sum by (host) (rate({job="x"} |= "jellyfin" != "/web" [5m])))", V{"jellyfin", "/web"}},
      {R"(sum(count_over_time({job="x"} |= "grafana" or "plain" != "" [10m])))", V{"grafana", "plain", ""}},
      {R"(sum(absent_over_time({job="x"} |= "nothing" [10m])))", V{"nothing"}},
      {R"(count_over_time({job="x"} != "api" [10m]))", V{"api"}},
      // The line is read otherwise, or by a regex: no hint.
      {R"(sum(count_over_time({job="x"} |~ "jelly.in" [10m])))", std::nullopt},
      {R"(sum(bytes_over_time({job="x"} |= "jellyfin" [10m])))", std::nullopt},
      {R"(sum(count_over_time({job="x"} |= "jellyfin" | json [10m])))", std::nullopt},
      {R"(sum(count_over_time({job="x"} |= "jellyfin" | host="a" [10m])))", std::nullopt},
      {R"(sum(count_over_time({job="x"} [10m])))", std::nullopt},
  };
  for (const auto& [query, hint] : cases) {
    SCOPED_TRACE(query);
    auto standing_in = StandInSource(src);
    QueryParams p;
    p.query = query;
    p.start_ns = kT0 - kNanosPerHour;
    p.end_ns = kT0;
    p.step_ns = 5 * kNanosPerMinute;
    p.limit = 100;
    auto want = Engine(src).Query(p);
    auto got = Engine(standing_in).Query(p);
    ASSERT_TRUE(want.ok()) << want.status().message();
    ASSERT_TRUE(got.ok()) << got.status().message();
    testing::ExpectSameAnswer(*want, *got, query);
    for (const auto& h : standing_in.seen()) EXPECT_EQ(h, hint);
  }
  // A log query shows lines: never a hint.
  auto standing_in = StandInSource(src);
  QueryParams p;
  p.query = R"({job="x"} |= "jellyfin")";
  p.start_ns = kT0 - kNanosPerHour;
  p.end_ns = kT0;
  p.limit = 10;
  ASSERT_TRUE(Engine(standing_in).Query(p).ok());
  for (const auto& h : standing_in.seen()) EXPECT_EQ(h, std::nullopt);
}

}  // namespace
}  // namespace remediator::logql

// The file source's lazy read paths (byte-range parts for range aggregations, bounded reads
// from one end for log queries) against its full index, on generated files: out of order,
// time ranges cutting the file, limits in both directions, lines without a time, empty
// files, no trailing newline, CRLF.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/clock.h"
#include "logql/eval/engine.h"
#include "logql/same_answer.h"
#include "logql/source/file_source.h"

namespace remediator::logql {
namespace {

constexpr int64_t kSec = kNanosPerSecond;
constexpr int64_t kBase = 1767225600LL * kSec;  // 2026-01-01T00:00:00Z

std::string TempPath(const std::string& name) {
  const char* dir = std::getenv("TMPDIR");
  return std::string(dir != nullptr ? dir : "/tmp") + "/file_paths_" + std::to_string(::getpid()) + "_" + name;
}

std::string Rfc3339(int64_t ts) {
  int64_t secs = ts / kSec, ns = ts % kSec;
  int64_t days = secs / 86400, rem = secs % 86400;
  // 2026-01-01 is day 20454 since the epoch; the generated times stay within January 2026.
  int64_t day_of_month = days - 20454 + 1;
  char buf[64];
  std::snprintf(buf, sizeof(buf), "2026-01-%02lldT%02lld:%02lld:%02lld.%09lldZ", static_cast<long long>(day_of_month),
                static_cast<long long>(rem / 3600), static_cast<long long>(rem / 60 % 60),
                static_cast<long long>(rem % 60), static_cast<long long>(ns));
  return buf;
}

struct GenOptions {
  int lines = 3000;
  int64_t step_ns = kSec;         // average time between lines
  int64_t jitter_ns = 0;          // lines are out of order by up to this much
  int untimed_every = 0;          // every n-th line has no time (0: none)
  int empty_every = 0;            // every n-th line is empty
  bool trailing_newline = true;
  bool crlf = false;
  int equal_runs = 0;             // lines in a row sharing a time
};

std::string Generate(const GenOptions& o, uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::string out;
  static const char* kMethods[] = {"GET", "POST", "PUT", "DELETE"};
  for (int i = 0; i < o.lines; ++i) {
    int64_t t = kBase + (o.equal_runs > 0 ? i / o.equal_runs : i) * o.step_ns;
    if (o.jitter_ns > 0) t -= static_cast<int64_t>(rng() % static_cast<uint64_t>(o.jitter_ns));
    if (o.empty_every > 0 && i % o.empty_every == o.empty_every - 1) {
      // an empty line
    } else if (o.untimed_every > 0 && i % o.untimed_every == o.untimed_every - 1) {
      out += "{\"msg\":\"no time " + std::to_string(i) + "\"}";
    } else {
      out += "{\"RequestMethod\":\"" + std::string(kMethods[rng() % 4]) + "\",\"n\":" + std::to_string(i) +
             ",\"pad\":\"" + std::string(rng() % 40, 'x') + "\",\"StartUTC\":\"" + Rfc3339(t) + "\"}";
    }
    if (i + 1 < o.lines || o.trailing_newline) out += o.crlf ? "\r\n" : "\n";
  }
  return out;
}

struct Entry {
  int64_t ts;
  std::string line;
  bool operator==(const Entry& o) const { return ts == o.ts && line == o.line; }
};

void PrintTo(const Entry& e, std::ostream* os) { *os << e.ts << " " << e.line; }

std::vector<Entry> Read(const StreamSource& src, const StreamSelection& sel, size_t limit = SIZE_MAX) {
  std::vector<Entry> out;
  EXPECT_TRUE(src.Select(sel, [&](const Labels&, EntryCursor& c) {
                   EntryView e;
                   while (out.size() < limit && c.Next(e)) out.push_back(Entry{e.timestamp_ns, std::string(e.line)});
                   return Status::Ok();
                 }).ok());
  return out;
}

class Sources {
 public:
  Sources(const std::string& content, int64_t max_disorder_ns, const std::string& name) : path_(TempPath(name)) {
    std::ofstream(path_, std::ios::binary) << content;
    FileSourceOptions lazy;
    lazy.time_field = "StartUTC";
    lazy.max_disorder_ns = max_disorder_ns;
    lazy.min_split_bytes = 0;
    auto a = FileStreamSource::Open({FileStream{path_, {{"job", "x"}}}}, lazy);
    FileSourceOptions exact = lazy;
    exact.max_disorder_ns = -1;
    auto b = FileStreamSource::Open({FileStream{path_, {{"job", "x"}}}}, exact);
    EXPECT_TRUE(a.ok() && b.ok());
    lazy_ = std::move(*a);
    exact_ = std::move(*b);
    exact_->BuildIndex();
  }
  ~Sources() { std::remove(path_.c_str()); }
  const FileStreamSource& lazy() const { return *lazy_; }
  const FileStreamSource& exact() const { return *exact_; }

 private:
  std::string path_;
  std::unique_ptr<FileStreamSource> lazy_, exact_;
};

// Every part of Split read in order and sorted stably by time, as the engine does.
std::vector<Entry> ReadParts(const StreamSource& src, const StreamSelection& sel, int n) {
  std::vector<Entry> all;
  for (const StreamSelection& s : src.Split(sel, n)) {
    auto part = Read(src, s);
    all.insert(all.end(), part.begin(), part.end());
  }
  std::stable_sort(all.begin(), all.end(), [](const Entry& a, const Entry& b) { return a.ts < b.ts; });
  return all;
}

struct Case {
  const char* name;
  GenOptions gen;
  int64_t max_disorder_ns;
};

class FileReadPathsTest : public ::testing::TestWithParam<Case> {};

TEST_P(FileReadPathsTest, LazyPathsMatchTheIndex) {
  const Case& c = GetParam();
  for (uint32_t seed = 1; seed <= 3; ++seed) {
    Sources src(Generate(c.gen, seed), c.max_disorder_ns, c.name);
    const int64_t span = c.gen.lines * c.gen.step_ns;
    // Whole file, and ranges cutting it at both ends, in the middle, and outside it.
    std::vector<std::pair<int64_t, int64_t>> ranges = {
        {0, INT64_MAX},
        {kBase + span / 3, kBase + span / 2},
        {kBase - 10 * kSec, kBase + span / 5},
        {kBase + span * 4 / 5, kBase + span * 2},
        {kBase + span * 3, kBase + span * 4},
        {kBase + span / 2, kBase + span / 2 + 1},
    };
    for (auto [start, end] : ranges) {
      for (Direction dir : {Direction::kForward, Direction::kBackward}) {
        StreamSelection sel;
        sel.start_ns = start;
        sel.end_ns = end;
        sel.direction = dir;
        auto want = Read(src.exact(), sel);
        EXPECT_EQ(Read(src.lazy(), sel), want) << c.name << " seed " << seed << " [" << start << ", " << end << ")";
        // Limits: a consumer stopping early gets the first entries in the direction's order.
        for (size_t limit : {size_t{1}, size_t{7}, size_t{100}}) {
          auto got = Read(src.lazy(), sel, limit);
          std::vector<Entry> head(want.begin(), want.begin() + std::min(limit, want.size()));
          EXPECT_EQ(got, head) << c.name << " seed " << seed << " limit " << limit;
        }
      }
      StreamSelection sel;
      sel.start_ns = start;
      sel.end_ns = end;
      auto want = Read(src.exact(), sel);
      for (int n : {1, 2, 3}) {
        EXPECT_EQ(ReadParts(src.lazy(), sel, n), want) << c.name << " seed " << seed << " parts " << n;
        EXPECT_EQ(ReadParts(src.exact(), sel, n), want) << c.name << " seed " << seed << " index parts " << n;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Files, FileReadPathsTest,
    ::testing::Values(
        Case{"sorted", GenOptions{}, 3600 * kSec},
        Case{"sorted_no_bound_slack", GenOptions{}, 0},
        Case{"jittered_within_bound", GenOptions{.jitter_ns = 30 * kSec}, 60 * kSec},
        Case{"equal_times", GenOptions{.equal_runs = 5}, 0},
        Case{"untimed_and_empty_lines", GenOptions{.untimed_every = 7, .empty_every = 11}, 10 * kSec},
        Case{"no_trailing_newline_crlf", GenOptions{.trailing_newline = false, .crlf = true}, 5 * kSec},
        Case{"mostly_untimed", GenOptions{.lines = 500, .untimed_every = 1}, 5 * kSec},
        Case{"one_line", GenOptions{.lines = 1, .trailing_newline = false}, 0}),
    [](const ::testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

TEST(FileReadPathsTest, EmptyFile) {
  Sources src("", 3600 * kSec, "empty");
  StreamSelection sel;
  sel.start_ns = 0;
  sel.end_ns = INT64_MAX;
  for (Direction dir : {Direction::kForward, Direction::kBackward}) {
    sel.direction = dir;
    EXPECT_TRUE(Read(src.lazy(), sel).empty());
  }
  EXPECT_TRUE(ReadParts(src.lazy(), sel, 2).empty());
}

// A file out of order by far more than the bound near where a bounded read starts: the
// read sees it before delivering anything and goes on from the full index (same answer).
TEST(FileReadPathsTest, DisorderBeyondTheBoundFallsBackToTheIndex) {
  std::string content;
  for (int i = 0; i < 2000; ++i) {
    // Line 100 is 2 hours older than the lines before it (forward reads meet it in their
    // second block), line 1900 2 hours newer than the lines after it (backward reads).
    int64_t t = kBase + i * kSec;
    if (i == 100) t -= 7200 * kSec;
    if (i == 1900) t += 7200 * kSec;
    content += "{\"i\":" + std::to_string(i) + ",\"StartUTC\":\"" + Rfc3339(t) + "\"}\n";
  }
  for (Direction dir : {Direction::kBackward, Direction::kForward}) {
    Sources src(content, 60 * kSec, "disorder");
    StreamSelection sel;
    sel.start_ns = 0;
    sel.end_ns = INT64_MAX;
    sel.direction = dir;
    auto want = Read(src.exact(), sel);
    ASSERT_EQ(want.size(), 2000u);
    EXPECT_EQ(Read(src.lazy(), sel, 10), std::vector<Entry>(want.begin(), want.begin() + 10));
    EXPECT_EQ(Read(src.lazy(), sel), want);
  }
}

// Through the engine: log queries with a limit in both directions and a metric query over
// a range cutting the file, lazy source against the indexed one.
TEST(FileReadPathsTest, EngineAnswersMatch) {
  GenOptions g;
  g.lines = 5000;
  g.jitter_ns = 20 * kSec;
  g.untimed_every = 13;
  Sources src(Generate(g, 7), 60 * kSec, "engine");
  Engine lazy(src.lazy()), exact(src.exact());
  struct Q {
    std::string query;
    int64_t start, end, step;
    Direction dir;
  };
  std::vector<Q> qs = {
      {"{job=\"x\"} |= \"POST\" | json | line_format \"{{.n}}\"", kBase, kBase + 5000 * kSec, 0, Direction::kBackward},
      {"{job=\"x\"} |= \"POST\" | json | line_format \"{{.n}}\"", kBase, kBase + 5000 * kSec, 0, Direction::kForward},
      {"{job=\"x\"} |= \"GET\"", kBase + 1000 * kSec, kBase + 2000 * kSec, 0, Direction::kBackward},
      {"sum by (RequestMethod) (count_over_time({job=\"x\"} | json [5m]))", kBase + 600 * kSec, kBase + 4000 * kSec,
       60 * kSec, Direction::kBackward},
      {"sum(rate({job=\"x\"} |= \"PUT\" [1m]))", kBase, kBase + 6000 * kSec, 30 * kSec, Direction::kBackward},
  };
  for (const Q& q : qs) {
    QueryParams p;
    p.query = q.query;
    p.start_ns = q.start;
    p.end_ns = q.end;
    p.step_ns = q.step;
    p.limit = 50;
    p.direction = q.dir;
    auto a = lazy.Query(p);
    auto b = exact.Query(p);
    ASSERT_TRUE(a.ok() && b.ok()) << q.query;
    testing::ExpectSameAnswer(*a, *b, q.query);
    if (q.step == 0) {
      EXPECT_FALSE(a->streams.empty()) << q.query;
    } else {
      EXPECT_FALSE(a->matrix.empty()) << q.query;
    }
  }
}

}  // namespace
}  // namespace remediator::logql

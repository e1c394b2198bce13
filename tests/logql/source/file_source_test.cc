#include "logql/source/file_source.h"
#include "logql/source/line_time.h"

#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/clock.h"
#include "logql/eval/engine.h"

namespace remediator::logql {
namespace {

std::string TempFile(const std::string& name, const std::string& content) {
  const char* dir = std::getenv("TMPDIR");
  std::string path = std::string(dir != nullptr ? dir : "/tmp") + "/eval_fs_" + std::to_string(::getpid()) + "_" + name;
  std::ofstream(path) << content;
  return path;
}

std::vector<std::pair<int64_t, std::string>> ReadAll(const StreamSource& src, Direction dir) {
  std::vector<std::pair<int64_t, std::string>> out;
  StreamSelection sel;
  sel.start_ns = 0;
  sel.end_ns = INT64_MAX;
  sel.direction = dir;
  EXPECT_TRUE(src.Select(sel, [&](const Labels&, EntryCursor& c) {
                   EntryView e;
                   while (c.Next(e)) out.emplace_back(e.timestamp_ns, std::string(e.line));
                   return Status::Ok();
                 }).ok());
  return out;
}

TEST(FileSourceTest, TimeFieldJsonAndLogfmtSortedStable) {
  std::string path = TempFile("a.log",
                              "{\"timestamp\": 1767225660.5, \"msg\": \"second\"}\n"
                              "{\"timestamp\": 1767225600, \"msg\": \"first\"}\n"
                              "timestamp=2026-01-01T00:02:00Z msg=third\n"
                              "no time here\n");
  auto src = FileStreamSource::Open({FileStream{path, {{"job", "x"}}}}, FileSourceOptions{"timestamp", 2});
  ASSERT_TRUE(src.ok()) << src.status().message();
  auto fwd = ReadAll(**src, Direction::kForward);
  ASSERT_EQ(fwd.size(), 4u);
  EXPECT_EQ(fwd[0].first, 1767225600LL * kNanosPerSecond);
  EXPECT_EQ(fwd[0].second, "{\"timestamp\": 1767225600, \"msg\": \"first\"}");
  EXPECT_EQ(fwd[1].first, 1767225660LL * kNanosPerSecond + 500000000);
  auto back = ReadAll(**src, Direction::kBackward);
  ASSERT_EQ(back.size(), 4u);
  EXPECT_EQ(back.front(), fwd.back());
  int64_t ts = 0;
  EXPECT_TRUE(ReadLineTime("time=2026-01-01T00:02:00Z msg=third", "time", ts));
  EXPECT_EQ(ts, 1767225720LL * kNanosPerSecond);
  std::remove(path.c_str());
}

TEST(FileSourceTest, LineOrderAtMtime) {
  std::string path = TempFile("b.log", "one\ntwo\nthree\n");
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  int64_t mtime = static_cast<int64_t>(st.st_mtim.tv_sec) * kNanosPerSecond + st.st_mtim.tv_nsec;
  auto src = FileStreamSource::Open({FileStream{path, {{"job", "y"}}}}, FileSourceOptions{});
  ASSERT_TRUE(src.ok());
  auto fwd = ReadAll(**src, Direction::kForward);
  ASSERT_EQ(fwd.size(), 3u);
  EXPECT_EQ(fwd[2].first, mtime);
  EXPECT_EQ(fwd[0].first, mtime - 2);
  EXPECT_EQ(fwd[0].second, "one");
  // Through the engine: a log query with limit and direction.
  Engine engine(**src);
  QueryParams p;
  p.query = "{job=\"y\"} |= \"t\"";
  p.start_ns = mtime - kNanosPerSecond;
  p.end_ns = mtime + 1;
  p.limit = 1;
  auto r = engine.Query(p);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->streams.size(), 1u);
  ASSERT_EQ(r->streams[0].entries.size(), 1u);
  EXPECT_EQ(r->streams[0].entries[0].line, "three");
  std::remove(path.c_str());
}

}  // namespace
}  // namespace remediator::logql

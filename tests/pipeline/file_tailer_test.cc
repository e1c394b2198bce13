// FileTailer on real files: generations (rename + create, also several between two reads),
// truncation, deletion, and the position to save for the path in each case.
#include "pipeline/file_tailer.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace remediator::pipeline {
namespace {

namespace fs = std::filesystem;

class Lines final : public LineHandler {
 public:
  void OnLine(std::string_view line, bool) override { got.emplace_back(line); }
  std::vector<std::string> got;
};

class FileTailerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tmp = std::getenv("TMPDIR");
    dir_ = fs::path(tmp ? tmp : "/tmp") / fmt::format("file_tailer_test_{}_{}", ::getpid(), counter_++);
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Path(const std::string& name = "app.log") const { return (dir_ / name).string(); }
  void Append(const std::string& text, const std::string& name = "app.log") {
    std::ofstream out(Path(name), std::ios::app | std::ios::binary);
    out << text;
  }
  // Polls until a poll reads nothing.
  void ReadAll(FileTailer& t) {
    for (int i = 0; i < 100 && t.Poll(lines_, 1 << 20, 0) > 0; ++i) {
    }
  }

  fs::path dir_;
  static inline int counter_ = 0;
  Lines lines_;
};

using Strings = std::vector<std::string>;

TEST_F(FileTailerTest, RenameCreateDrainsTheOldFileFirst) {
  Append("1\n2\n");
  FileTailer t(Path(), -1, {});
  ReadAll(t);
  Append("3\n");
  fs::rename(Path(), Path("app.log.1"));
  Append("4\n", "app.log.1");  // the writer still had the old file open
  Append("5\n6\n");
  ReadAll(t);
  EXPECT_EQ(lines_.got, (Strings{"1", "2", "3", "4", "5", "6"}));
  EXPECT_EQ(t.position(), 4);
}

TEST_F(FileTailerTest, GenerationSeenOnceIsReadEvenAfterItWasRotatedAway) {
  Append("a1\n");
  FileTailerOptions o;
  o.read_chunk_bytes = 4;
  FileTailer t(Path(), -1, o);
  ASSERT_EQ(t.Poll(lines_, 3, 0), 3u);  // "a1\n" only, the budget is used up
  Append("a2\n");
  fs::rename(Path(), Path("app.log.1"));
  Append("b1\n");  // generation b
  t.Refresh();     // seen once while it has the name (the reader is still behind in a)
  EXPECT_TRUE(t.behind());
  EXPECT_EQ(t.position(), 0);  // the path names b, of which nothing is read
  fs::rename(Path(), Path("app.log.2"));
  Append("b2\n", "app.log.2");
  Append("c1\n");  // generation c, never refreshed before this read
  ReadAll(t);
  EXPECT_EQ(lines_.got, (Strings{"a1", "a2", "b1", "b2", "c1"}));
  EXPECT_FALSE(t.behind());
  EXPECT_EQ(t.position(), 3);
}

TEST_F(FileTailerTest, UnterminatedLastLineOfARotatedFileIsHandedOn) {
  Append("1\npart");
  FileTailer t(Path(), -1, {});
  ReadAll(t);
  EXPECT_EQ(t.position(), 2);  // before the held partial line
  fs::rename(Path(), Path("app.log.1"));
  Append("2\n");
  ReadAll(t);
  EXPECT_EQ(lines_.got, (Strings{"1", "part", "2"}));
}

struct TruncationCase {
  const char* name;
  const char* before;    // read completely
  const char* after;     // the content after truncation, before the next read
  Strings want_after;    // lines read after the truncation
};

class TruncationTest : public FileTailerTest, public ::testing::WithParamInterface<TruncationCase> {};

TEST_P(TruncationTest, StartsAgainAtZero) {
  const TruncationCase& c = GetParam();
  Append(c.before);
  FileTailer t(Path(), -1, {});
  ReadAll(t);
  lines_.got.clear();
  fs::resize_file(Path(), 0);
  Append(c.after);
  ReadAll(t);
  EXPECT_EQ(lines_.got, c.want_after);
  EXPECT_EQ(t.position(), static_cast<int64_t>(std::string(c.after).size()));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, TruncationTest,
    ::testing::Values(TruncationCase{"Shorter", "first line\nsecond line\n", "x\n", {"x"}},
                      TruncationCase{"Empty", "first line\n", "", {}},
                      TruncationCase{"LongerThanTheOldOffset", "a\nb\n", "new first line\nmore\n",
                                     {"new first line", "more"}}),
    [](const ::testing::TestParamInfo<TruncationCase>& i) { return std::string(i.param.name); });

TEST_F(FileTailerTest, TruncationNoticedByRefreshWithoutReading) {
  Append("line one\nline two\n");
  FileTailer t(Path(), -1, {});
  ReadAll(t);
  fs::resize_file(Path(), 0);
  Append("a much longer replacement line\n");
  t.Refresh();
  EXPECT_EQ(t.position(), 0);  // a position saved now must not skip the new content
}

TEST_F(FileTailerTest, DeletedFileIsReadToItsEndThenForgotten) {
  Append("1\n");
  FileTailer t(Path(), -1, {});
  ReadAll(t);
  Append("2\n");
  fs::remove(Path());
  t.Refresh();
  EXPECT_TRUE(t.behind());
  EXPECT_EQ(t.position(), -1);
  ReadAll(t);
  t.Poll(lines_, 1 << 20, 0);
  EXPECT_TRUE(t.deleted());
  EXPECT_FALSE(t.behind());
  EXPECT_EQ(lines_.got, (Strings{"1", "2"}));
  // A new file at the path is read from its start.
  Append("new\n");
  ReadAll(t);
  EXPECT_FALSE(t.deleted());
  EXPECT_EQ(lines_.got, (Strings{"1", "2", "new"}));
  EXPECT_EQ(t.position(), 4);
}

TEST_F(FileTailerTest, MissingAtStartThenCreated) {
  FileTailer t(Path(), 1234, {});  // a stale saved offset: nothing is at the path
  EXPECT_EQ(t.position(), -1);
  EXPECT_TRUE(t.deleted());
  Append("1\n2\n");
  ReadAll(t);
  EXPECT_EQ(lines_.got, (Strings{"1", "2"}));
}

TEST_F(FileTailerTest, SavedOffsetResumesAndOneBeyondTheEndStartsOver) {
  Append("1\n2\n3\n");
  {
    FileTailer t(Path(), 4, {});
    ReadAll(t);
    EXPECT_EQ(lines_.got, (Strings{"3"}));
  }
  lines_.got.clear();
  FileTailer t(Path(), 100, {});
  ReadAll(t);
  EXPECT_EQ(lines_.got, (Strings{"1", "2", "3"}));
}

}  // namespace
}  // namespace remediator::pipeline

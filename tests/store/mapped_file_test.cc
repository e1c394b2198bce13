// MappedFile: views the file's bytes at any offset, stays readable after the file is
// unlinked (retention deleting a block a query holds), and maps an empty file as empty.
#include "store/mapped_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "store/store_test_util.h"

namespace remediator::store {
namespace {

TEST(MappedFileTest, ViewsBytesAndOutlivesUnlink) {
  testing::TempDir dir;
  struct Case {
    const char* name;
    std::string content;
  };
  const Case cases[] = {{"empty", ""}, {"small", "RMDBLK01 hello"}, {"pages", std::string(20000, 'x') + "tail"}};
  for (const Case& c : cases) {
    const std::string path = dir.path() + "/" + c.name;
    std::ofstream(path, std::ios::binary) << c.content;
    auto mapped = MappedFile::Open(path, c.content.size());
    ASSERT_TRUE(mapped.ok()) << c.name << ": " << mapped.status().ToString();
    ASSERT_EQ(std::remove(path.c_str()), 0);
    EXPECT_EQ((*mapped)->size(), c.content.size()) << c.name;
    EXPECT_EQ((*mapped)->View(0, c.content.size()), c.content) << c.name;
    if (c.content.size() > 4) {
      EXPECT_EQ((*mapped)->View(c.content.size() - 4, 4), c.content.substr(c.content.size() - 4)) << c.name;
    }
  }
  EXPECT_FALSE(MappedFile::Open(dir.path() + "/missing", 10).ok());
}

// A block read from a descriptor held since it was opened maps that file, even when its
// path now names another, shorter one (mapping by path would fault past the new file's end).
TEST(MappedFileTest, MapsTheDescriptorsFileNotThePathsCurrentOne) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/block";
  const std::string original = std::string(10000, 'b') + "end";
  std::ofstream(path, std::ios::binary) << original;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(std::remove(path.c_str()), 0);
  std::ofstream(path, std::ios::binary) << "short";
  auto mapped = MappedFile::Map(fd, original.size(), path);
  ::close(fd);
  ASSERT_TRUE(mapped.ok()) << mapped.status().ToString();
  EXPECT_EQ((*mapped)->View(0, original.size()), original);
  EXPECT_FALSE(MappedFile::Map(-1, 10, path).ok());
}

}  // namespace
}  // namespace remediator::store

#include "core/open_file_limit.h"

#include <sys/resource.h>

#include <gtest/gtest.h>

namespace remediator {
namespace {

rlimit CurrentLimit() {
  rlimit limit{};
  EXPECT_EQ(::getrlimit(RLIMIT_NOFILE, &limit), 0);
  return limit;
}

TEST(OpenFileLimitTest, RaisesALoweredSoftLimitToTheHardLimit) {
  rlimit before = CurrentLimit();
  if (before.rlim_max < 128) GTEST_SKIP() << "hard RLIMIT_NOFILE below 128";
  rlimit lowered = before;
  lowered.rlim_cur = 64;
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &lowered), 0);

  Result<uint64_t> raised = RaiseOpenFileLimit();

  ASSERT_TRUE(raised.ok()) << raised.status().message();
  EXPECT_EQ(*raised, static_cast<uint64_t>(before.rlim_max));
  EXPECT_EQ(CurrentLimit().rlim_cur, before.rlim_max);
}

TEST(OpenFileLimitTest, AtTheHardLimitAlreadyItChangesNothing) {
  ASSERT_TRUE(RaiseOpenFileLimit().ok());
  rlimit at_max = CurrentLimit();

  Result<uint64_t> again = RaiseOpenFileLimit();

  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, static_cast<uint64_t>(at_max.rlim_max));
  EXPECT_EQ(CurrentLimit().rlim_cur, at_max.rlim_cur);
}

}  // namespace
}  // namespace remediator

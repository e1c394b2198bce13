// `remediator fmt` end to end: the real binary, its stdout and exit code.
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace {

struct ShellResult {
  int exit_code = -1;
  std::string out;
};

// Runs a shell command line, capturing stdout (stderr goes to stdout too with 2>&1).
ShellResult Shell(const std::string& command) {
  ShellResult r;
  FILE* p = popen(command.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) r.out.append(buf, n);
  int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string Binary() { return REMEDIATOR_BINARY; }

class FmtCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::ifstream(Binary()).good()) GTEST_SKIP() << "remediator binary not built: " << Binary();
  }
};

TEST_F(FmtCommandTest, PrintsCanonicalForm) {
  ShellResult r = Shell(Binary() + " fmt 'sum by (x) (rate({app=\"a\"} |= \"x\" [5m]))'");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "sum by (x)(rate({app=\"a\"} |= \"x\"[5m]))\n");
}

TEST_F(FmtCommandTest, InvalidQueryExitsOne) {
  ShellResult r = Shell(Binary() + " fmt '{app=\"a\"' 2>&1");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("parse error at line 1, col 9: syntax error: unexpected $end"),
            std::string::npos)
      << r.out;
}

TEST_F(FmtCommandTest, ReadsStdinLineByLine) {
  ShellResult r = Shell("printf '{a=\"b\"}  |  json\\n\\nrate({a=\"b\"}[5m]) by (x)\\ncount_over_time({a=\"b\"}[1m])\\n' | " +
                Binary() + " fmt 2>&1");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("{a=\"b\"} | json\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("stdin:3: parse error : grouping not allowed for rate aggregation"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("count_over_time({a=\"b\"}[1m])\n"), std::string::npos) << r.out;

  ShellResult ok = Shell("printf 'vector(1)\\n' | " + Binary() + " fmt");
  EXPECT_EQ(ok.exit_code, 0);
  EXPECT_EQ(ok.out, "vector(1)\n");
}

}  // namespace

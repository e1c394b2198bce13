#include "remediation/executor.h"

#include <signal.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <thread>

#include "remediation/test_util.h"

namespace remediator::remediation {
namespace {

using testing::TempDir;
using testing::WriteFile;

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

RunSpec Spec(std::vector<std::string> argv) {
  RunSpec s;
  s.argv = std::move(argv);
  s.env = {{"PATH", "/usr/bin:/bin"}};
  s.timeout_ns = 10 * kNanosPerSecond;
  s.kill_grace_ns = 500 * kNanosPerMilli;
  return s;
}

TEST(ExecutorTest, CapturesOutputAndExitCode) {
  RunResult r = RunProcess(Spec({"/bin/sh", "-c", "echo out; echo err >&2; exit 7"}));
  EXPECT_EQ(r.outcome, RunOutcome::kExited);
  EXPECT_EQ(r.exit_code, 7);
  EXPECT_EQ(r.stdout_preview, "out\n");
  EXPECT_EQ(r.stderr_preview, "err\n");
}

TEST(ExecutorTest, EnvironmentIsExactlyWhatWasGiven) {
  RunSpec s = Spec({"/usr/bin/env"});
  s.env.push_back({"REMEDIATOR_PARAM_X", "$(id)"});
  RunResult r = RunProcess(s);
  EXPECT_EQ(r.stdout_preview, "PATH=/usr/bin:/bin\nREMEDIATOR_PARAM_X=$(id)\n");
}

TEST(ExecutorTest, PreviewsAreBounded) {
  RunSpec s = Spec({"/bin/sh", "-c", "head -c 100000 /dev/zero | tr '\\0' a; echo done >&2"});
  s.output_limit = 4096;
  RunResult r = RunProcess(s);
  EXPECT_EQ(r.outcome, RunOutcome::kExited);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.stdout_preview.size(), 4096u);
  EXPECT_TRUE(r.output_truncated);
  EXPECT_EQ(r.stderr_preview, "done\n");
}

TEST(ExecutorTest, HungChildIsKilledWithinTimeoutPlusGrace) {
  TempDir dir;
  std::string pidfile = dir / "grandchild.pid";
  // Ignores SIGTERM (so SIGKILL is needed) and leaves a grandchild in its group.
  RunSpec s = Spec({"/bin/sh", "-c",
                    "trap '' TERM; sleep 60 & echo $! > " + pidfile + "; while :; do sleep 1; done"});
  s.timeout_ns = 300 * kNanosPerMilli;
  s.kill_grace_ns = 300 * kNanosPerMilli;
  int64_t start = SteadyMs();
  RunResult r = RunProcess(s);
  int64_t elapsed = SteadyMs() - start;
  EXPECT_EQ(r.outcome, RunOutcome::kTimedOut);
  EXPECT_EQ(r.exit_code, 128 + SIGKILL);
  EXPECT_GE(elapsed, 300);
  EXPECT_LT(elapsed, 300 + 300 + 1000);  // timeout + grace + scheduling slack
  // The grandchild went with the group.
  pid_t gc = std::stoi(testing::ReadFile(pidfile));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  bool gone = false;
  while (!gone && std::chrono::steady_clock::now() < deadline) {
    gone = ::kill(gc, 0) != 0 && errno == ESRCH;
    if (!gone) std::this_thread::yield();
  }
  EXPECT_TRUE(gone) << "grandchild " << gc << " survived";
}

TEST(ExecutorTest, TermIsEnoughForACooperativeChild) {
  RunSpec s = Spec({"/bin/sleep", "60"});
  s.timeout_ns = 200 * kNanosPerMilli;
  s.kill_grace_ns = 5 * kNanosPerSecond;
  int64_t start = SteadyMs();
  RunResult r = RunProcess(s);
  EXPECT_EQ(r.outcome, RunOutcome::kTimedOut);
  EXPECT_EQ(r.exit_code, 128 + SIGTERM);
  EXPECT_LT(SteadyMs() - start, 200 + 2000);  // did not wait for the 5 s grace
}

TEST(ExecutorTest, FailedToStart) {
  RunResult r = RunProcess(Spec({"/nonexistent/playbook"}));
  EXPECT_EQ(r.outcome, RunOutcome::kFailedToStart);
  EXPECT_NE(r.error.find("No such file"), std::string::npos) << r.error;
  RunSpec s = Spec({"/bin/true"});
  s.working_dir = "/nonexistent/dir";
  EXPECT_EQ(RunProcess(s).outcome, RunOutcome::kFailedToStart);
}

TEST(ExecutorTest, ExitDoesNotWaitForADaemonHoldingThePipes) {
  int64_t start = SteadyMs();
  RunResult r = RunProcess(Spec({"/bin/sh", "-c", "sleep 30 & echo started"}));
  EXPECT_EQ(r.outcome, RunOutcome::kExited);
  EXPECT_EQ(r.stdout_preview, "started\n");
  EXPECT_LT(SteadyMs() - start, 5000);
}

}  // namespace
}  // namespace remediator::remediation

#include "remediation/decision_log.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <functional>
#include <mutex>
#include <vector>
#include <thread>

#include <unistd.h>

#include "remediation/decision.h"
#include "remediation/test_util.h"

namespace remediator::remediation {
namespace {

using testing::ReadFile;
using testing::ReadLines;
using testing::TempDir;
using testing::WriteFile;

TEST(DecisionLogTest, RepairsATornLastLineAtOpen) {
  struct Case {
    std::string before;
    std::string after;
    int64_t cut;
  } cases[] = {
      {"", "", 0},
      {"{\"a\":1}\n", "{\"a\":1}\n", 0},
      {"{\"a\":1}\n{\"b\":", "{\"a\":1}\n", 5},
      {"{\"torn", "", 6},
  };
  for (const Case& c : cases) {
    TempDir dir;
    std::string path = dir / "log.jsonl";
    WriteFile(path, c.before);
    auto log = DecisionLog::Open(path);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    EXPECT_EQ((*log)->repaired_bytes(), c.cut);
    EXPECT_EQ(ReadFile(path), c.after);
    ASSERT_TRUE((*log)->Append("{\"c\":3}").ok());
    std::string want = c.after;
    want.append("{\"c\":3}\n");
    EXPECT_EQ(ReadFile(path), want);
  }
}

TEST(DecisionLogTest, ConcurrentAppendsStayWholeLines) {
  TempDir dir;
  std::string path = dir / "sub/log.jsonl";
  auto log = DecisionLog::Open(path);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        Decision d;
        d.alert = std::to_string(t);
        d.decision_id = std::to_string(i);
        d.stdout_preview = std::string(300, 'x');
        EXPECT_TRUE((*log)->Append(DecisionToJson(d)).ok());
      }
    });
  }
  for (auto& th : threads) th.join();
  std::vector<std::string> lines = ReadLines(path);
  ASSERT_EQ(lines.size(), 400u);
  for (const std::string& l : lines) {
    EXPECT_EQ(l.front(), '{');
    EXPECT_EQ(l.back(), '}');
  }
}

TEST(DecisionLogTest, HeldAppendsWaitAndShareOneRound) {
  TempDir dir;
  std::string path = dir / "log.jsonl";
  auto log = DecisionLog::Open(path);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  std::atomic<int> done{0};
  std::atomic<int> failed{0};
  auto count = [&](const Status& st) {
    if (!st.ok()) ++failed;
    ++done;
  };
  (*log)->Hold();
  (*log)->Hold();  // nested: the writer waits for both releases
  (*log)->AppendAsync({"{\"n\":1}"}, count);
  (*log)->AppendAsync({"{\"n\":2}", "{\"n\":3}"}, count);
  (*log)->Release();
  (*log)->AppendAsync({"{\"n\":4}"}, count);
  // Still held: nothing may have been written or answered.
  EXPECT_EQ(done.load(), 0);
  EXPECT_EQ(ReadFile(path), "");
  (*log)->Release();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (done.load() < 3 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  EXPECT_EQ(done.load(), 3);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(ReadFile(path), "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n{\"n\":4}\n");
  // Unheld again: a synchronous append goes through at once.
  ASSERT_TRUE((*log)->Append("{\"n\":5}").ok());
}

// The two flushers take turns (one answers a round while the other syncs the next), yet the
// callbacks run in the order of the appends, one at a time, each after its line is in the file.
TEST(DecisionLogTest, CallbacksRunInAppendOrderOneAtATime) {
  TempDir dir;
  std::string path = dir / "log.jsonl";
  auto log = DecisionLog::Open(path);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  constexpr int kAppends = 600;
  std::mutex mu;
  std::vector<int> order;
  std::atomic<int> running{0};
  std::atomic<int> overlapped{0};
  std::atomic<int> missing{0};
  for (int i = 0; i < kAppends; ++i) {
    if (i % 7 == 0) (*log)->Hold();  // some appends share a held pass, like the webhook loop
    std::string line = "{\"n\":" + std::to_string(i) + "}";
    (*log)->AppendAsync({line}, [&, i, line](const Status& st) {
      if (running.fetch_add(1) != 0) ++overlapped;
      EXPECT_TRUE(st.ok()) << st.ToString();
      if (ReadFile(path).find(line + "\n") == std::string::npos) ++missing;
      // Answering takes a while (like a send), so the next round syncs meanwhile.
      auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(30);
      while (std::chrono::steady_clock::now() < until) {
      }
      {
        std::lock_guard<std::mutex> lock(mu);
        order.push_back(i);
      }
      running.fetch_sub(1);
    });
    if (i % 7 == 3) (*log)->Release();
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (order.size() == kAppends || std::chrono::steady_clock::now() > deadline) break;
    }
    std::this_thread::yield();
  }
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_EQ(order.size(), static_cast<size_t>(kAppends));
  for (int i = 0; i < kAppends; ++i) ASSERT_EQ(order[i], i);
  EXPECT_EQ(overlapped.load(), 0);
  EXPECT_EQ(missing.load(), 0);
  std::vector<std::string> lines = ReadLines(path);
  ASSERT_EQ(lines.size(), static_cast<size_t>(kAppends));
  for (int i = 0; i < kAppends; ++i) EXPECT_EQ(lines[i], "{\"n\":" + std::to_string(i) + "}");
}

// An fdatasync(2) stand-in: call n (from 1) fails with EIO, the others sync.
DecisionLog::SyncFunction FailSyncCall(int n) {
  auto calls = std::make_shared<std::atomic<int>>(0);
  return [calls, n](int fd) {
    if (calls->fetch_add(1) + 1 == n) {
      errno = EIO;
      return -1;
    }
    return ::fdatasync(fd);
  };
}

// A round whose sync failed is reported failed and leaves none of its lines in the file
// (the caller answers 5xx and Alertmanager sends them again); the lines before stay.
TEST(DecisionLogTest, AFailedSyncCutsItsLinesOff) {
  TempDir dir;
  std::string path = dir / "log.jsonl";
  auto log = DecisionLog::Open(path, FailSyncCall(2));
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  ASSERT_TRUE((*log)->Append("{\"n\":0}").ok());
  Status st = (*log)->Append(std::vector<std::string>{"{\"n\":1}", "{\"n\":2}"});
  EXPECT_EQ(st.code(), StatusCode::kUnavailable) << st.ToString();
  EXPECT_EQ(ReadFile(path), "{\"n\":0}\n");
  ASSERT_TRUE((*log)->Append("{\"n\":3}").ok());
  EXPECT_EQ(ReadFile(path), "{\"n\":0}\n{\"n\":3}\n");
}

TEST(DecisionLogTest, FollowsLogrotateRenameAndReopen) {
  TempDir dir;
  std::string path = dir / "log.jsonl";
  auto log = DecisionLog::Open(path);
  ASSERT_TRUE(log.ok());
  ASSERT_TRUE((*log)->Append("{\"n\":1}").ok());
  std::filesystem::rename(path, dir / "log.jsonl.1");  // logrotate's default (create) mode
  ASSERT_TRUE((*log)->Append("{\"n\":2}").ok());
  EXPECT_EQ(ReadFile(dir / "log.jsonl.1"), "{\"n\":1}\n");
  EXPECT_EQ(ReadFile(path), "{\"n\":2}\n");
  // SIGHUP-style reopen keeps appending to the same path.
  ASSERT_TRUE((*log)->Reopen().ok());
  ASSERT_TRUE((*log)->Append("{\"n\":3}").ok());
  EXPECT_EQ(ReadFile(path), "{\"n\":2}\n{\"n\":3}\n");
}

// Renamed away, unlinked, or replaced by a rename over it: each time the next append goes to
// a file at the path again (the change is noticed through inotify, not a stat per round).
TEST(DecisionLogTest, ReopensWhenThePathNoLongerNamesTheFile) {
  struct Case {
    const char* name;
    std::function<void(const std::string& path, const std::string& dir)> change;
  };
  const Case cases[] = {
      {"rename", [](const std::string& path, const std::string& dir) {
         std::filesystem::rename(path, dir + "/moved.jsonl");
       }},
      {"unlink", [](const std::string& path, const std::string&) { std::filesystem::remove(path); }},
      {"replaced", [](const std::string& path, const std::string& dir) {
         WriteFile(dir + "/other.jsonl", "{\"other\":1}\n");
         std::filesystem::rename(dir + "/other.jsonl", path);
       }},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    TempDir dir;
    std::string path = dir / "log.jsonl";
    auto log = DecisionLog::Open(path);
    ASSERT_TRUE(log.ok());
    ASSERT_TRUE((*log)->Append("{\"n\":1}").ok());
    ASSERT_TRUE((*log)->Append("{\"n\":2}").ok());  // unchanged: same file
    EXPECT_EQ(ReadFile(path), "{\"n\":1}\n{\"n\":2}\n");
    c.change(path, dir.path());
    ASSERT_TRUE((*log)->Append("{\"n\":3}").ok());
    std::string want = std::string(c.name) == "replaced" ? "{\"other\":1}\n{\"n\":3}\n" : "{\"n\":3}\n";
    EXPECT_EQ(ReadFile(path), want);
    ASSERT_TRUE((*log)->Append("{\"n\":4}").ok());
    EXPECT_EQ(ReadFile(path), want + "{\"n\":4}\n");
  }
}

TEST(DecisionLogTest, LineFormat) {
  Decision d;
  d.timestamp_ns = 1767225600123456789;
  d.alert = "DiskFull";
  d.playbook = "disk-cleanup";
  d.success = true;
  d.confidence = 90;
  d.parameters = {{"mountpoint", "/var"}};
  d.stdout_preview = "freed 1G\n";
  d.action = Action::kExecuted;
  d.reason = "exit status 0";
  d.fingerprint = "abc";
  d.service = "";
  d.exit_code = 0;
  d.duration_ms = 1234;
  d.decision_id = "id1";
  EXPECT_EQ(DecisionToJson(d),
            R"({"timestamp":1767225600.123456,"alert":"DiskFull","playbook":"disk-cleanup",)"
            R"("success":true,"confidence":90,"parameters":{"mountpoint":"/var"},)"
            R"("stdout":"freed 1G\n","stderr":"","action":"executed","reason":"exit status 0",)"
            R"("fingerprint":"abc","service":"","exit_code":0,"duration_ms":1234,"decision_id":"id1"})");
  Decision blocked;
  blocked.timestamp_ns = 5 * kNanosPerSecond;
  blocked.action = Action::kDeduplicated;
  std::string j = DecisionToJson(blocked);
  EXPECT_NE(j.find(R"("exit_code":null,"duration_ms":null)"), std::string::npos) << j;
  EXPECT_NE(j.find(R"("timestamp":5.000000,)"), std::string::npos) << j;
}

}  // namespace
}  // namespace remediator::remediation

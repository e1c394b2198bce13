// `remediator query --store DIR` answers LogQL from the embedded store, read-only, while
// the store is still open for writing (as under a running `remediator ship`).
#include <sys/stat.h>

#include <cstdio>
#include <string>

#include <gtest/gtest.h>

#include "store/store.h"
#include "store/store_test_util.h"

namespace remediator::store {
namespace {

std::string RunCommand(const std::string& cmd, int& rc) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  rc = ::pclose(p);
  return out;
}

TEST(QueryStoreCliTest, AnswersFromTheStoreBesideAWriter) {
  struct stat st {};
  if (::stat(REMEDIATOR_BINARY, &st) != 0) GTEST_SKIP() << "remediator binary not built: " << REMEDIATOR_BINARY;
  testing::TempDir dir;
  StoreOptions o;
  o.dir = dir.path();
  auto store = Store::Open(o).value();
  const Labels a = MakeLabels({{"job", "traefik"}, {"service", "jellyfin"}});
  const Labels b = MakeLabels({{"job", "traefik"}, {"service", "sonarr"}});
  const int64_t t0 = 1'767'225'600LL * kNanosPerSecond;  // 2026-01-01T00:00:00Z
  std::vector<LogEntry> batch;
  for (int i = 0; i < 30; ++i) {
    batch.push_back(testing::Entry(i % 3 == 0 ? b : a, t0 + i * kNanosPerMinute, i % 2 ? "GET /x" : "POST /y"));
  }
  ASSERT_TRUE(store->Append(std::span(batch).subspan(0, 20)).ok());
  ASSERT_TRUE(store->Seal().ok());
  ASSERT_TRUE(store->Append(std::span(batch).subspan(20)).ok());  // still in the WAL
  const std::string base = std::string(REMEDIATOR_BINARY) + " query --store " + dir.path() +
                           " --time 2026-01-01T01:00:00Z ";
  int rc = -1;
  std::string out = RunCommand(base + "'sum by (service) (count_over_time({job=\"traefik\"} |= \"GET\" [1h]))' 2>&1", rc);
  EXPECT_EQ(rc, 0) << out;
  // GET lines are the odd i: 15, of which i % 3 == 0 (sonarr) for i = 3, 9, 15, 21, 27.
  EXPECT_NE(out.find("{service=\"jellyfin\"} 10"), std::string::npos) << out;
  EXPECT_NE(out.find("{service=\"sonarr\"} 5"), std::string::npos) << out;
  // The writer is unaffected and goes on.
  EXPECT_TRUE(store->Append(std::vector{testing::Entry(a, t0, "later")}).ok());
  out = RunCommand(std::string(REMEDIATOR_BINARY) + " query --store " + dir.path() + "/missing 'sum(rate({job=\"x\"}[1m]))' 2>&1", rc);
  EXPECT_NE(rc, 0) << out;
}

}  // namespace
}  // namespace remediator::store

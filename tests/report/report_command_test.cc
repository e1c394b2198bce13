// `remediator report` end to end: a decision log and an embedded store holding a Traefik
// access log, read by the real binary.
#include <sys/stat.h>

#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/run_command.h"
#include "common/temp_dir.h"
#include "store/store.h"

namespace remediator::report {
namespace {

constexpr int64_t kSec = 1'000'000'000;
constexpr int64_t kT0 = 1'767'225'600LL * kSec;  // 2026-01-01T00:00:00Z

using testing::RunCommand;
using testing::ScopedTempDir;

void AddRequests(std::vector<LogEntry>& out, const std::string& service, const std::string& status, int64_t from,
                 int n) {
  Labels labels = MakeLabels({{"job", "traefik-access"}, {"method", "GET"}, {"service", service}, {"status", status}});
  for (int i = 0; i < n; ++i) out.push_back(LogEntry{from + i * kSec, "/web/index.html", labels, {}});
}

TEST(ReportCommand, ComparesErrorRatiosAroundEachRun) {
  struct stat st {};
  if (::stat(REMEDIATOR_BINARY, &st) != 0) GTEST_SKIP() << "remediator binary not built: " << REMEDIATOR_BINARY;
  ScopedTempDir dir("report_test");
  ASSERT_FALSE(dir.path().empty());
  // A Jellyfin restart at 01:00:00 that took 20 s, and a blocked decision that changed nothing.
  const std::string log_path = dir.path() + "/decisions.jsonl";
  std::ofstream(log_path)
      << R"({"timestamp":1767229220,"alert":"JellyfinDown","playbook":"restart-service","success":true,)"
         R"("confidence":90,"parameters":{"service":"jellyfin"},"stdout":"","stderr":"","action":"executed",)"
         R"("reason":"exit status 0","fingerprint":"f1","service":"jellyfin","exit_code":0,"duration_ms":20000,"decision_id":"d-1"})"
         "\n"
      << R"({"timestamp":1767229230,"alert":"JellyfinDown","playbook":"restart-service","success":false,)"
         R"("confidence":90,"parameters":{},"stdout":"","stderr":"","action":"deduplicated","reason":"",)"
         R"("fingerprint":"f1","service":"jellyfin","exit_code":null,"duration_ms":null,"decision_id":"d-2"})"
         "\n";
  {
    store::StoreOptions o;
    o.dir = dir.path() + "/store";
    auto store = store::Store::Open(o);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    std::vector<LogEntry> entries;
    const int64_t start = kT0 + 3600 * kSec, end = start + 20 * kSec;
    AddRequests(entries, "jellyfin@docker", "200", start - 600 * kSec, 30);  // before: 30 ok
    AddRequests(entries, "jellyfin@docker", "502", start - 300 * kSec, 10);  //         10 errors
    AddRequests(entries, "jellyfin@docker", "200", end + 60 * kSec, 40);     // after: 40 ok
    AddRequests(entries, "sonarr@docker", "500", start - 60 * kSec, 9);      // another service
    ASSERT_TRUE((*store)->Append(entries).ok());
  }
  const std::string base = std::string(REMEDIATOR_BINARY) + " report --decision-log " + log_path + " --store " +
                           dir.path() + "/store --start 2026-01-01T00:00:00Z --end 2026-01-02T00:00:00Z";
  int rc = -1;
  std::string out = RunCommand(base + " --output json 2>&1", rc);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find(R"("decision_id":"d-1")"), std::string::npos) << out;
  EXPECT_EQ(out.find(R"("decision_id":"d-2")"), std::string::npos) << out;  // blocked: not a run
  EXPECT_NE(out.find(R"("before":{"requests":40,"errors":10,"error_ratio":0.25})"), std::string::npos) << out;
  EXPECT_NE(out.find(R"("after":{"requests":40,"errors":0,"error_ratio":0})"), std::string::npos) << out;
  EXPECT_NE(out.find(R"("verdict":"improved")"), std::string::npos) << out;
  EXPECT_NE(out.find(R"("started":"2026-01-01T01:00:00Z")"), std::string::npos) << out;

  out = RunCommand(base + " 2>&1", rc);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("25.0% (10/40)"), std::string::npos) << out;
  EXPECT_NE(out.find("1 remediations: 1 improved"), std::string::npos) << out;

  // Bad input: a clear message and a non-zero exit.
  out = RunCommand(base + " --window nonsense 2>&1", rc);
  EXPECT_NE(rc, 0);
  EXPECT_NE(out.find("--window"), std::string::npos) << out;
  out = RunCommand(std::string(REMEDIATOR_BINARY) + " report --decision-log " + dir.path() + "/missing.jsonl --store " +
                       dir.path() + "/store 2>&1",
                   rc);
  EXPECT_NE(rc, 0);
  EXPECT_NE(out.find("missing.jsonl"), std::string::npos) << out;
}

}  // namespace
}  // namespace remediator::report

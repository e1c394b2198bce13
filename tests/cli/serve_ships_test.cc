// `remediator serve` with scrape_configs and a storage block in remediator.yml ships too: the
// real binary tails a temp file into the store while it serves, `remediator query --store`
// (read-only, beside the running writer) sees the lines, GET /metrics carries the pipeline's
// counters in a form promtool accepts, and SIGTERM saves the positions.
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include "cli/cli_test_util.h"

namespace remediator::testing {
namespace {

namespace fs = std::filesystem;
using Strings = std::vector<std::string>;

constexpr const char* kPromtool = "/usr/bin/promtool";

// The engine part of remediator.yml; the tests add the shipping keys.
constexpr const char* kEngineConfig = R"(listen: 127.0.0.1:0
auth: {insecure_no_auth: true}
decision_log: decisions.jsonl
state: state.db
playbooks:
  noop: {command: [/bin/true], timeout: 5s}
routes:
  - matchers: ['alertname = "Never"']
    playbook: noop
)";

TEST(ServeShipsTest, TailsIntoTheStoreAndExportsMetrics) {
  ScopedTempDir tmp("serve_ships");
  ASSERT_FALSE(tmp.path().empty());
  fs::path dir = tmp.path();
  AppendFile(dir / "remediator.yml", std::string(kEngineConfig) + R"(storage: {path: data, retention: 7d}
positions: {filename: positions.yaml, sync_period: 1s}
global: {file_watch_config: {min_poll_frequency: 100ms}}
scrape_configs:
  - job_name: app
    static_configs:
      - labels: {job: app, __path__: logs/app.log}
    pipeline_stages:
      - regex: {expression: '^(?P<level>\w+) '}
      - labels: {level: }
)");
  fs::create_directories(dir / "logs");
  AppendFile(dir / "logs" / "app.log", "info first line\n");

  Subprocess serve;
  ASSERT_TRUE(serve.Start({REMEDIATOR_BINARY, "serve", "--config", (dir / "remediator.yml").string()},
                          (dir / "serve.log").string()));
  int port = 0;
  const std::regex listening(R"(listening on http://127\.0\.0\.1:(\d+))");
  ASSERT_TRUE(WaitFor([&] {
    std::smatch m;
    std::string out = serve.Output();
    if (!std::regex_search(out, m, listening)) return false;
    port = std::stoi(m[1]);
    return true;
  })) << serve.Output();

  AppendFile(dir / "logs" / "app.log", "warn second line\nerror third line\n");
  // Three streams (by level); lines read in one poll share a timestamp, so compare sorted.
  const Strings want = {"error third line", "info first line", "warn second line"};
  Strings got;
  EXPECT_TRUE(WaitFor([&] {
    got = StoreLines(dir, (dir / "data").string(), R"({job="app"})");
    std::sort(got.begin(), got.end());
    return got == want;
  })) << fmt::format("store has: {}\n", fmt::join(got, " | ")) << serve.Output();
  EXPECT_EQ(StoreLines(dir, (dir / "data").string(), R"({job="app", level="error"})"),
            (Strings{"error third line"}));

  httplib::Client client("127.0.0.1", port);
  httplib::Result metrics = client.Get("/metrics");
  ASSERT_TRUE(metrics);
  ASSERT_EQ(metrics->status, 200);
  const std::string path = (dir / "logs" / "app.log").string();
  EXPECT_NE(metrics->body.find(fmt::format("remediator_ship_read_lines_total{{path=\"{}\"}} 3", path)),
            std::string::npos)
      << metrics->body;
  EXPECT_NE(metrics->body.find(fmt::format("remediator_ship_read_bytes_total{{path=\"{}\"}} 50", path)),
            std::string::npos)
      << metrics->body;
  EXPECT_NE(metrics->body.find("remediator_ship_sent_entries_total{sink=\"store:"), std::string::npos)
      << metrics->body;
  EXPECT_NE(metrics->body.find("remediator_ship_stage_errors_total 0"), std::string::npos) << metrics->body;
  if (fs::exists(kPromtool)) {
    AppendFile(dir / "metrics.txt", metrics->body);
    Subprocess promtool;
    ASSERT_TRUE(promtool.Start(
        {"/bin/sh", "-c", std::string(kPromtool) + " check metrics < " + (dir / "metrics.txt").string()},
        (dir / "promtool.log").string()));
    int status = promtool.Wait(std::chrono::seconds(30));
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << ReadWholeFile((dir / "promtool.log").string()) << metrics->body;
  }

  ASSERT_TRUE(serve.Signal(SIGTERM));
  int status = serve.Wait(std::chrono::seconds(30));
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << serve.Output();
  std::string positions = ReadWholeFile((dir / "positions.yaml").string());
  EXPECT_NE(positions.find("app.log\": \"50\""), std::string::npos) << positions;
}

TEST(ServeShipsTest, BadShippingConfigStopsTheStartWithFileAndLine) {
  ScopedTempDir tmp("serve_ships_bad");
  ASSERT_FALSE(tmp.path().empty());
  fs::path dir = tmp.path();
  AppendFile(dir / "remediator.yml", std::string(kEngineConfig) + R"(scrape_configs:
  - job_name: app
    static_configs:
      - labels: {job: app, __path__: app.log}
    pipeline_stages:
      - jsn: {}
)");
  const std::string config = (dir / "remediator.yml").string();
  std::string out;
  EXPECT_EQ(RunRemediator(dir, {"check", "--config", config}, &out), 1);
  EXPECT_NE(out.find("remediator.yml:15: scrape_configs[0].pipeline_stages[0]"), std::string::npos) << out;
  EXPECT_EQ(RunRemediator(dir, {"serve", "--config", config}, &out), 1);
  EXPECT_NE(out.find("remediator.yml:15: scrape_configs[0].pipeline_stages[0]"), std::string::npos) << out;
}

}  // namespace
}  // namespace remediator::testing

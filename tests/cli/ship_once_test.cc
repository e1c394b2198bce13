// `remediator ship --once` over a file whose last line has no newline yet: the line is
// shipped once (end of input), the offset saved after it, and a second run adds nothing;
// what is appended later (the rest of that line, more lines) arrives exactly once.
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli/cli_test_util.h"

namespace remediator::testing {
namespace {

namespace fs = std::filesystem;
using Strings = std::vector<std::string>;

TEST(ShipOnceTest, UnterminatedLastLineIsShippedOnceAcrossRuns) {
  ScopedTempDir tmp("ship_once");
  ASSERT_FALSE(tmp.path().empty());
  fs::path dir = tmp.path();
  AppendFile(dir / "promtail.yml", R"(positions: {filename: positions.yaml}
storage: {path: data}
scrape_configs:
  - job_name: app
    static_configs:
      - labels: {job: app, __path__: app.log}
)");
  AppendFile(dir / "app.log", "one\ntwo\npartial");
  const std::string config = (dir / "promtail.yml").string();
  std::string out;
  for (int run = 0; run < 2; ++run) {
    ASSERT_EQ(RunRemediator(dir, {"ship", "--config", config, "--once"}, &out), 0) << out;
    EXPECT_EQ(StoreLines(dir, (dir / "data").string(), R"({job="app"})"), (Strings{"one", "two", "partial"}))
        << "after run " << run + 1;
  }
  std::string positions = ReadWholeFile((dir / "positions.yaml").string());
  EXPECT_NE(positions.find("app.log\": \"15\""), std::string::npos) << positions;

  AppendFile(dir / "app.log", "-rest\nthree\nfour\n");
  ASSERT_EQ(RunRemediator(dir, {"ship", "--config", config, "--once"}, &out), 0) << out;
  ASSERT_EQ(RunRemediator(dir, {"ship", "--config", config, "--once"}, &out), 0) << out;
  EXPECT_EQ(StoreLines(dir, (dir / "data").string(), R"({job="app"})"),
            (Strings{"one", "two", "partial", "-rest", "three", "four"}));
}

}  // namespace
}  // namespace remediator::testing

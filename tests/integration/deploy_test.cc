// The shipped deployment files stay valid: the example config loads, promtool accepts the
// alert rules, the dashboard is JSON with a query in every panel.
#include <cstdlib>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <simdjson.h>

#include "integration/subprocess.h"
#include "remediation/config.h"

namespace remediator::testing {
namespace {

const std::string kSource = REMEDIATOR_SOURCE_DIR;

TEST(Deploy, ExampleConfigLoads) {
  Result<remediation::Config> c = remediation::LoadConfig(kSource + "/deploy/example/remediator.yml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->listen, "127.0.0.1:9095");
  EXPECT_FALSE(c->auth.insecure_no_auth);
  EXPECT_FALSE(c->auth.bearer_token_file.empty());
  EXPECT_EQ(c->guards.rate_limit.max, 5);
  EXPECT_EQ(c->playbooks.size(), 2u);
  for (const auto& [name, p] : c->playbooks) {
    ASSERT_FALSE(p.command.empty());
    EXPECT_TRUE(std::filesystem::exists(p.command[0])) << p.command[0];
  }
}

TEST(Deploy, PromtoolAcceptsTheAlertRules) {
  if (!std::filesystem::exists("/usr/bin/promtool")) GTEST_SKIP() << "promtool not installed";
  const std::string dir = std::filesystem::temp_directory_path().string();
  Subprocess p;
  ASSERT_TRUE(p.Start({"/usr/bin/promtool", "check", "rules",
                       kSource + "/deploy/prometheus/remediator-rules.yml"},
                      dir + "/promtool-rules-" + std::to_string(::getpid()) + ".log"));
  int status = p.Wait(std::chrono::seconds(60));
  std::string out = p.Output();
  std::filesystem::remove(dir + "/promtool-rules-" + std::to_string(::getpid()) + ".log");
  ASSERT_TRUE(WIFEXITED(status)) << out;
  EXPECT_EQ(WEXITSTATUS(status), 0) << out;
  EXPECT_NE(out.find("SUCCESS"), std::string::npos) << out;
}

TEST(Deploy, DashboardIsJsonWithAQueryPerPanel) {
  simdjson::dom::parser parser;
  simdjson::padded_string json;
  ASSERT_EQ(simdjson::padded_string::load(kSource + "/deploy/grafana/remediator-dashboard.json")
                .get(json),
            simdjson::SUCCESS);
  simdjson::dom::element root;
  ASSERT_EQ(parser.parse(json).get(root), simdjson::SUCCESS);
  simdjson::dom::array panels;
  ASSERT_EQ(root["panels"].get_array().get(panels), simdjson::SUCCESS);
  ASSERT_GT(panels.size(), 5u);
  for (simdjson::dom::element panel : panels) {
    std::string_view title, expr;
    ASSERT_EQ(panel["title"].get(title), simdjson::SUCCESS);
    ASSERT_EQ(panel["targets"].at(0)["expr"].get(expr), simdjson::SUCCESS) << title;
    EXPECT_FALSE(expr.empty()) << title;
  }
}

}  // namespace
}  // namespace remediator::testing

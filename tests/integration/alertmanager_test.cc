// End to end with a real Alertmanager: Debian's prometheus-alertmanager posts to the built
// `remediator serve` with bearer auth; the test posts alerts to Alertmanager's /api/v2/alerts
// and reads the decision log. Shows execution, then idempotency, oscillation, circuit,
// rate-limit and protected-service blocking, the kill switch, SIGHUP reopening, /metrics
// accepted by promtool, and a clean SIGTERM.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <simdjson.h>

#include "integration/subprocess.h"

namespace remediator::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kAlertmanager = "/usr/bin/prometheus-alertmanager";
constexpr const char* kPromtool = "/usr/bin/promtool";
constexpr const char* kToken = "integration-token-0123456789";

int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

void WriteFile(const fs::path& path, const std::string& text, bool executable = false) {
  std::ofstream(path) << text;
  if (executable) fs::permissions(path, fs::perms::owner_all, fs::perm_options::add);
}

struct Decision {
  std::string alert;
  std::string action;
  std::string playbook;
  std::string service;  // parameters.service, "" when absent
  std::string reason;
  bool success = false;
};

std::vector<Decision> ReadDecisions(const fs::path& path) {
  std::vector<Decision> out;
  std::ifstream in(path);
  std::string line;
  simdjson::dom::parser parser;
  while (std::getline(in, line)) {
    simdjson::dom::element e;
    if (parser.parse(line).get(e) != simdjson::SUCCESS) continue;  // a line being written
    Decision d;
    std::string_view s;
    if (e["alert"].get(s) == simdjson::SUCCESS) d.alert = s;
    if (e["action"].get(s) == simdjson::SUCCESS) d.action = s;
    if (e["playbook"].get(s) == simdjson::SUCCESS) d.playbook = s;
    if (e["reason"].get(s) == simdjson::SUCCESS) d.reason = s;
    if (e["parameters"]["service"].get(s) == simdjson::SUCCESS) d.service = s;
    bool b = false;
    if (e["success"].get(b) == simdjson::SUCCESS) d.success = b;
    out.push_back(d);
  }
  return out;
}

std::string Describe(const std::vector<Decision>& ds) {
  std::string s;
  for (const Decision& d : ds) {
    s += fmt::format("  {} {} service={} playbook={} success={} reason={}\n", d.alert, d.action,
                     d.service, d.playbook, d.success, d.reason);
  }
  return s;
}

class AlertmanagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kAlertmanager)) {
      GTEST_SKIP() << kAlertmanager << " is not installed (apt-get install prometheus-alertmanager)";
    }
    const char* tmp = std::getenv("TMPDIR");
    std::string tmpl = fmt::format("{}/remediator-am-XXXXXX", tmp != nullptr ? tmp : "/tmp");
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    actions_ = dir_ / "actions.log";
    log_ = dir_ / "decisions.jsonl";

    WriteFile(dir_ / "token", std::string(kToken) + "\n");
    WriteFile(dir_ / "ok.sh",
              "#!/bin/sh\necho \"restarted $REMEDIATOR_PARAM_SERVICE\"\n"
              "echo \"$REMEDIATOR_PARAM_SERVICE\" >> \"$ACTIONS\"\n",
              true);
    WriteFile(dir_ / "fail.sh", "#!/bin/sh\necho 'cannot fix this' >&2\nexit 1\n", true);
    WriteFile(dir_ / "remediator.yml", fmt::format(R"(listen: 127.0.0.1:9095
auth:
  bearer_token_file: token
decision_log: decisions.jsonl
state: state.db
min_confidence: 80
guards:
  rate_limit: {{max: 7, window: 1h}}
  idempotency: {{window: 5m}}
  circuit_breaker: {{failures: 2, cooldown: 1h}}
  oscillation: {{threshold: 3, window: 15m}}
  protected_services: [traefik, authelia]
playbooks:
  restart-service:
    command: [{ok}]
    timeout: 20s
    env: {{ACTIONS: {actions}}}
    parameters: {{service: '^[a-z0-9][a-z0-9_.@-]*$'}}
  always-fails:
    command: [{fail}]
    timeout: 20s
routes:
  - matchers: ['alertname =~ "ServiceDown|Flapping|Quota|TraefikDown"']
    playbook: restart-service
    confidence: 90
    service: '{{{{ .Labels.name }}}}'
    parameters: {{service: '{{{{ .Labels.name }}}}'}}
  - matchers: ['alertname = "Broken"']
    playbook: always-fails
    confidence: 90
)",
                                                   fmt::arg("ok", (dir_ / "ok.sh").string()),
                                                   fmt::arg("fail", (dir_ / "fail.sh").string()),
                                                   fmt::arg("actions", actions_.string())));

    ASSERT_TRUE(serve_.Start({REMEDIATOR_BINARY, "serve", "--config",
                              (dir_ / "remediator.yml").string(), "--listen", "127.0.0.1:0"},
                             (dir_ / "serve.log").string()));
    std::smatch m;
    const std::regex listening(R"(listening on http://127\.0\.0\.1:(\d+))");
    ASSERT_TRUE(WaitFor([&] {
      std::string out = serve_.Output();
      return std::regex_search(out, m, listening);
    })) << serve_.Output();
    std::string out = serve_.Output();
    std::regex_search(out, m, listening);
    serve_port_ = std::stoi(m[1]);

    am_port_ = FreePort();
    WriteFile(dir_ / "alertmanager.yml", fmt::format(R"(route:
  receiver: remediator
  group_by: ['...']
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 2s
receivers:
  - name: remediator
    webhook_configs:
      - url: http://127.0.0.1:{port}/webhook
        send_resolved: false
        http_config:
          authorization:
            type: Bearer
            credentials_file: {token}
)",
                                                     fmt::arg("port", serve_port_),
                                                     fmt::arg("token", (dir_ / "token").string())));
    ASSERT_TRUE(am_.Start({kAlertmanager, "--config.file=" + (dir_ / "alertmanager.yml").string(),
                           "--storage.path=" + (dir_ / "am-data").string(),
                           fmt::format("--web.listen-address=127.0.0.1:{}", am_port_),
                           "--cluster.listen-address="},
                          (dir_ / "alertmanager.log").string()));
    ASSERT_TRUE(WaitFor([&] {
      httplib::Client c("127.0.0.1", am_port_);
      httplib::Result r = c.Get("/-/ready");
      return r && r->status == 200;
    })) << am_.Output();
  }

  void TearDown() override {
    am_.Kill();
    serve_.Kill();
    if (!HasFailure() && !dir_.empty()) fs::remove_all(dir_);
    if (HasFailure()) std::fprintf(stderr, "kept %s for inspection\n", dir_.c_str());
  }

  void PostAlert(const std::string& alertname, const std::string& name) {
    std::string body = fmt::format(
        R"([{{"labels":{{"alertname":"{}","name":"{}","severity":"critical"}},)"
        R"("annotations":{{"summary":"integration test"}}}}])",
        alertname, name);
    httplib::Client c("127.0.0.1", am_port_);
    httplib::Result r = c.Post("/api/v2/alerts", body, "application/json");
    ASSERT_TRUE(r) << httplib::to_string(r.error());
    ASSERT_EQ(r->status, 200) << r->body;
  }

  // Waits until the decision log holds a line for (alert, service) with `action` (and, for
  // "executed" outcomes, the given success: 1 true, 0 false).
  bool WaitDecision(const std::string& alert, const std::string& service,
                    const std::string& action, int success = -1) {
    return WaitFor([&] {
      for (const Decision& d : ReadDecisions(log_)) {
        // With `success` given, only an execution's outcome line counts, not the "queued" one.
        if (d.alert == alert && d.service == service && d.action == action &&
            (success < 0 || (d.success == (success == 1) && d.reason != "queued"))) {
          return true;
        }
      }
      return false;
    });
  }

  int CountActions(const std::string& service) {
    std::ifstream in(actions_);
    std::string line;
    int n = 0;
    while (std::getline(in, line)) n += line == service;
    return n;
  }

  int RunCli(const std::vector<std::string>& args) {
    Subprocess p;
    std::vector<std::string> argv = {REMEDIATOR_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    if (!p.Start(argv, (dir_ / "cli.log").string())) return -1;
    int status = p.Wait(std::chrono::seconds(30));
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  fs::path dir_, actions_, log_;
  Subprocess serve_, am_;
  int serve_port_ = 0, am_port_ = 0;
};

TEST_F(AlertmanagerTest, GuardsEndToEnd) {
  auto dump = [&] { return "decision log:\n" + Describe(ReadDecisions(log_)) + serve_.Output(); };

  // 1. A firing alert runs its playbook once; the outcome is its own line.
  PostAlert("ServiceDown", "jellyfin");
  ASSERT_TRUE(WaitDecision("ServiceDown", "jellyfin", "executed", 1)) << dump();
  ASSERT_TRUE(WaitFor([&] { return CountActions("jellyfin") == 1; })) << dump();

  // 2. Idempotency: Alertmanager re-sends the group (repeat_interval 2s): deduplicated.
  ASSERT_TRUE(WaitDecision("ServiceDown", "jellyfin", "deduplicated")) << dump();
  EXPECT_EQ(CountActions("jellyfin"), 1);

  // 3. Oscillation: three triggers of Flapping -> restart-service pass, the fourth is blocked.
  for (const char* name : {"flap-a", "flap-b", "flap-c"}) {
    PostAlert("Flapping", name);
    ASSERT_TRUE(WaitDecision("Flapping", name, "executed", 1)) << name << "\n" << dump();
  }
  PostAlert("Flapping", "flap-d");
  ASSERT_TRUE(WaitDecision("Flapping", "flap-d", "blocked_oscillation")) << dump();
  EXPECT_EQ(CountActions("flap-d"), 0);

  // 4. Circuit breaker: two failures open always-fails' circuit; the third alert is blocked.
  PostAlert("Broken", "broken-a");
  ASSERT_TRUE(WaitDecision("Broken", "", "executed", 0)) << dump();
  PostAlert("Broken", "broken-b");
  ASSERT_TRUE(WaitFor([&] {
    int failures = 0;
    for (const Decision& d : ReadDecisions(log_)) {
      failures += d.alert == "Broken" && d.action == "executed" && !d.success &&
                  d.reason != "queued";
    }
    return failures >= 2;
  })) << dump();
  PostAlert("Broken", "broken-c");
  ASSERT_TRUE(WaitDecision("Broken", "", "blocked_circuit_open")) << dump();

  // 5. Protected service: never acted on, and spends no budget.
  PostAlert("TraefikDown", "traefik");
  ASSERT_TRUE(WaitDecision("TraefikDown", "traefik", "blocked_protected_service")) << dump();
  EXPECT_EQ(CountActions("traefik"), 0);

  // 6. Global rate limit (7 per hour): 1 + 3 + 2 executions so far, one more runs, then blocked.
  PostAlert("Quota", "quota-a");
  ASSERT_TRUE(WaitDecision("Quota", "quota-a", "executed", 1)) << dump();
  PostAlert("Quota", "quota-b");
  ASSERT_TRUE(WaitDecision("Quota", "quota-b", "blocked_rate_limit")) << dump();
  EXPECT_EQ(CountActions("quota-b"), 0);

  // 7. The kill switch from the CLI: decisions are logged as paused, nothing runs.
  const std::string addr = fmt::format("http://127.0.0.1:{}", serve_port_);
  const std::string token_file = (dir_ / "token").string();
  EXPECT_EQ(RunCli({"pause", "--addr", addr}), 1) << ReadWholeFile(dir_ / "cli.log");  // no auth
  ASSERT_EQ(RunCli({"pause", "--addr", addr, "--token-file", token_file}), 0)
      << ReadWholeFile(dir_ / "cli.log");
  PostAlert("ServiceDown", "sonarr");
  ASSERT_TRUE(WaitDecision("ServiceDown", "sonarr", "paused")) << dump();
  EXPECT_EQ(CountActions("sonarr"), 0);
  ASSERT_EQ(RunCli({"resume", "--addr", addr, "--token-file", token_file}), 0);

  // 8. /metrics: promtool accepts it, and every metric the shipped alert rules and dashboard
  //    use is exported.
  httplib::Client c("127.0.0.1", serve_port_);
  httplib::Result metrics = c.Get("/metrics");
  ASSERT_TRUE(metrics);
  ASSERT_EQ(metrics->status, 200);
  EXPECT_NE(metrics->body.find("action=\"blocked_oscillation\""), std::string::npos)
      << metrics->body;
  EXPECT_NE(metrics->body.find("remediator_webhook_requests_total{code=\"200\"}"),
            std::string::npos);
  if (fs::exists(kPromtool)) {
    WriteFile(dir_ / "metrics.txt", metrics->body);
    Subprocess promtool;
    ASSERT_TRUE(promtool.Start({"/bin/sh", "-c",
                                std::string(kPromtool) + " check metrics < " +
                                    (dir_ / "metrics.txt").string()},
                               (dir_ / "promtool.log").string()));
    int status = promtool.Wait(std::chrono::seconds(30));
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << ReadWholeFile(dir_ / "promtool.log") << metrics->body;
  }
  std::set<std::string> used;
  const std::regex metric_name(R"(remediator_[a-z_]+)");
  for (const char* file : {"deploy/prometheus/remediator-rules.yml",
                           "deploy/grafana/remediator-dashboard.json"}) {
    std::string text = ReadWholeFile(std::string(REMEDIATOR_SOURCE_DIR) + "/" + file);
    for (std::sregex_iterator it(text.begin(), text.end(), metric_name), end; it != end; ++it) {
      std::string name = it->str();
      for (const char* suffix : {"_bucket", "_sum", "_count"}) {
        if (name.size() > std::strlen(suffix) &&
            name.compare(name.size() - std::strlen(suffix), std::string::npos, suffix) == 0) {
          name.resize(name.size() - std::strlen(suffix));
        }
      }
      used.insert(name);
    }
  }
  ASSERT_FALSE(used.empty());
  for (const std::string& name : used) {
    EXPECT_NE(metrics->body.find("# TYPE " + name + " "), std::string::npos)
        << name << " is used by deploy/ but not exported";
  }

  // 9. SIGHUP reopens the decision log after logrotate moved it.
  fs::rename(log_, dir_ / "decisions.jsonl.1");
  ASSERT_TRUE(serve_.Signal(SIGHUP));
  ASSERT_TRUE(WaitFor([&] { return serve_.Output().find("reopened") != std::string::npos; }));
  PostAlert("ServiceDown", "radarr");
  ASSERT_TRUE(WaitFor([&] {
    for (const Decision& d : ReadDecisions(log_)) {
      if (d.service == "radarr") return true;
    }
    return false;
  })) << serve_.Output();

  // 10. SIGTERM: a clean exit.
  am_.Kill();
  ASSERT_TRUE(serve_.Signal(SIGTERM));
  int status = serve_.Wait(std::chrono::seconds(30));
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << serve_.Output();
  EXPECT_EQ(serve_.Output().find(kToken), std::string::npos) << "a secret reached the log";
}

}  // namespace
}  // namespace remediator::testing

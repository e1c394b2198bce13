// remediator simulate --config FILE PAYLOAD.json...: runs webhook payloads through routing
// and the guards with in-memory state and a clock taken from the payloads' own times, and
// prints every decision. Nothing is executed and no state or log file is touched.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "alerts/payload.h"
#include "cli/command.h"
#include "core/clock.h"
#include "core/time_format.h"
#include "remediation/config.h"
#include "remediation/engine.h"

namespace remediator::cli {
namespace {

struct SimulateArgs {
  std::string config;
  std::vector<std::string> payloads;
  std::string output = "text";
};

bool ReadAll(const std::string& path, std::string& out) {
  if (path == "-") {
    out.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    return true;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

// The time a payload "happens": its latest alert event (startsAt of firing alerts, endsAt of
// resolved ones); INT64_MIN when it carries none.
int64_t PayloadTime(const alerts::Payload& p) {
  int64_t t = INT64_MIN;
  for (const alerts::Alert& a : p.alerts) {
    int64_t at = a.firing() ? a.starts_at_ns : a.ends_at_ns;
    if (at == INT64_MIN || at == INT64_MAX) at = a.starts_at_ns;
    if (at != INT64_MIN && at != INT64_MAX) t = std::max(t, at);
  }
  return t;
}

// "2026-01-01T10:00:00Z  ServiceDown -> restart-service  executed  (reason)"
void PrintText(std::string_view line) {
  // The line is our own JSON; pull the fields out for a readable summary.
  auto field = [&](std::string_view key) -> std::string {
    std::string pat = fmt::format("\"{}\":", key);
    size_t i = line.find(pat);
    if (i == std::string_view::npos) return "";
    i += pat.size();
    if (i < line.size() && line[i] == '"') {
      std::string out;
      for (size_t j = i + 1; j < line.size() && line[j] != '"'; ++j) {
        if (line[j] == '\\' && j + 1 < line.size()) ++j;
        out += line[j];
      }
      return out;
    }
    size_t end = line.find_first_of(",}", i);
    return std::string(line.substr(i, end - i));
  };
  std::string ts = field("timestamp");
  int64_t secs = std::atoll(ts.c_str());
  std::string playbook = field("playbook");
  std::printf("%s  %s -> %s  %s  (%s)\n", FormatRfc3339(secs * kNanosPerSecond).c_str(),
              field("alert").c_str(), playbook.empty() ? "-" : playbook.c_str(),
              field("action").c_str(), field("reason").c_str());
}

int RunSimulate(const SimulateArgs& args) {
  Result<remediation::Config> cfg = remediation::LoadConfig(args.config);
  if (!cfg.ok()) {
    std::fprintf(stderr, "%s\n", cfg.status().message().c_str());
    return 1;
  }
  // Read and parse every payload first: a bad one stops the run before any decision.
  std::vector<alerts::Payload> payloads;
  for (const std::string& path : args.payloads) {
    std::string body;
    if (!ReadAll(path, body)) {
      std::fprintf(stderr, "%s: cannot read\n", path.c_str());
      return 1;
    }
    Result<alerts::Payload> p = alerts::ParsePayload(body);
    if (!p.ok()) {
      std::fprintf(stderr, "%s: %s\n", path.c_str(), p.status().message().c_str());
      return 1;
    }
    payloads.push_back(std::move(p).value());
  }
  bool jsonl = args.output == "jsonl";
  FakeClock clock(SystemClock().NowNs());
  remediation::EngineOptions opts;
  opts.in_memory_state = true;
  opts.execute = false;
  opts.write_decision_log = false;
  opts.observer = [jsonl](std::string_view line) {
    if (jsonl) {
      std::fwrite(line.data(), 1, line.size(), stdout);
      std::fputc('\n', stdout);
    } else {
      PrintText(line);
    }
  };
  auto engine = remediation::Engine::Create(*cfg, clock, opts);
  if (!engine.ok()) {
    std::fprintf(stderr, "%s\n", engine.status().message().c_str());
    return 2;
  }
  bool first = true;
  for (const alerts::Payload& p : payloads) {
    int64_t t = PayloadTime(p);
    // The simulated clock follows the payloads and never goes back.
    if (t != INT64_MIN && (first || t > clock.NowNs())) clock.Set(t);
    first = false;
    auto r = (*engine)->Submit(p);
    if (!r.ok()) {
      std::fprintf(stderr, "%s\n", r.status().message().c_str());
      return 2;
    }
  }
  std::fflush(stdout);
  return 0;
}

}  // namespace

Command AddSimulateCommand(CLI::App& root) {
  Command c;
  c.app = root.add_subcommand(
      "simulate",
      "Run webhook payloads through routes and guards (in-memory state, the payloads' times as "
      "the clock) and print the decisions; nothing is executed");
  auto args = std::make_shared<SimulateArgs>();
  c.app->add_option("--config,-c", args->config, "The configuration file")->required();
  c.app->add_option("--output,-o", args->output, "text (default) or jsonl (decision-log lines)")
      ->check(CLI::IsMember({"text", "jsonl"}));
  c.app->add_option("payloads", args->payloads, "Webhook payload files (JSON; - for stdin)")
      ->required();
  c.run = [args] { return RunSimulate(*args); };
  return c;
}

}  // namespace remediator::cli

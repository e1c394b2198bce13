// remediator ship --config FILE [--once] [--dry-run] [--print]: the Promtail-compatible agent.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/command.h"
#include "cli/serve_shipping.h"
#include "core/clock.h"
#include "core/time_format.h"
#include "core/yaml_config.h"
#include "pipeline/metrics.h"
#include "pipeline/promtail_config.h"
#include "pipeline/shipper.h"

namespace remediator::cli {

namespace {

std::atomic<bool> g_stop{false};  // set by SIGINT/SIGTERM (a signal handler needs a global)

void OnSignal(int) { g_stop.store(true); }

// A remediator.yml carries its own keys beside Promtail's; those are validated by the engine.
bool LooksLikeRemediatorConfig(const YAML::Node& root) {
  if (!root.IsMap()) return false;
  for (const char* k : {"listen", "playbooks", "routes", "guards", "decision_log", "state", "auth",
                        "min_confidence", "dry_run"}) {
    if (root[k].IsDefined()) return true;
  }
  return false;
}

// Promtail's --dry-run shape: labels, timestamp, line, tab-separated.
void PrintEntry(const LogEntry& e) {
  std::string ts = FormatRfc3339Nano(e.timestamp_ns);
  if (!ts.empty() && ts.back() == 'Z') {
    ts.pop_back();
    ts += "+0000";
  }
  fmt::print("{}\t{}\t{}\n", FormatLabels(e.labels), ts, e.line);
}

void ShowProgress(const pipeline::ShipProgress& p, int64_t start_ns, int64_t now_ns) {
  double total = static_cast<double>(p.bytes_read) + static_cast<double>(p.bytes_remaining);
  if (total <= 0) return;
  double frac = static_cast<double>(p.bytes_read) / total;
  int width = 30;
  int done = static_cast<int>(frac * width);
  double secs = static_cast<double>(now_ns - start_ns) / 1e9;
  double mbps = secs > 0 ? static_cast<double>(p.bytes_read) / (1 << 20) / secs : 0;
  fmt::print(stderr, "\r[{}{}] {:5.1f}%  {:.0f} MiB  {:.0f} MiB/s  {} entries", std::string(done, '#'),
             std::string(width - done, '.'), frac * 100, static_cast<double>(p.bytes_read) / (1 << 20), mbps,
             p.entries);
}

struct Options {
  std::string config;
  bool once = false;
  bool dry_run = false;
  bool print = false;
};

int Run(const Options& o) {
  Result<YAML::Node> root = LoadYamlFile(o.config);
  if (!root.ok()) {
    fmt::print(stderr, "{}\n", root.status().message());
    return 1;
  }
  Result<pipeline::PromtailConfig> cfg =
      pipeline::ParsePromtailConfig(*root, ConfigContext{o.config}, !LooksLikeRemediatorConfig(*root));
  if (!cfg.ok()) {
    fmt::print(stderr, "{}\n", cfg.status().message());
    return 1;
  }
  if (cfg->scrape_configs.empty()) {
    fmt::print(stderr, "{}: scrape_configs: nothing to ship\n", o.config);
    return 1;
  }
  SystemClock clock;
  Shipping::Options so;
  so.dry_run = o.dry_run;
  so.query_store = false;  // ship never queries: no in-memory block index (flat memory)
  if (o.print) so.print = PrintEntry;
  Result<std::unique_ptr<Shipping>> shipping = Shipping::Open(*cfg, clock, so);
  if (!shipping.ok()) {
    fmt::print(stderr, "remediator ship: {}\n", shipping.status().message());
    return shipping.status().code() == StatusCode::kInvalidArgument ? 1 : 2;
  }
  pipeline::Shipper* shipper = &(*shipping)->shipper();
  Status st;
  if (o.once) {
    bool tty = ::isatty(2) != 0 && !o.print;
    int64_t start = clock.NowNs();
    int64_t last_shown = 0;
    st = shipper->RunOnce(20, [&](const pipeline::ShipProgress& p) {
      int64_t now = clock.NowNs();
      if (tty && p.bytes_read + p.bytes_remaining > (64u << 20) && now - last_shown > 200 * kNanosPerMilli) {
        ShowProgress(p, start, now);
        last_shown = now;
      }
    });
    if (tty && last_shown != 0) {
      ShowProgress(shipper->progress(), start, clock.NowNs());
      fmt::print(stderr, "\n");
    }
  } else {
    struct sigaction sa {};
    sa.sa_handler = OnSignal;
    ::sigaction(SIGINT, &sa, nullptr);
    ::sigaction(SIGTERM, &sa, nullptr);
    st = shipper->Run(g_stop);
  }
  Status closed = (*shipping)->Close();
  if (!closed.ok() && st.ok()) st = closed;
  pipeline::MetricsSnapshot m = (*shipping)->metrics().Snapshot();
  uint64_t lines = 0, bytes = 0;
  for (const auto& [path, c] : m.files) {
    lines += c.lines_read;
    bytes += c.bytes_read;
  }
  fmt::print(stderr, "remediator ship: {} lines ({} bytes) from {} files, {} stage errors\n", lines, bytes,
             m.files.size(), m.stage_errors);
  if (!st.ok()) {
    fmt::print(stderr, "remediator ship: {}\n", st.message());
    return 2;
  }
  return 0;
}

}  // namespace

Command AddShipCommand(CLI::App& root) {
  auto opts = std::make_shared<Options>();
  Command c;
  c.app = root.add_subcommand("ship", "Tail log files through Promtail-style pipelines into the store or Loki");
  c.app->add_option("--config", opts->config, "promtail.yml or remediator.yml")->required();
  c.app->add_flag("--once", opts->once, "Ingest what exists, then exit");
  c.app->add_flag("--dry-run", opts->dry_run, "Send nothing and save no positions");
  c.app->add_flag("--print", opts->print, "Print each entry: labels, timestamp, line");
  c.run = [opts] { return Run(*opts); };
  return c;
}

}  // namespace remediator::cli

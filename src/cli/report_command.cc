// remediator report: did the remediations help? For each playbook run in the range, the
// affected service's 5xx ratio in the access log before the run and after it, read from the
// embedded store (or any --store DIR) with LogQL. The decision log gives the runs.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/command.h"
#include "cli/time_range_args.h"
#include "core/clock.h"
#include "core/duration.h"
#include "core/json_writer.h"
#include "core/time_format.h"
#include "remediation/config.h"
#include "report/impact.h"
#include "report/remediation_reader.h"
#include "store/store.h"

namespace remediator::cli {
namespace {

struct ReportOptions {
  std::string config;
  std::string decision_log;
  std::string store;
  TimeRangeArgs range{.since = "7d", .start = "", .end = ""};
  std::string window = "30m";
  report::ImpactOptions impact;
  std::string output = "table";
};

std::string Ratio(const report::RequestCounts& c) {
  if (c.requests == 0) return "-";
  return fmt::format("{:.1f}% ({}/{})", 100 * c.ErrorRatio(), c.errors, c.requests);
}

void PrintTable(const std::vector<report::Impact>& impacts, const report::ImpactOptions& options) {
  std::printf("%-20s  %-24s  %-20s  %-16s  %-9s  %-22s  %-22s  %s\n", "STARTED (UTC)", "ALERT", "PLAYBOOK",
              "SERVICE", "RESULT", "5XX BEFORE", "5XX AFTER", "VERDICT");
  size_t counts[5] = {};
  for (const report::Impact& i : impacts) {
    const report::Remediation& r = i.remediation;
    ++counts[static_cast<int>(i.verdict)];
    std::string result = r.action == "executed" ? (r.success ? "success" : "failure") : r.action;
    std::printf("%-20s  %-24s  %-20s  %-16s  %-9s  %-22s  %-22s  %s\n", FormatRfc3339(r.started_ns).c_str(),
                r.alert.c_str(), r.playbook.c_str(), r.service.empty() ? "-" : r.service.c_str(), result.c_str(),
                Ratio(i.before).c_str(), Ratio(i.after).c_str(), std::string(report::VerdictName(i.verdict)).c_str());
  }
  std::printf("\n%zu remediations: %zu improved, %zu unchanged, %zu worse, %zu without traffic, %zu without a service\n",
              impacts.size(), counts[static_cast<int>(report::Verdict::kImproved)],
              counts[static_cast<int>(report::Verdict::kUnchanged)], counts[static_cast<int>(report::Verdict::kWorse)],
              counts[static_cast<int>(report::Verdict::kNoTraffic)],
              counts[static_cast<int>(report::Verdict::kNoService)]);
  std::printf("windows: %s before each start, %s after each end; errors: %s\n",
              FormatDuration(options.window_ns).c_str(), FormatDuration(options.window_ns).c_str(),
              options.error_filter.c_str());
  for (const report::Impact& i : impacts) {
    if (i.remediation.service.empty()) continue;
    auto q = report::QueryText(options, i.remediation.service, true);
    if (q.ok()) std::printf("the errors of %s, as LogQL: %s\n", i.remediation.service.c_str(), q->c_str());
    break;
  }
}

void PrintJson(const std::vector<report::Impact>& impacts) {
  std::string out = "[";
  auto field = [&out](std::string_view name, std::string_view value) {
    out += ",\"";
    out += name;
    out += "\":";
    AppendJsonString(out, value);
  };
  auto counts = [&out](std::string_view name, const report::RequestCounts& c) {
    out += fmt::format(",\"{}\":{{\"requests\":", name);
    AppendJsonNumber(out, c.requests);
    out += ",\"errors\":";
    AppendJsonNumber(out, c.errors);
    out += ",\"error_ratio\":";
    AppendJsonNumber(out, c.ErrorRatio());
    out += "}";
  };
  for (size_t n = 0; n < impacts.size(); ++n) {
    const report::Impact& i = impacts[n];
    const report::Remediation& r = i.remediation;
    out += n > 0 ? ",\n{\"started\":" : "\n{\"started\":";
    AppendJsonString(out, FormatRfc3339Nano(r.started_ns));
    field("ended", FormatRfc3339Nano(r.ended_ns));
    field("alert", r.alert);
    field("playbook", r.playbook);
    field("service", r.service);
    field("action", r.action);
    out += r.success ? ",\"success\":true" : ",\"success\":false";
    field("decision_id", r.decision_id);
    counts("before", i.before);
    counts("after", i.after);
    field("verdict", report::VerdictName(i.verdict));
    out += "}";
  }
  out += impacts.empty() ? "]" : "\n]";
  std::printf("%s\n", out.c_str());
}

int Run(ReportOptions o) {
  auto fail = [](const std::string& msg) {
    std::fprintf(stderr, "remediator report: %s\n", msg.c_str());
    return 2;
  };
  if (o.output != "table" && o.output != "json") return fail("--output must be table or json");
  if (!o.config.empty()) {
    auto cfg = remediation::LoadConfig(o.config);
    if (!cfg.ok()) return fail(cfg.status().message());
    if (o.decision_log.empty()) o.decision_log = cfg->decision_log;
    if (o.store.empty()) o.store = cfg->storage.path;
  }
  if (o.decision_log.empty() || o.store.empty()) {
    return fail("give --config FILE, or both --decision-log FILE and --store DIR");
  }
  auto window = ParseDuration(o.window);
  if (!window.ok() || *window <= 0) return fail("--window: expected a positive duration such as 30m");
  o.impact.window_ns = *window;

  SystemClock clock;
  auto range = ResolveTimeRange(o.range, clock);
  if (!range.ok()) return fail(range.status().message());

  auto scan = report::ReadRemediations(o.decision_log, range->start_ns, range->end_ns);
  if (!scan.ok()) return fail(scan.status().message());
  if (scan->malformed > 0) {
    std::fprintf(stderr, "remediator report: %s: skipped %zu lines that are not decisions (first: line %zu)\n",
                 o.decision_log.c_str(), scan->malformed, scan->first_malformed_line);
  }
  store::StoreOptions sopts;
  sopts.dir = o.store;
  sopts.read_only = true;  // a running `serve`/`ship` may be writing it
  auto st = store::Store::Open(sopts);
  if (!st.ok()) return fail(st.status().message());
  auto impacts = report::MeasureImpact(**st, scan->remediations, o.impact);
  if (!impacts.ok()) return fail(impacts.status().message());
  if (o.output == "json") {
    PrintJson(*impacts);
  } else {
    PrintTable(*impacts, o.impact);
  }
  return 0;
}

}  // namespace

Command AddReportCommand(CLI::App& root) {
  Command c;
  c.app = root.add_subcommand("report", "Did the remediations help? Error ratios of each service before and after");
  auto o = std::make_shared<ReportOptions>();
  c.app->add_option("--config", o->config, "remediator.yml: takes decision_log and storage.path from it");
  c.app->add_option("--decision-log", o->decision_log, "The decision log (JSONL); overrides the config's");
  c.app->add_option("--store", o->store, "The embedded store holding the access log; overrides the config's");
  c.app->add_option("--since", o->range.since, "Runs that started in this range ending now (or at --end) (default 7d)");
  c.app->add_option("--start", o->range.start, "Range start: RFC 3339 or Unix time");
  c.app->add_option("--end", o->range.end, "Range end: RFC 3339 or Unix time (default now)");
  c.app->add_option("--window", o->window, "How long before each start and after each end to count (default 30m)");
  c.app->add_option("--access-selector", o->impact.access_selector,
                    "The access log's streams (default {job=\"traefik-access\"})");
  c.app->add_option("--service-label", o->impact.service_label,
                    "The stream label naming the service; `x` matches x and x@provider (default service)");
  c.app->add_option("--error-filter", o->impact.error_filter,
                    "LogQL pipeline keeping the error requests (default | status=~\"5..\")");
  c.app->add_option("--output,-o", o->output, "table (default) or json");
  c.run = [o] { return Run(*o); };
  return c;
}

}  // namespace remediator::cli

// libFuzzer target for the Promtail config: arbitrary YAML goes through ParsePromtailConfig
// (strict top level); when it is valid, a few log lines run through every job's stages
// (built as the shipper builds them), then the pipelines are ticked and closed. Any input
// gives a config or a "file:line: key: message" error, never a crash, a hang or an escaped
// exception; entries that come out carry valid labels.
//
// Input: the config, optionally followed by a line "%%" and the log lines to run (else a
// fixed set: a decision-log line, a Traefik line, logfmt, plain text, an empty line).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/yaml_config.h"
#include "pipeline/metrics.h"
#include "pipeline/promtail_config.h"
#include "pipeline/stage_pipeline.h"

using namespace remediator;
using namespace remediator::pipeline;

namespace {

constexpr std::string_view kDefaultLines[] = {
    R"({"timestamp":1735228800.123456,"alert":"SystemDiskSpaceCritical","playbook":"disk-cleanup","success":true,"confidence":90,"parameters":{"mountpoint":"/"},"stdout":"freed 2G","stderr":""})",
    R"({"StartUTC":"2025-12-26T10:00:00.123456789Z","RequestMethod":"GET","RequestPath":"/api/x","DownstreamStatus":502,"Duration":1234,"ServiceName":"jellyfin@docker","ClientAddr":"10.0.0.1:5000"})",
    R"(level=info msg="hello world" status=200 duration=1.5s)",
    "2025-12-26 10:00:00.000 plain text line with a number 42",
    "",
};

class Checker final : public EntryConsumer {
 public:
  void Consume(PipelineEntry& e) override {
    for (const Label& l : e.entry.labels) {
      if (l.name.empty()) std::abort();  // a stage let an empty label name through
    }
    ++count;
  }
  size_t count = 0;
};

bool LooksLikeFileReference(std::string_view text) {
  // Config keys that read files at load (secrets): keep the fuzzer off /dev/* and friends.
  return text.find("_file") != std::string_view::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  if (LooksLikeFileReference(input)) return 0;
  std::string_view yaml = input;
  std::vector<std::string_view> lines;
  if (size_t sep = input.find("\n%%\n"); sep != std::string_view::npos) {
    yaml = input.substr(0, sep);
    std::string_view rest = input.substr(sep + 4);
    while (!rest.empty() && lines.size() < 32) {
      size_t nl = rest.find('\n');
      lines.push_back(rest.substr(0, nl));
      if (nl == std::string_view::npos) break;
      rest.remove_prefix(nl + 1);
    }
  } else {
    lines.assign(std::begin(kDefaultLines), std::end(kDefaultLines));
  }
  const std::string file = "/nonexistent/promtail.yml";  // relative paths resolve under it
  Result<YAML::Node> root = ParseYaml(yaml, file);
  if (!root.ok()) return 0;
  Result<PromtailConfig> config = ParsePromtailConfig(*root, ConfigContext{file}, true);
  if (!config.ok()) {
    if (config.status().message().rfind(file, 0) != 0) std::abort();  // errors name the file
    return 0;
  }
  FakeClock clock(1'766'743'200'000'000'000);  // 2025-12-26T10:00:00Z
  ShipMetrics metrics;
  Throttle throttle;
  for (const ScrapeConfig& sc : config->scrape_configs) {
    StageContext ctx;
    ctx.config = config->ctx;
    ctx.clock = &clock;
    ctx.metrics = &metrics;
    ctx.job_name = sc.job_name;
    ctx.throttle = &throttle;
    // The config was validated with these stages: building them again must work.
    Result<std::unique_ptr<StagePipeline>> p = StagePipeline::Create(ctx, sc.pipeline_stages, sc.stages_path);
    if (!p.ok()) std::abort();
    Checker out;
    (*p)->SetOutput(&out);
    const Labels base = sc.targets.empty() ? Labels{} : sc.targets.front().labels;
    for (std::string_view line : lines) {
      PipelineEntry e;
      e.entry.line.assign(line);
      e.entry.labels = base;
      SetLabel(e.entry.labels, "filename", "/var/log/app.log");
      e.entry.timestamp_ns = clock.NowNs();
      e.read_time_ns = clock.NowNs();
      (*p)->Process(e);
      clock.Advance(1'000'000'000);
      (*p)->Tick(clock.NowNs());
    }
    clock.Advance(60'000'000'000);
    (*p)->Tick(clock.NowNs());
    (*p)->Close();
  }
  return 0;
}

// libFuzzer target for the pipeline stages: one input picks or builds a pipeline_stages
// config and supplies the log lines it runs on. Any config built from input either builds
// or fails with a Status; every line gives zero or one entry (multiline may join several),
// never a crash, a hang, a leak or undefined behaviour; entries that come out carry valid
// label names and UTF-8 label values.
//
// Input: a header line, then the log lines (at most kMaxLines). The header's first byte
// picks the pipeline and the rest of the header is its parameter:
//   'T'  a template stage whose template is the parameter
//   'R'  a replace stage whose replace template is the parameter
//   'L'  a timestamp stage whose format is the parameter, with a location; 'l' without
//   'M'  a match stage (action keep) whose selector is the parameter; 'D' action drop
//   'J'  a json stage whose expression is the parameter
//   any other byte: one of kFixedConfigs ('0' the first, cycling); the parameter is unused.
// Time comes from a fake clock: each line is read one second after the previous one, the
// pipeline is ticked after each line and closed at the end. No threads, no sleeps.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/clock.h"
#include "core/go_time.h"
#include "core/labels.h"
#include "core/yaml_config.h"
#include "pipeline/metrics.h"
#include "pipeline/stage_pipeline.h"
#include "pipeline/stages/label_names.h"

using namespace remediator;
using namespace remediator::pipeline;

namespace {

constexpr size_t kMaxLines = 24;  // enough for multiline blocks and limit bursts; keeps slow inputs short
constexpr int64_t kStartNs = 1'766'743'200'000'000'000;  // 2025-12-26T10:00:00Z
constexpr std::string_view kFile = "fuzz.yml";

// Fixed, valid configs; together they use every stage and most options.
constexpr std::string_view kFixedConfigs[] = {
    // json: dotted paths, quoted keys, indexes, objects, source; timestamps; templates.
    R"yaml(
- json:
    expressions:
      msg: message
      level:
      ts: time
      user: extra.user
      first: tags[0]
      last: tags[-1]
      grpc: '"grpc.method"'
      deep: 'obj."a.b".c'
      obj: extra
      payload:
- json:
    source: payload
    expressions: {inner: inner.value, code: 'codes[1]', q: '"k.x"[0]'}
- labels: {level: , user: , code: }
- timestamp:
    source: ts
    format: RFC3339Nano
    fallback_formats: [RFC3339, Unix, UnixMs, UnixUs, UnixNs]
- template: {source: kv, template: '{{ range $k, $v := fromJson .Entry }}{{ $k }}={{ $v }},{{ else }}none{{ end }}'}
- template: {source: msg, template: '{{ if .msg }}{{ .msg | ToUpper }}{{ else }}{{ .Entry | trunc 20 }}{{ end }}'}
- template: {source: idx, template: '{{ with fromJson .Entry }}{{ index . "tags" }}{{ end }}{{ range $i := 3 }}{{ $i }}{{ end }}'}
- match:
    selector: '{app="promtail"}'
    stages:
      - json: {expressions: {strict: message}, drop_malformed: true}
- output: {source: msg}
)yaml",
    // regex with named groups and source; a custom layout with location; label stages.
    R"yaml(
- regex:
    expression: '(?s)^(?P<time>\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?: [+-]\d{4})?)\s+(?P<level>[A-Za-z]+)\s+(?P<content>.*)$'
- regex: {source: content, expression: '(?P<status>\d{3})\b'}
- timestamp:
    source: time
    format: '2006-01-02 15:04:05.000'
    location: Europe/Berlin
    fallback_formats: ['2006-01-02T15:04:05', DateTime, '02/01/2006 3:04:05 PM', '2006-01-02 15:04:05 -0700', '2006-01-02 15:04:05.999999999 -0700 MST']
    action_on_failure: skip
- labels: {level: , status: , severity: level}
- static_labels: {env: prod, region: eu-1}
- labeldrop: [region, filename]
- labelallow: [job, app, level, status, env, severity]
- output: {source: content}
)yaml",
    // Every named Go layout, fudged times, and formatting times back in templates.
    R"yaml(
- regex: {expression: '(?s)^(?P<ts>.*?)(?: \| (?P<rest>.*))?$'}
- timestamp:
    source: ts
    format: ANSIC
    location: America/New_York
    fallback_formats: [UnixDate, RubyDate, RFC822, RFC822Z, RFC850, RFC1123, RFC1123Z, RFC3339, RFC3339Nano, Kitchen, Stamp, StampMilli, StampMicro, StampNano, DateTime, DateOnly, TimeOnly, Unix, 'Jan 2, 2006 at 3:04pm (MST)', '20060102150405.000000']
- template: {source: iso, template: '{{ __timestamp__ | date "2006-01-02T15:04:05.000Z07:00" }} {{ __timestamp__ | unixEpoch }} {{ __timestamp__ | unixEpochMillis }}'}
- template: {source: zoned, template: '{{ toDateInZone "2006-01-02 15:04:05" "Asia/Tokyo" .ts | date "Mon Jan _2 15:04:05 MST 2006" }}'}
- template: {source: unix, template: '{{ .rest | unixToTime | date "Jan 02 15:04:05.000000" }} {{ now | date "15:04" }}'}
- timestamp: {source: rest, format: UnixMs}
- labels: {ts: }
)yaml",
    // logfmt with mapping and source; many template functions.
    R"yaml(
- logfmt:
    mapping: {level: , msg: , dur: duration, status: , user: , ts: time, payload: }
- logfmt: {source: payload, mapping: {inner: }}
- template: {source: level, template: '{{ ToLower .Value | default "info" }}'}
- template: {source: msg, template: '{{ Replace .Value "secret" "***" -1 | TrimSpace | TrimPrefix "x" | TrimSuffix "y" | Trim "-" }}'}
- template: {source: path, template: '{{ regexReplaceAll "(\\d+)" .Entry "N" }}|{{ regexReplaceAllLiteral `[aeiou]` .Entry "$1" }}'}
- template: {source: p, template: '{{ printf "%s|%5.2f|%q|%x|%-8v|%03d|%t|%e|%X|%c|%o|%b|%%" .level (.dur | float64) .msg .user .status (len .Entry) true 1.5 255 65 8 5 }}'}
- template: {source: sev, template: '{{ $s := .status | int }}{{ if ge $s 500 }}error{{ else if ge $s 400 }}warn{{ else }}ok{{ end }}'}
- template: {source: s, template: '{{- /* chain */ -}} {{ .msg | b64enc | b64dec | title | trimAll " " | substr 0 10 | repeat 2 | indent 2 | nindent 1 | alignLeft 12 | alignRight 14 | lower | upper }}'}
- template: {source: n, template: '{{ add (len .Entry) 1 | mul 2 | sub 100 | div 3 | mod 7 }} {{ max 1 2 (len .msg) }} {{ min 5 (len .Entry) }} {{ ceil 1.5 }} {{ floor (.dur | float64) }} {{ round 3.14159 2 }} {{ addf 1.5 2 }} {{ subf 1 0.5 }} {{ mulf 2 .dur }} {{ divf 1 (len .Entry) }} {{ maxf 1 2.5 }} {{ minf 1 2.5 }}'}
- template: {source: misc, template: '{{ .user | urlencode }} {{ .msg | urldecode }} {{ urlquery .msg }} {{ html .msg }} {{ count "a" .Entry }} {{ contains "err" .Entry }} {{ hasPrefix "x" .Entry }} {{ hasSuffix "z" .Entry }} {{ .dur | duration }} {{ .payload | bytes }}'}
- template: {source: logic, template: '{{ eq .level "warn" "error" }} {{ ne .msg "" }} {{ lt 1 2 }} {{ le 2 2 }} {{ gt 3 1 }} {{ and .level .msg }} {{ or .nope "d" }} {{ not .x }} {{ print .a 1 2.5 true nil }} {{ println .level }} {{ len .Entry }} {{ TrimLeft "a" .Entry }} {{ TrimRight "z" .Entry }} {{ replace "a" "b" .Entry }} {{ trimSuffix "z" .Entry }} {{ trimPrefix "a" .Entry }}'}
- template: {source: vars, template: '{{ $x := .level }}{{ $x = printf "%s!" $x }}{{ $x }}{{ with $y := .user }}{{ $y }}{{ else }}-{{ end }} {{ __line__ | trim }}'}
- labels: {level: , sev: }
- output: {source: p}
)yaml",
    // match with selectors, nested stages and action drop; drop conditions.
    R"yaml(
- regex: {expression: '^(?P<epoch>\d{9,11})\b'}
- timestamp: {source: epoch, format: Unix, action_on_failure: skip}
- match:
    selector: '{app="loki"} |= "level=" !~ "debug|trace"'
    stages:
      - logfmt: {mapping: {level: , msg: }}
      - labels: {level: }
      - match:
          selector: '{level="info"}'
          action: drop
          drop_counter_reason: nested_info
- match:
    selector: '{app=~"prom.*"} |~ "(?i)noisy" != "keep"'
    action: drop
    drop_counter_reason: noisy
- match:
    pipeline_name: api
    selector: '{app!="loki", job="fuzz"} !~ "^#"'
    stages:
      - regex: {expression: '^(?P<method>[A-Z]+) (?P<path>\S+)'}
      - drop: {source: method, value: OPTIONS}
      - drop: {source: [method, path], separator: ' ', expression: '^GET /health'}
- drop: {expression: '^\s*$', drop_counter_reason: empty}
- drop: {longer_than: 200}
- drop: {older_than: 1h}
- drop: {source: level, expression: 'warn', longer_than: 8b}
)yaml",
    // multiline, replace with expression / source / templates, pack.
    R"yaml(
- multiline:
    firstline: '^\[?\d{4}-\d{2}-\d{2}'
    max_wait_time: 2s
    max_lines: 4
- replace: {expression: 'password=(\S+)', replace: '****'}
- replace: {expression: '(?P<ip>\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})', replace: '{{ .Value | ToUpper }}[{{ .ip }}]'}
- replace: {expression: '(\s+)$', replace: ''}
- regex: {expression: '^(?P<word>\w*)'}
- replace: {expression: '(\w)', source: word, replace: '{{ .Value }}{{ .Value }}'}
- replace: {expression: '(a*)', replace: '<{{ .Value }}>'}
- replace: {expression: '(?P<outer>x(?P<inner>y))', replace: 'z'}
- pack: {labels: [app, word, missing], ingest_timestamp: true}
)yaml",
    // A multiline nested in match, limits (drop and back-pressure), pack then unpack by json.
    R"yaml(
- match:
    selector: '{app="api"}'
    stages:
      - multiline: {firstline: '^\S', max_lines: 3, max_wait_time: 1500ms}
      - regex: {expression: '^(?P<first>[^\n]*)'}
      - template: {source: lines, template: '{{ count "\n" .Entry | add 1 }}'}
      - labels: {lines: }
- limit: {rate: 2, burst: 3, drop: true, by_label_name: app, max_distinct_labels: 2}
- limit: {rate: 1.5, burst: 1}
- static_labels: {stage: limited}
- pack: {labels: [stage, first], ingest_timestamp: false}
- json: {expressions: {entry: _entry, packed_stage: stage}}
- output: {source: entry}
)yaml",
};

// Skeletons of the configs whose one value comes from the input.
constexpr std::string_view kTemplateSkeleton = R"yaml(
- regex: {expression: '(?s)^(?P<first>\S*)\s*(?P<rest>.*)$'}
- logfmt: {mapping: {level: , msg: , n: }}
- template: {source: out}
- output: {source: out}
)yaml";
constexpr std::string_view kReplaceSkeleton = R"yaml(
- replace: {expression: '(?P<word>[a-z]+)|(\d+)'}
)yaml";
constexpr std::string_view kTimestampSkeleton = R"yaml(
- regex: {expression: '(?s)^(?P<ts>.*)$'}
- timestamp: {source: ts, fallback_formats: [RFC3339Nano, Unix]}
- template: {source: back, template: '{{ __timestamp__ | unixEpochNanos }}'}
)yaml";
constexpr std::string_view kMatchKeepSkeleton = R"yaml(
- match:
    stages:
      - regex: {expression: '^(?P<level>\w+)'}
      - labels: {level: }
)yaml";
constexpr std::string_view kMatchDropSkeleton = R"yaml(
- match: {action: drop, drop_counter_reason: fuzz}
)yaml";
constexpr std::string_view kJsonSkeleton = R"yaml(
- json: {expressions: {v: placeholder}}
- labels: {v: }
- output: {source: v}
)yaml";

YAML::Node ParseFixed(std::string_view yaml) {
  Result<YAML::Node> node = ParseYaml(yaml, std::string(kFile));
  if (!node.ok()) {
    std::fprintf(stderr, "embedded config does not parse: %s\n", node.status().message().c_str());
    std::abort();
  }
  return *node;
}

// The stages for `header`, and the custom time layout when the header gives one.
struct Chosen {
  YAML::Node stages;
  bool from_input = false;  // built from input: may fail to build
  std::string layout;
};

Chosen Choose(std::string_view header) {
  char mode = header.empty() ? '0' : header[0];
  const std::string param(header.empty() ? header : header.substr(1));
  Chosen c;
  c.from_input = true;
  switch (mode) {
    case 'T':
      c.stages = ParseFixed(kTemplateSkeleton);
      c.stages[2]["template"]["template"] = param;
      return c;
    case 'R':
      c.stages = ParseFixed(kReplaceSkeleton);
      c.stages[0]["replace"]["replace"] = param;
      return c;
    case 'L':
    case 'l':
      c.stages = ParseFixed(kTimestampSkeleton);
      c.stages[1]["timestamp"]["format"] = param;
      if (mode == 'L') c.stages[1]["timestamp"]["location"] = "Australia/Lord_Howe";
      c.layout = param;
      return c;
    case 'M':
    case 'D':
      c.stages = ParseFixed(mode == 'M' ? kMatchKeepSkeleton : kMatchDropSkeleton);
      c.stages[0]["match"]["selector"] = param;
      return c;
    case 'J':
      c.stages = ParseFixed(kJsonSkeleton);
      c.stages[0]["json"]["expressions"]["v"] = param;
      return c;
    default:
      break;
  }
  constexpr size_t kCount = std::size(kFixedConfigs);
  c.stages = ParseFixed(kFixedConfigs[static_cast<unsigned char>(mode - '0') % kCount]);
  c.from_input = false;
  return c;
}

// Checks what comes out and, with a layout, formats its time back with that layout.
class Checker final : public EntryConsumer {
 public:
  Checker(const std::string& layout, const TimeZone* zone) : layout_(layout), zone_(zone) {}

  void Consume(PipelineEntry& e) override {
    for (const Label& l : e.entry.labels) {
      if (!stages::IsValidLabelName(l.name) || !stages::IsValidUtf8(l.value)) {
        std::fprintf(stderr, "bad label %s\n", FormatLabels(e.entry.labels).c_str());
        std::abort();
      }
    }
    if (!layout_.empty()) {
      scratch_.clear();
      AppendGoTime(scratch_, layout_, e.entry.timestamp_ns, zone_);
      (void)ParseGoTime(layout_, scratch_);
    }
    ++count;
  }
  size_t count = 0;

 private:
  const std::string& layout_;
  const TimeZone* zone_;
  std::string scratch_;
};

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty() && lines.size() < kMaxLines) {
    size_t nl = text.find('\n');
    lines.push_back(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return lines;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t nl = input.find('\n');
  std::string_view header = input.substr(0, nl);
  std::vector<std::string_view> lines =
      SplitLines(nl == std::string_view::npos ? std::string_view() : input.substr(nl + 1));

  Chosen chosen = Choose(header);
  FakeClock clock(kStartNs);
  ShipMetrics metrics;
  Throttle throttle;
  StageContext ctx;
  ctx.config = ConfigContext{std::string(kFile)};
  ctx.clock = &clock;
  ctx.metrics = &metrics;
  ctx.job_name = "fuzz";
  ctx.throttle = &throttle;
  Result<std::unique_ptr<StagePipeline>> p = StagePipeline::Create(ctx, chosen.stages, "pipeline_stages");
  if (!p.ok()) {
    if (!chosen.from_input || p.status().message().rfind(kFile, 0) != 0) {
      std::fprintf(stderr, "config failed: %s\n", p.status().message().c_str());
      std::abort();  // a fixed config must build; errors name the file
    }
    return 0;
  }
  std::shared_ptr<const TimeZone> zone;
  if (!chosen.layout.empty()) {
    Result<std::shared_ptr<const TimeZone>> z = TimeZone::Load("Asia/Kathmandu");
    if (z.ok()) zone = *z;
  }
  Checker out(chosen.layout, zone.get());
  (*p)->SetOutput(&out);

  constexpr std::string_view kApps[] = {"api", "loki", "promtail"};
  for (size_t i = 0; i < lines.size(); ++i) {
    PipelineEntry e;
    e.entry.line.assign(lines[i]);
    SetLabel(e.entry.labels, "job", "fuzz");
    SetLabel(e.entry.labels, "app", kApps[i % std::size(kApps)]);
    SetLabel(e.entry.labels, "filename", "/var/log/app.log");
    e.entry.timestamp_ns = clock.NowNs();
    e.read_time_ns = clock.NowNs();
    (*p)->Process(e);
    clock.Advance(kNanosPerSecond);
    (*p)->Tick(clock.NowNs());
  }
  (*p)->Close();
  if (out.count > lines.size()) {
    std::fprintf(stderr, "%zu entries out of %zu lines\n", out.count, lines.size());
    std::abort();
  }
  return 0;
}

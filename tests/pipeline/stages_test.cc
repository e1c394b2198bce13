// Each stage on the cases Promtail's stage documentation describes (own wording and data),
// plus config errors that name the key and line.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "stage_test_util.h"

namespace remediator::pipeline {
namespace {

using testing::Extracted;
using testing::StageRunner;

constexpr int64_t kNow = 1'700'000'000'000'000'000;  // 2023-11-14T22:13:20Z

TEST(JsonStageTest, ExpressionsPathsQuotedKeysAndIndexes) {
  StageRunner r(R"(
- json:
    expressions:
      out: log
      stream:
      ts: time
      user: extra.user
      first: tags[0]
      last: tags[-1]
      grpc: '"grpc.stream"'
      nested: 'obj."a.b".c'
      missing: nope.deeper
      obj: extra
      flag: ok
      nothing: nul
      big: n
)");
  ASSERT_TRUE(r.status().ok()) << r.status().ToString();
  auto out = r.Run(R"({"log":"log message\n","stream":"stderr","time":"2019-04-30T02:12:41.8443515Z",)"
                   R"("extra":{"user":"marco","z":1,"a":"<b>"},"tags":["x","y","z"],"grpc.stream":"s1",)"
                   R"("obj":{"a.b":{"c":"deep"}},"ok":true,"nul":null,"n":1e21})");
  ASSERT_EQ(out.size(), 1u);
  const PipelineEntry& e = out[0];
  EXPECT_EQ(Extracted(e, "out"), "log message\n");
  EXPECT_EQ(Extracted(e, "stream"), "stderr");
  EXPECT_EQ(Extracted(e, "ts"), "2019-04-30T02:12:41.8443515Z");
  EXPECT_EQ(Extracted(e, "user"), "marco");
  EXPECT_EQ(Extracted(e, "first"), "x");
  EXPECT_EQ(Extracted(e, "last"), "z");
  EXPECT_EQ(Extracted(e, "grpc"), "s1");
  EXPECT_EQ(Extracted(e, "nested"), "deep");
  EXPECT_EQ(Extracted(e, "missing"), "<null>");
  EXPECT_EQ(Extracted(e, "obj"), R"({"a":"\u003cb\u003e","user":"marco","z":1})");
  EXPECT_EQ(Extracted(e, "flag"), "true");
  EXPECT_EQ(Extracted(e, "nothing"), "<null>");
}

TEST(JsonStageTest, SourceAndDropMalformed) {
  StageRunner r(R"(
- json: {expressions: {extra: }}
- json: {expressions: {user: }, source: extra}
)");
  ASSERT_TRUE(r.status().ok()) << r.status().ToString();
  auto out = r.Run(R"({"extra":"{\"user\":\"marco\"}"})");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(Extracted(out[0], "user"), "marco");

  StageRunner drop("[{json: {expressions: {a: a}, drop_malformed: true}}]");
  EXPECT_TRUE(drop.Run("{not json").empty());
  EXPECT_TRUE(drop.Run("[1,2]").empty());  // not an object
  EXPECT_EQ(drop.Run(R"({"a":1})").size(), 1u);
  EXPECT_EQ(drop.metrics().Snapshot().dropped_by_reason["json_malformed"], 2u);
}

TEST(RegexStageTest, NamedGroups) {
  StageRunner r(R"(
- regex:
    expression: '^(?s)(?P<time>\S+?) (?P<stream>stdout|stderr) (?P<flags>\S+?) (?P<content>.*)$'
)");
  ASSERT_TRUE(r.status().ok()) << r.status().ToString();
  auto out = r.Run("2019-01-01T01:00:00.000000001Z stderr P i'm a log message!");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(Extracted(out[0], "time"), "2019-01-01T01:00:00.000000001Z");
  EXPECT_EQ(Extracted(out[0], "stream"), "stderr");
  EXPECT_EQ(Extracted(out[0], "flags"), "P");
  EXPECT_EQ(Extracted(out[0], "content"), "i'm a log message!");
  auto miss = r.Run("no match");
  EXPECT_EQ(Extracted(miss[0], "time"), "<absent>");
}

TEST(RegexStageTest, Source) {
  StageRunner r(R"(
- regex: {expression: '^(?P<year>\d+)', source: time}
)");
  auto out = r.Run("line");
  EXPECT_EQ(Extracted(out[0], "year"), "<absent>");  // source missing: no-op
  StageRunner r2(R"(
- regex: {expression: '^(?P<time>\S+)'}
- regex: {expression: '^(?P<year>\d+)', source: time}
)");
  out = r2.Run("2019-01-01T01:00:00Z rest");
  EXPECT_EQ(Extracted(out[0], "year"), "2019");
}

TEST(LogfmtStageTest, Mapping) {
  StageRunner r(R"(
- logfmt:
    mapping:
      timestamp: time
      app:
      duration:
      unknown:
      msg: message
)");
  ASSERT_TRUE(r.status().ok()) << r.status().ToString();
  auto out = r.Run(R"(time=2012-11-01T22:08:41+00:00 app=loki level=WARN duration=125 message="this is a \"log\" line" extra="user=foo")");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(Extracted(out[0], "timestamp"), "2012-11-01T22:08:41+00:00");
  EXPECT_EQ(Extracted(out[0], "app"), "loki");
  EXPECT_EQ(Extracted(out[0], "duration"), "125");
  EXPECT_EQ(Extracted(out[0], "msg"), "this is a \"log\" line");
  EXPECT_EQ(Extracted(out[0], "unknown"), "<absent>");
}

struct TimestampCase {
  const char* name;
  std::string format;
  std::string extra;  // more keys of the stage
  std::string value;
  int64_t want;  // -1: parsing fails (read time stays)
};

TEST(TimestampStageTest, Formats) {
  const TimestampCase cases[] = {
      {"unix", "Unix", "", "1562708916", 1562708916'000000000},
      {"unix_frac", "Unix", "", "1562708916.414123", 1562708916'414123000},
      {"unix_frac_9", "Unix", "", "1562708916.000000123", 1562708916'000000123},
      {"unix_frac_10_fails", "Unix", "", "1562708916.0000001234", -1},
      {"unix_ms", "UnixMs", "", "1562708916414", 1562708916'414000000},
      {"unix_us", "UnixUs", "", "1562708916414123", 1562708916'414123000},
      {"unix_ns", "UnixNs", "", "1562708916000000123", 1562708916'000000123},
      {"rfc3339", "RFC3339", "", "2019-07-09T21:48:36+02:00", 1562701716'000000000},
      {"rfc3339_frac", "RFC3339", "", "2019-07-09T21:48:36.5Z", 1562708916'500000000},
      {"rfc3339nano", "RFC3339Nano", "", "2019-07-09T21:48:36.123456789Z", 1562708916'123456789},
      {"rfc1123", "RFC1123", "", "Tue, 09 Jul 2019 21:48:36 GMT", 1562708916'000000000},
      {"rfc1123z", "RFC1123Z", "", "Tue, 09 Jul 2019 21:48:36 +0100", 1562705316'000000000},
      {"ansic", "ANSIC", "", "Tue Jul  9 21:48:36 2019", 1562708916'000000000},
      {"unixdate", "UnixDate", "", "Tue Jul  9 21:48:36 UTC 2019", 1562708916'000000000},
      {"rubydate", "RubyDate", "", "Tue Jul 09 21:48:36 -0700 2019", 1562734116'000000000},
      {"rfc822", "RFC822", "", "09 Jul 19 21:48 UTC", 1562708880'000000000},
      {"rfc850", "RFC850", "", "Tuesday, 09-Jul-19 21:48:36 UTC", 1562708916'000000000},
      {"custom", "2006-01-02 15:04:05.000", "", "2019-07-09 21:48:36.123", 1562708916'123000000},
      {"custom_pm", "01/02/2006 3:04:05 PM", "", "07/09/2019 9:48:36 PM", 1562708916'000000000},
      {"custom_location", "2006-01-02 15:04:05", "location: America/New_York", "2019-07-09 17:48:36",
       1562708916'000000000},
      {"custom_zone_wins", "2006-01-02 15:04:05 -0700", "location: America/New_York", "2019-07-09 21:48:36 +0000",
       1562708916'000000000},
      // No year in the layout: the year of now (2023).
      {"no_year", "Jan 02 15:04:05", "", "Jul 09 21:48:36", 1688939316'000000000},
      {"fallback", "RFC3339", "fallback_formats: [UnixMs]", "1562708916414", 1562708916'414000000},
      {"bad", "RFC3339", "", "yesterday", -1},
  };
  for (const TimestampCase& c : cases) {
    SCOPED_TRACE(c.name);
    StageRunner r(fmt::format("[{{regex: {{expression: '^(?P<ts>.*)$'}}}}, {{timestamp: {{source: ts, format: '{}'{}}}}}]",
                              c.format, c.extra.empty() ? "" : ", " + c.extra),
                  kNow);
    ASSERT_TRUE(r.status().ok()) << r.status().ToString();
    auto out = r.Run(c.value);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].entry.timestamp_ns, c.want < 0 ? kNow : c.want);
  }
}

TEST(TimestampStageTest, FudgeAndSkip) {
  StageRunner fudge("[{regex: {expression: '^(?P<ts>\\S+)'}}, {timestamp: {source: ts, format: Unix}}]", kNow);
  auto a = fudge.Run("1562708916 ok", {{"app", "x"}});
  auto b = fudge.Run("garbage", {{"app", "x"}});
  auto c = fudge.Run("garbage", {{"app", "y"}});  // another stream: no last time
  EXPECT_EQ(a[0].entry.timestamp_ns, 1562708916'000000000);
  EXPECT_EQ(b[0].entry.timestamp_ns, 1562708916'000000001);
  EXPECT_EQ(c[0].entry.timestamp_ns, kNow);
  StageRunner skip("[{regex: {expression: '^(?P<ts>\\S+)'}}, {timestamp: {source: ts, format: Unix, action_on_failure: skip}}]", kNow);
  skip.Run("1562708916 ok");
  EXPECT_EQ(skip.Run("garbage")[0].entry.timestamp_ns, kNow);
}

// Found by stage_pipeline_fuzz: Unix times past 2262 overflowed int64 nanoseconds, and
// fudging after the latest representable time overflowed too.
TEST(TimestampStageTest, RegressionOutOfRangeTimesAndFudge) {
  for (std::string_view format : {"Unix", "UnixMs", "UnixUs"}) {
    SCOPED_TRACE(format);
    StageRunner r(fmt::format("[{{regex: {{expression: '^(?P<ts>\\S+)'}}}}, {{timestamp: {{source: ts, format: {}}}}}]", format),
                  kNow);
    ASSERT_TRUE(r.status().ok()) << r.status().ToString();
    EXPECT_EQ(r.Run("99999999999999999 x")[0].entry.timestamp_ns, kNow);  // fails: read time stays
  }
  StageRunner frac("[{regex: {expression: '^(?P<ts>\\S+)'}}, {timestamp: {source: ts, format: Unix}}]", kNow);
  EXPECT_EQ(frac.Run("9223372036.854775808 x")[0].entry.timestamp_ns, kNow);
  EXPECT_EQ(frac.Run("9223372036.854775807 x")[0].entry.timestamp_ns, INT64_MAX);
  EXPECT_EQ(frac.Run("garbage")[0].entry.timestamp_ns, INT64_MAX);  // fudged: stays at the latest
  EXPECT_EQ(frac.Run("garbage")[0].entry.timestamp_ns, INT64_MAX);
  StageRunner layout("[{regex: {expression: '^(?P<ts>\\S+)'}}, {timestamp: {source: ts, format: DateOnly}}]", kNow);
  EXPECT_EQ(layout.Run("2297-12-26")[0].entry.timestamp_ns, INT64_MAX);  // past 2262: clamped
  EXPECT_EQ(layout.Run("garbage")[0].entry.timestamp_ns, INT64_MAX);
}

TEST(LabelStagesTest, LabelsStaticAllowDrop) {
  StageRunner r(R"(
- regex: {expression: '^(?P<level>\w+) (?P<app>\w+)'}
- labels: {level: , application: app, absent: }
- static_labels: {env: prod, level: overridden-later}
- labels: {level: }
- labeldrop: [env]
)");
  ASSERT_TRUE(r.status().ok()) << r.status().ToString();
  auto out = r.Run("warn loki rest", {{"job", "j"}});
  EXPECT_EQ(FormatLabels(out[0].entry.labels), R"({application="loki", job="j", level="warn"})");
  StageRunner allow("[{labelallow: [job, app]}]");
  EXPECT_EQ(FormatLabels(allow.Run("x", {{"app", "a"}, {"job", "j"}, {"pod", "p"}})[0].entry.labels),
            R"({app="a", job="j"})");
}

TEST(OutputStageTest, ReplacesLineOnlyWhenPresent) {
  StageRunner r("[{json: {expressions: {msg: message, n: nothing}}}, {output: {source: msg}}]");
  EXPECT_EQ(r.Run(R"({"message":"hello"})")[0].entry.line, "hello");
  EXPECT_EQ(r.Run(R"({"other":1})")[0].entry.line, R"({"other":1})");  // null: unchanged
}

TEST(TemplateStageTest, ValueEntryAndFunctions) {
  StageRunner r(R"(
- regex: {expression: '^(?P<app>\w+) (?P<level>\w+)'}
- template: {source: new_key, template: 'hello world!'}
- template: {source: app, template: '{{ .Value }}_some_suffix'}
- template: {source: level, template: '{{ ToUpper .Value }}'}
- template: {source: both, template: '{{ .app }}/{{ .level }}/{{ .missing }}'}
- template: {source: line, template: '{{ .Entry }}'}
)");
  ASSERT_TRUE(r.status().ok()) << r.status().ToString();
  auto out = r.Run("loki warn");
  EXPECT_EQ(Extracted(out[0], "new_key"), "hello world!");
  EXPECT_EQ(Extracted(out[0], "app"), "loki_some_suffix");
  EXPECT_EQ(Extracted(out[0], "level"), "WARN");
  EXPECT_EQ(Extracted(out[0], "both"), "loki_some_suffix/WARN/<no value>");
  EXPECT_EQ(Extracted(out[0], "line"), "loki warn");
}

TEST(ReplaceStageTest, MasksCapturedGroups) {
  StageRunner r(R"(
- replace: {expression: 'password (\S+)', replace: '****'}
)");
  ASSERT_TRUE(r.status().ok()) << r.status().ToString();
  EXPECT_EQ(r.Run("user sent password xyz! and password abc")[0].entry.line,
            "user sent password **** and password ****");
  StageRunner named(R"(
- replace: {expression: '(?P<ip>\d+\.\d+\.\d+\.\d+)', replace: '{{ .Value | ToUpper }}-x'}
- replace: {expression: '^(?P<first>\w+)', source: first_word_src, replace: 'never'}
)");
  ASSERT_TRUE(named.status().ok()) << named.status().ToString();
  auto out = named.Run("from 10.0.0.1 to 10.0.0.2");
  EXPECT_EQ(out[0].entry.line, "from 10.0.0.1-x to 10.0.0.2-x");
  EXPECT_EQ(Extracted(out[0], "ip"), "10.0.0.2");
  StageRunner remove("[{replace: {expression: '( secret=\\S+)', replace: ''}}]");
  EXPECT_EQ(remove.Run("a secret=1 b")[0].entry.line, "a b");
}

TEST(MatchStageTest, KeepRunsNestedStagesDropDrops) {
  StageRunner r(R"(
- match:
    selector: '{app="loki"}'
    stages:
      - regex: {expression: '^(?P<level>\w+)'}
      - labels: {level: }
- match:
    selector: '{app="promtail"} |= "noisy error"'
    action: drop
    drop_counter_reason: promtail_noise
)");
  ASSERT_TRUE(r.status().ok()) << r.status().ToString();
  EXPECT_EQ(LabelValue(r.Run("warn x", {{"app", "loki"}})[0].entry.labels, "level"), "warn");
  EXPECT_EQ(LabelValue(r.Run("warn x", {{"app", "other"}})[0].entry.labels, "level"), "");
  EXPECT_TRUE(r.Run("a noisy error here", {{"app", "promtail"}}).empty());
  EXPECT_EQ(r.Run("a quiet line", {{"app", "promtail"}}).size(), 1u);
  EXPECT_EQ(r.metrics().Snapshot().dropped_by_reason["promtail_noise"], 1u);
}

TEST(DropStageTest, Conditions) {
  struct Case {
    const char* name;
    std::string stage;
    std::string line;
    bool dropped;
  } cases[] = {
      {"value_match", "{source: app, value: foo}", "foo 1", true},
      {"value_other", "{source: app, value: foo}", "bar 1", false},
      {"expression_line", "{expression: '.*debug.*'}", "foo debug", true},
      {"expression_source", "{source: app, expression: '^f'}", "foo x", true},
      {"source_present", "{source: app}", "foo x", true},
      {"source_absent", "{source: nope}", "foo x", false},
      {"list_joined", "{source: [app, n], separator: '#', value: 'foo#1'}", "foo 1", true},
      {"longer_than", "{longer_than: 8}", "foo 123456", true},
      {"not_longer", "{longer_than: 8kb}", "foo 123456", false},
      {"older_than_and_value", "{older_than: 1h, source: app, value: foo}", "foo 1", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    StageRunner r("[{regex: {expression: '^(?P<app>\\w+) (?P<n>\\w+)'}}, {drop: " + c.stage + "}]");
    ASSERT_TRUE(r.status().ok()) << r.status().ToString();
    EXPECT_EQ(r.Run(c.line).empty(), c.dropped);
  }
}

TEST(DropStageTest, OlderThan) {
  StageRunner r("[{regex: {expression: '^(?P<ts>\\d+)'}}, {timestamp: {source: ts, format: Unix}}, {drop: {older_than: 24h}}]", kNow);
  EXPECT_TRUE(r.Run("1562708916 old").empty());
  EXPECT_EQ(r.Run(std::to_string(kNow / kNanosPerSecond - 60) + " fresh").size(), 1u);
  EXPECT_EQ(r.metrics().Snapshot().dropped_by_reason["drop_stage"], 1u);
}

TEST(MultilineStageTest, BlocksByFirstlineMaxLinesAndWait) {
  StageRunner r(R"(
- multiline:
    firstline: '^\[\d{4}-\d{2}-\d{2} \d{1,2}:\d{2}:\d{2}\]'
    max_wait_time: 3s
    max_lines: 3
)");
  ASSERT_TRUE(r.status().ok()) << r.status().ToString();
  EXPECT_TRUE(r.Run("[2023-01-18 17:41:32] first message").empty());
  EXPECT_TRUE(r.Run("[2023-01-18 17:42:29] second message").size() == 1);
  EXPECT_TRUE(r.Run("Traceback (most recent call last):").empty());
  auto third = r.Run("  File \"x.py\", line 1");  // third line of the block: max_lines
  ASSERT_EQ(third.size(), 1u);
  EXPECT_EQ(third[0].entry.line, "[2023-01-18 17:42:29] second message\nTraceback (most recent call last):\n  File \"x.py\", line 1");
  EXPECT_TRUE(r.Run("[2023-01-18 17:43:00] third").empty());
  EXPECT_TRUE(r.Tick().empty());
  r.clock().Advance(3 * kNanosPerSecond);
  auto timed = r.Tick();
  ASSERT_EQ(timed.size(), 1u);
  EXPECT_EQ(timed[0].entry.line, "[2023-01-18 17:43:00] third");
}

TEST(LimitStageTest, DropsOverRate) {
  StageRunner r("[{limit: {rate: 1, burst: 2, drop: true}}]");
  int kept = 0;
  for (int i = 0; i < 5; ++i) kept += static_cast<int>(r.Run("x").size());
  EXPECT_EQ(kept, 2);
  r.clock().Advance(kNanosPerSecond);
  EXPECT_EQ(r.Run("x").size(), 1u);
  EXPECT_EQ(r.Run("x").size(), 0u);
  EXPECT_EQ(r.metrics().Snapshot().dropped_by_reason["limit"], 4u);
}

TEST(PackStageTest, PacksLabelsAndExtracted) {
  StageRunner r(R"(
- regex: {expression: '^(?P<level>\w+)'}
- pack: {labels: [pod, level, absent], ingest_timestamp: false}
)");
  ASSERT_TRUE(r.status().ok()) << r.status().ToString();
  auto out = r.Run("info \"quoted\"", {{"job", "j"}, {"pod", "p1"}});
  EXPECT_EQ(out[0].entry.line, R"({"level":"info","pod":"p1","_entry":"info \"quoted\""})");
  EXPECT_EQ(FormatLabels(out[0].entry.labels), R"({job="j"})");
}

TEST(StageConfigTest, ErrorsNameKeyAndLine) {
  struct Case {
    std::string yaml;
    std::string want;
  } cases[] = {
      {"- json: {expressions: {a: a}}\n- nosuch: {}\n", "test.yml:2: pipeline_stages[1].nosuch: unknown stage \"nosuch\""},
      {"- json:\n    expressions: {a: a}\n    bogus: 1\n", "test.yml:3: pipeline_stages[0].json.bogus: unknown key"},
      {"- json: {expressions: {}}\n", "expressions: must not be empty"},
      {"- json: {expressions: {a: 'b[x'}}\n", "unsupported JMESPath"},
      // Found by stage_pipeline_fuzz: an index past int64 overflowed while being read.
      {"- json: {expressions: {a: 'b[99999999999999999999]'}}\n", "index too large"},
      {"- json: {expressions: {a: 'b[-9223372036854775808]'}}\n", "index too large"},
      {"- regex: {expression: '(a'}\n", "invalid regular expression"},
      {"- regex: {expression: '(a)'}\n", "named capture group"},
      {"- timestamp: {source: t, format: whenever}\n", "neither a known format"},
      {"- timestamp: {source: t, format: Unix, location: Mars/Olympus}\n", "unknown time zone"},
      {"- timestamp: {source: t, format: Unix, action_on_failure: panic}\n", "fudge or skip"},
      {"- match: {selector: '{app=\"x\"}'}\n", "stages: is required with action: keep"},
      {"- match: {selector: '{app=\"x\"', stages: [{labeldrop: [a]}]}\n", "selector"},
      {"- match: {selector: '{app=\"x\"} | json', stages: [{labeldrop: [a]}]}\n", "only label matchers and line filters"},
      {"- match: {selector: '{app=\"x\"}', action: drop, stages: [{labeldrop: [a]}]}\n", "must not be set with action: drop"},
      {"- drop: {}\n", "needs at least one of"},
      {"- drop: {value: x}\n", "needs a source"},
      {"- multiline: {max_lines: 3}\n", "firstline: is required"},
      {"- limit: {rate: 0, burst: 1}\n", "rate: must be positive"},
      {"- template: {source: a, template: '{{ .a '}\n", "template"},
      {"- labels: {'bad-name': x}\n", "invalid label name"},
      {"- output: {}\n", "source: is required"},
      {"- pack: {labels: []}\n", "must not be empty"},
      {"- {json: {expressions: {a: a}}, labels: {a: }}\n", "exactly one key"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.yaml);
    StageRunner r(c.yaml);
    ASSERT_FALSE(r.status().ok());
    EXPECT_NE(r.status().message().find(c.want), std::string::npos) << r.status().message();
  }
}

}  // namespace
}  // namespace remediator::pipeline

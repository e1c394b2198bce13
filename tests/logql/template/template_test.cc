#include "logql/template/template.h"

#include <cmath>
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "logql/convert.h"

namespace remediator::logql::tmpl {
namespace {

// A label map as template data, with a fixed line, timestamp and clock.
class MapData : public TemplateData {
 public:
  std::map<std::string, std::string, std::less<>> labels;
  bool Lookup(std::span<const std::string> path, Value& out) const override {
    if (path.size() != 1) return false;
    auto it = labels.find(path[0]);
    if (it == labels.end()) return false;
    out = Value::View(it->second);
    return true;
  }
  std::string_view Line() const override { return "the line"; }
  int64_t TimestampNs() const override { return 1767225600LL * 1000000000 + 3723LL * 1000000000; }  // 2026-01-01T01:02:03Z
  int64_t NowNs() const override { return 1767225600LL * 1000000000 + 45296LL * 1000000000; }  // 12:34:56
};

std::string Render(std::string_view text, const MapData& data) {
  auto t = Template::Parse(text);
  if (!t.ok()) return "PARSE: " + t.status().message();
  std::string out;
  Status st = t->Execute(data, out);
  if (!st.ok()) return "EXEC: " + st.message();
  return out;
}

TEST(TemplateTest, Table) {
  MapData d;
  d.labels = {{"alert", "JellyfinDown"}, {"playbook", "restart"}, {"level", "error"},
              {"timestamp", "1767225600.5"}, {"n", "42"}, {"path", "/a/b?x=1"}, {"empty", ""},
              {"dur", "1m30s"}, {"size", "2KB"}};
  struct Case {
    std::string_view tmpl, want;
  };
  const Case cases[] = {
      {"plain", "plain"},
      {"{{.alert}} → {{.playbook}}", "JellyfinDown → restart"},
      {"{{.missing}}|", "|"},
      {"{{ .level | ToUpper }}", "ERROR"},
      {"{{ .level | upper }}", "ERROR"},
      {"{{ ToLower \"ABC\" }}", "abc"},
      {"{{ __timestamp__ | date \"15:04\" }}", "01:02"},
      {"{{ .timestamp | date \"15:04\" }}", "12:34"},  // Loki: date of a string is now
      {"{{ __line__ }}", "the line"},
      {"{{ if eq .level \"error\" }}E{{ else }}O{{ end }}", "E"},
      {"{{ if .empty }}yes{{ else if .level }}lvl{{ end }}", "lvl"},
      {"{{- .level -}} x", "errorx"},
      {"a {{- .level }}", "aerror"},
      {"{{/* comment */}}ok", "ok"},
      {"{{ printf \"%s-%d-%5.2f|%-4s|%q\" .level 7 3.14159 \"ab\" \"q\" }}", "error-7- 3.14|ab  |\"q\""},
      {"{{ printf \"%d\" .n }}", "%!d(string=42)"},
      {"{{ add 1 2 }} {{ sub 5 2 }} {{ mul 2 3 }} {{ div 7 2 }} {{ mod 7 2 }}", "3 3 6 3 1"},
      {"{{ .n | int | add 1 }}", "43"},
      {"{{ addf 1.5 2 }}", "3.5"},
      {"{{ default \"none\" .missing }}|{{ default \"none\" .level }}", "none|error"},
      {"{{ regexReplaceAll \"(\\\\w+)Down\" .alert \"${1}Up\" }}", "JellyfinUp"},
      {"{{ regexReplaceAll \"a|\" \"banana\" \"-\" }}", "-b-n-n-"},
      {"{{ replace \"Down\" \"Up\" .alert }}", "JellyfinUp"},
      {"{{ Replace .alert \"n\" \"N\" 1 }}", "JellyfiNDown"},
      {"{{ trunc 4 .alert }}|{{ trunc -4 .alert }}", "Jell|Down"},
      {"{{ substr 1 3 .alert }}", "el"},
      {"{{ trim \"  x  \" }}|{{ trimPrefix \"/a\" .path }}|{{ trimSuffix \"=1\" .path }}", "x|/b?x=1|/a/b?x"},
      {"{{ TrimPrefix .path \"/a\" }}|{{ Trim \"xxhixx\" \"x\" }}|{{ TrimSpace \" s \" }}", "/b?x=1|hi|s"},
      {"{{ contains \"Jelly\" .alert }} {{ hasPrefix \"J\" .alert }} {{ hasSuffix \"x\" .alert }}", "true true false"},
      {"{{ duration .dur }} {{ bytes .size }}", "90 2000"},
      {"{{ unixToTime \"1767225600\" | unixEpoch }}", "1767225600"},
      {"{{ toDate \"2006-01-02\" \"2026-03-04\" | date \"Jan 2 2006\" }}", "Mar 4 2026"},
      // toDateInZone reads the value in the zone (CET, +1 in March) and prints in it.
      {"{{ toDateInZone \"2006-01-02 15:04\" \"Europe/Berlin\" \"2026-03-04 10:00\" | unixEpoch }}", "1772614800"},
      {"{{ toDateInZone \"2006-01-02 15:04\" \"Europe/Berlin\" \"2026-07-04 10:00\" }}",
       "2026-07-04 10:00:00 +0200 CEST"},
      {"{{ toDateInZone \"2006-01-02 15:04\" \"UTC\" \"2026-03-04 10:00\" | unixEpoch }}", "1772618400"},
      {"{{ toDateInZone \"2006-01-02 15:04\" \"No/Such\" \"2026-03-04 10:00\" | unixEpoch }}", "1772618400"},
      {"{{ __timestamp__ | unixEpochMillis }}", "1767229323000"},
      {"{{ alignLeft 5 \"ab\" }}|{{ alignRight 5 \"ab\" }}|{{ alignLeft 1 \"ab\" }}", "ab   |   ab|a"},
      {"{{ urlencode .path }}", "%2Fa%2Fb%3Fx%3D1"},
      {"{{ urldecode \"a%20b+c\" }}", "a b c"},
      {"{{ b64enc \"hello\" }} {{ b64dec \"aGVsbG8=\" }}", "aGVsbG8= hello"},
      {"{{ $x := .level }}{{ $x }}{{ $x = \"w\" }}{{ $x }}", "errorw"},
      {"{{ range $i, $e := 3 }}{{ $i }}{{ end }}", "012"},
      {"{{ with .level }}[{{ . }}]{{ end }}", "[error]"},
      {"{{ len .alert }}", "12"},
      {"{{ count \"a\" \"banana\" }}", "3"},
      {"{{ title \"hello world\" }}", "Hello World"},
      {"{{ repeat 3 \"ab\" }}", "ababab"},
      {"{{ ceil 1.2 }} {{ floor 1.8 }} {{ round 1.25 1 }}", "2 1 1.3"},
      {"{{ max 1 5 3 }} {{ min 4 2 }}", "5 2"},
      {"{{ (printf \"%s!\" .level) | ToUpper }}", "ERROR!"},
      {"{{ `raw\\n` }}", "raw\\n"},
      {"{{ not .empty }} {{ and .level .alert }} {{ or .empty .level }}", "true JellyfinDown error"},
      {"{{ lt 1 2 }} {{ ge 2 2 }} {{ ne \"a\" \"b\" }}", "true true true"},
      {"{{ float64 \"1.5\" }}", "1.5"},
      {"{{ printf \"%v %v\" 1000000.0 0.5 }}", "1e+06 0.5"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Render(c.tmpl, d), c.want) << c.tmpl;
  }
}

TEST(TemplateTest, ParseErrors) {
  struct Case {
    std::string_view tmpl, want_substr;
  };
  const Case cases[] = {
      {"{{", "unclosed action"},
      {"{{ .a ", "unclosed action"},
      {"{{ nosuchfunc }}", "function \"nosuchfunc\" not defined"},
      {"{{ if .a }}x", "unexpected EOF"},
      {"{{ end }}", "unexpected {{end}}"},
      {"{{ $x }}", "undefined variable"},
      {"{{ \"abc }}", "unterminated quoted string"},
  };
  for (const Case& c : cases) {
    auto t = Template::Parse(c.tmpl);
    ASSERT_FALSE(t.ok()) << c.tmpl;
    EXPECT_NE(t.status().message().find(c.want_substr), std::string::npos)
        << c.tmpl << " -> " << t.status().message();
    EXPECT_EQ(t.status().message().rfind("template: line:1: ", 0), 0u) << t.status().message();
  }
}

TEST(TemplateTest, ExecErrors) {
  MapData d;
  EXPECT_NE(Render("{{ div 1 0 }}", d).find("EXEC:"), std::string::npos);
  EXPECT_NE(Render("{{ duration \"x\" }}", d).find("invalid duration"), std::string::npos);
  EXPECT_NE(Render("{{ unixToTime \"123\" }}", d).find("EXEC:"), std::string::npos);
}

// Found by stage_pipeline_fuzz: integer overflow (undefined behaviour, Go wraps), float to
// int conversion out of range, and templates that looped or allocated without bound.
TEST(TemplateTest, RegressionArithmeticWrapsLikeGo) {
  MapData d;
  EXPECT_EQ(Render("{{ add 9223372036854775807 1 }}", d), "-9223372036854775808");
  EXPECT_EQ(Render("{{ sub -9223372036854775808 1 }}", d), "9223372036854775807");
  EXPECT_EQ(Render("{{ mul 9223372036854775807 2 }}", d), "-2");
  EXPECT_EQ(Render("{{ div -9223372036854775808 -1 }}", d), "-9223372036854775808");
  EXPECT_EQ(Render("{{ mod -9223372036854775808 -1 }}", d), "0");
  EXPECT_EQ(Render("{{ int 1e300 }} {{ int -1e300 }} {{ int 42.9 }}", d),
            "-9223372036854775808 -9223372036854775808 42");
}

TEST(TemplateTest, RegressionExecutionIsBounded) {
  MapData d;
  EXPECT_NE(Render("{{ range $i := 2000000000 }}{{ end }}", d).find("stopped after 100000 steps"), std::string::npos);
  EXPECT_NE(Render("{{ range 1000 }}{{ range 1000 }}x{{ end }}{{ end }}", d).find("EXEC:"), std::string::npos);
  EXPECT_NE(Render("{{ range 20 }}{{ repeat 1000000 \"x\" }}{{ end }}", d).find("output longer than"),
            std::string::npos);
  EXPECT_NE(Render("{{ alignLeft 9000000000000 \"x\" }}", d).find("too large"), std::string::npos);
  EXPECT_NE(Render("{{ alignRight 9000000000000 \"x\" }}", d).find("too large"), std::string::npos);
  EXPECT_NE(Render("{{ indent 9000000000000 \"x\" }}", d).find("too large"), std::string::npos);
  EXPECT_NE(Render("{{ nindent 600000 \"a\\nb\" }}", d).find("too large"), std::string::npos);
  EXPECT_EQ(Render("{{ printf \"%*d\" 9000000000 1 | len }}", d), "1000000");
  EXPECT_EQ(Render("{{ repeat 3 \"ab\" }}|{{ repeat 0 \"ab\" }}|{{ alignLeft 3 \"a\" }}|", d), "ababab||a  |");
}

TEST(TemplateTest, MissingKeyDefault) {
  MapData d;
  auto t = Template::Parse("{{.x}}", ParseOptions{.missing_key_zero = false});
  ASSERT_TRUE(t.ok());
  std::string out;
  ASSERT_TRUE(t->Execute(d, out).ok());
  EXPECT_EQ(out, "<no value>");
}

TEST(TemplateTest, FastPathShapes) {
  auto t = Template::Parse("{{ .level }}");
  ASSERT_TRUE(t.ok());
  ASSERT_NE(t->SingleField(), nullptr);
  EXPECT_EQ(*t->SingleField(), "level");
  auto c = Template::Parse("const");
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->IsConstant());
  auto f = Template::Parse("{{.a}} {{ .b | ToUpper }}");
  ASSERT_TRUE(f.ok());
  ASSERT_EQ(f->Fields().size(), 2u);
}

TEST(ConvertTest, GoDuration) {
  EXPECT_EQ(*ParseGoDuration("1m30s"), 90'000'000'000);
  EXPECT_EQ(*ParseGoDuration("1.5s"), 1'500'000'000);
  EXPECT_EQ(*ParseGoDuration("-2ms"), -2'000'000);
  EXPECT_EQ(*ParseGoDuration("0"), 0);
  EXPECT_NE(ParseGoDuration("1").status().message().find("missing unit in duration"), std::string::npos);
  EXPECT_NE(ParseGoDuration("1d").status().message().find("unknown unit"), std::string::npos);
  EXPECT_NE(ParseGoDuration("abc").status().message().find("invalid duration"), std::string::npos);
}

TEST(ConvertTest, HumanBytes) {
  EXPECT_EQ(*ParseHumanBytes("42"), 42u);
  EXPECT_EQ(*ParseHumanBytes("20MB"), 20'000'000u);
  EXPECT_EQ(*ParseHumanBytes("1 KiB"), 1024u);
  EXPECT_EQ(*ParseHumanBytes("1.5kb"), 1500u);
  EXPECT_FALSE(ParseHumanBytes("10 parsecs").ok());
}

TEST(ConvertTest, GoFloat) {
  EXPECT_EQ(*ParseGoFloat("1e3"), 1000);
  EXPECT_EQ(*ParseGoFloat("-2.5"), -2.5);
  EXPECT_TRUE(std::isinf(*ParseGoFloat("+Inf")));
  EXPECT_TRUE(std::isnan(*ParseGoFloat("NaN")));
  EXPECT_EQ(ParseGoFloat("").status().message(), "strconv.ParseFloat: parsing \"\": invalid syntax");
  EXPECT_FALSE(ParseGoFloat("1.2.3").ok());
  EXPECT_FALSE(ParseGoFloat("12abc").ok());
}

}  // namespace
}  // namespace remediator::logql::tmpl

// Loki's own parser test cases (../shared/conformance/logql/parse_cases.tsv), read in place:
// every VALID query parses under its API's rules and round-trips through the printer; every
// INVALID query fails with an error (never a crash). Prints the pass ratio per LABEL and API.
#include <cstdint>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/utf8.h"
#include "logql/syntax/parse.h"
#include "logql/syntax/print.h"

namespace remediator::logql::syntax {
namespace {


// Decodes a JSON string literal, or `hex:` + raw bytes.
bool DecodeQuery(const std::string& field, std::string& out) {
  out.clear();
  if (field.rfind("hex:", 0) == 0) {
    std::string hex = field.substr(4);
    if (hex.size() % 2 != 0) return false;
    for (size_t i = 0; i < hex.size(); i += 2) {
      out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    }
    return true;
  }
  if (field.size() < 2 || field.front() != '"' || field.back() != '"') return false;
  for (size_t i = 1; i + 1 < field.size(); ++i) {
    char c = field[i];
    if (c != '\\') {
      out += c;
      continue;
    }
    char e = field[++i];
    switch (e) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case '/': out += '/'; break;
      case '\\': out += '\\'; break;
      case '"': out += '"'; break;
      case 'u': {
        uint32_t cp = std::stoul(field.substr(i + 1, 4), nullptr, 16);
        i += 4;
        if (cp >= 0xD800 && cp < 0xDC00 && field.compare(i + 1, 2, "\\u") == 0) {
          uint32_t lo = std::stoul(field.substr(i + 3, 4), nullptr, 16);
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          i += 6;
        }
        AppendUtf8(out, cp);
        break;
      }
      default: return false;
    }
  }
  return true;
}

struct Case {
  std::string label, api, source, query;
};

std::vector<Case> ReadCases(const std::string& path) {
  std::vector<Case> cases;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string part;
    while (std::getline(ss, part, '\t')) f.push_back(part);
    if (f.size() < 4) continue;
    Case c{f[0], f[1], f[2], ""};
    if (!DecodeQuery(f[3], c.query)) {
      ADD_FAILURE() << "cannot decode " << f[3];
      continue;
    }
    cases.push_back(std::move(c));
  }
  return cases;
}

// Checks that an expression prints to text that parses back to the same tree.
std::string RoundTripProblem(const Expr& e) {
  std::string printed = Print(e);
  auto again = ParseWithoutValidation(printed);
  if (!again.ok()) return "printed form does not parse: " + printed + " -> " + again.status().message();
  if (!(*again == e)) return "printed form parses to a different tree: " + printed;
  return "";
}

// "" when the case behaves as Loki's test expects, else what went wrong.
std::string Check(const Case& c) {
  bool valid = c.label == "VALID";
  Status st;
  std::optional<Expr> parsed;
  if (c.api == "ParseExpr" || c.api == "engine eval (logqltest)") {
    auto r = Parse(c.query);
    st = r.status();
    if (r.ok()) parsed = *r;
  } else if (c.api == "ParseSampleExpr") {
    auto r = ParseSampleExpr(c.query);
    st = r.status();
    if (r.ok()) parsed = *r;
  } else if (c.api.rfind("ParseLogSelector", 0) == 0) {
    bool validate = c.api.find("validate=true") != std::string::npos;
    auto r = ParseLogSelector(c.query, validate);
    st = r.status();
    if (r.ok()) parsed = Expr{*r};
  } else if (c.api == "ParseMatchers") {
    auto r = ParseMatchers(c.query);
    st = r.status();
    if (r.ok()) parsed = Expr{LogSelectorExpr{*r, {}}};
  } else {
    return "unknown API " + c.api;
  }
  if (valid) {
    if (!st.ok()) return "expected to parse, got: " + st.message();
    return RoundTripProblem(*parsed);
  }
  if (st.ok()) return "expected an error, parsed as: " + Print(*parsed);
  if (st.message().empty()) return "error without a message";
  return "";
}

// INVALID engine cases that Loki rejects only while evaluating (a template that does not
// parse, a label value that is not a duration): not parse errors, by design.
bool FailsOnlyAtEvaluation(const Case& c) {
  return c.source.find("formatters.logqltest:51") != std::string::npos ||
         c.source.find("label_filters.logqltest:493") != std::string::npos;
}

// Rows whose QUERY column holds a parameter of a Go test rather than a query (Loki's
// ast_test.go:538 table lists IP addresses that the test splices into a query).
bool IsNotAQuery(const Case& c) {
  return c.source == "pkg/logql/syntax/ast_test.go:538" && c.query.find('{') == std::string::npos;
}

TEST(ParseConformanceTest, LokiParserCases) {
  std::string path = std::string(REMEDIATOR_SHARED_DIR) + "/conformance/logql/parse_cases.tsv";
  if (!std::ifstream(path).good()) GTEST_SKIP() << "shared conformance data absent: " << path;
  std::vector<Case> cases = ReadCases(path);
  ASSERT_GT(cases.size(), 1000u);
  std::map<std::string, std::pair<int, int>> ratio;  // "LABEL API" -> (passed, total)
  int skipped = 0;
  for (const Case& c : cases) {
    if ((c.label == "INVALID" && FailsOnlyAtEvaluation(c)) || IsNotAQuery(c)) {
      ++skipped;
      continue;
    }
    std::string problem = Check(c);
    auto& r = ratio[c.label + " " + c.api];
    ++r.second;
    if (problem.empty()) {
      ++r.first;
    } else {
      ADD_FAILURE() << c.source << " " << c.label << " " << c.api << "\n  query: " << c.query
                    << "\n  " << problem;
    }
  }
  for (const auto& [key, r] : ratio) {
    std::printf("parse conformance: %-45s %4d/%-4d\n", key.c_str(), r.first, r.second);
  }
  std::printf(
      "parse conformance: %d rows not counted (2 INVALID engine cases that fail only at "
      "evaluation, 2 rows that are Go test parameters rather than queries)\n",
      skipped);
}

}  // namespace
}  // namespace remediator::logql::syntax

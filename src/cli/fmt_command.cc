// `remediator fmt 'QUERY'`, or queries on stdin one per line: prints the canonical form of
// each valid LogQL query (exit 0), or the parse error (exit 1) — for checking queries kept
// in dashboards and rule files.
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "cli/command.h"
#include "logql/syntax/parse.h"
#include "logql/syntax/print.h"

namespace remediator::cli {
namespace {

// Prints the canonical form or the error; returns whether the query was valid.
bool FormatOne(const std::string& query, const std::string& where) {
  auto expr = logql::syntax::Parse(query);
  if (!expr.ok()) {
    std::fprintf(stderr, "%s%s\n", where.c_str(), expr.status().message().c_str());
    return false;
  }
  std::printf("%s\n", logql::syntax::Print(*expr).c_str());
  return true;
}

}  // namespace

Command AddFmtCommand(CLI::App& root) {
  Command c;
  c.app = root.add_subcommand(
      "fmt",
      "Print the canonical form of a LogQL query (or of each query on stdin, one per line); "
      "exit 1 if any query does not parse");
  auto queries = std::make_shared<std::vector<std::string>>();
  c.app->add_option("query", *queries, "LogQL queries; read from stdin (one per line) if none");
  c.run = [queries] {
    bool ok = true;
    if (!queries->empty()) {
      for (const std::string& q : *queries) ok = FormatOne(q, "") && ok;
      return ok ? 0 : 1;
    }
    std::string line;
    int line_no = 0;
    while (std::getline(std::cin, line)) {
      ++line_no;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;  // blank line
      ok = FormatOne(line, "stdin:" + std::to_string(line_no) + ": ") && ok;
    }
    return ok ? 0 : 1;
  };
  return c;
}

}  // namespace remediator::cli

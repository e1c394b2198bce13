// logqltest: runs Loki's declarative engine tests (*.logqltest) through our engine.
//
//   logqltest [--min-passed N] FILE_OR_DIR...
//
// Prints each failure (query, expected, actual), a pass ratio per file and ends with
// "N passed, M failed". Exit status: 0 when nothing failed (or at least N passed with
// --min-passed), 1 otherwise, 77 (skipped) when a given folder does not exist.
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "logqltest/logqltest_runner.h"

int main(int argc, char** argv) {
  std::vector<std::string> args;
  long min_passed = -1;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--min-passed" && i + 1 < argc) {
      min_passed = std::strtol(argv[++i], nullptr, 10);
      continue;
    }
    args.push_back(a);
  }
  if (args.empty()) {
    std::cerr << "usage: logqltest [--min-passed N] FILE_OR_DIR...\n";
    return 2;
  }
  for (const std::string& a : args) {
    if (!std::filesystem::exists(a)) {
      std::cout << "skipped: " << a << " does not exist (the shared conformance folder is absent)\n";
      return 77;
    }
  }
  int passed = 0, failed = 0;
  std::vector<remediator::logql::logqltest::FileReport> reports;
  for (const std::string& f : remediator::logql::logqltest::ExpandPaths(args)) {
    reports.push_back(remediator::logql::logqltest::RunFile(f, std::cout));
    passed += reports.back().passed;
    failed += reports.back().failed;
  }
  for (const auto& r : reports) {
    std::cout << r.path << ": " << r.passed << "/" << (r.passed + r.failed) << " passed\n";
  }
  std::cout << passed << " passed, " << failed << " failed\n";
  if (min_passed >= 0) return passed >= min_passed ? 0 : 1;
  return failed == 0 ? 0 : 1;
}

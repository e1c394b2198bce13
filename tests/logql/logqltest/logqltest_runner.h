// Runs Loki's declarative engine tests (*.logqltest; the DSL is described in
// ../shared/conformance/README.md) through our engine over an in-memory source.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace remediator::logql::logqltest {

struct FileReport {
  std::string path;
  int passed = 0;
  int failed = 0;
};

// Runs one file; failures are printed to `out` (query, expected, actual).
FileReport RunFile(const std::string& path, std::ostream& out);

// Expands folders to their *.logqltest files (sorted).
std::vector<std::string> ExpandPaths(const std::vector<std::string>& args);

}  // namespace remediator::logql::logqltest

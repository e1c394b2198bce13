// Runs a test's own command line (fixed by the test, never built from outside data) through
// the shell and returns what it printed; `exit_status` gets pclose's status.
#pragma once

#include <cstdio>
#include <string>

namespace remediator::testing {

inline std::string RunCommand(const std::string& command, int& exit_status) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) {
    exit_status = -1;
    return out;
  }
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  exit_status = ::pclose(p);
  return out;
}

}  // namespace remediator::testing

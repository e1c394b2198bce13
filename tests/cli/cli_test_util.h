// Helpers for tests that run the built `remediator` binary: running a subcommand to
// completion, and reading the embedded store through `remediator query`.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "common/temp_dir.h"
#include "integration/subprocess.h"

namespace remediator::testing {

inline void AppendFile(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::app | std::ios::binary);
  out << text;
}

// Runs `remediator ARGS...` to its end; returns its exit code (-1 when it did not exit in
// time) and its output in `output`.
inline int RunRemediator(const std::filesystem::path& dir, const std::vector<std::string>& args,
                         std::string* output = nullptr) {
  Subprocess p;
  std::vector<std::string> argv = {REMEDIATOR_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  std::string log = (dir / "cli.log").string();
  std::filesystem::remove(log);
  if (!p.Start(argv, log)) return -1;
  int status = p.Wait(std::chrono::seconds(60));
  if (output != nullptr) *output = ReadWholeFile(log);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The lines of `selector` in the store at `store`, oldest first (`remediator query -o raw`).
inline std::vector<std::string> StoreLines(const std::filesystem::path& dir, const std::string& store,
                                           const std::string& selector) {
  std::string out;
  if (RunRemediator(dir, {"query", "--store", store, "--since", "24h", "--limit", "5000", "--direction",
                          "forward", "-o", "raw", selector},
                    &out) != 0) {
    return {"<query failed: " + out + ">"};
  }
  std::vector<std::string> lines;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace remediator::testing

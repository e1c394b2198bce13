// One file per subcommand. Each Add*Command registers its options on the root app and
// returns the function main() calls when that subcommand was chosen; the function returns
// the process exit code (0 ok, 1 the input was bad or the check failed, 2 usage or runtime
// error).
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace remediator::cli {

struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

Command AddServeCommand(CLI::App& root);
Command AddCheckCommand(CLI::App& root);
Command AddSimulateCommand(CLI::App& root);
Command AddPauseCommand(CLI::App& root);
Command AddResumeCommand(CLI::App& root);
Command AddQueryCommand(CLI::App& root);
Command AddFmtCommand(CLI::App& root);
Command AddShipCommand(CLI::App& root);
Command AddReportCommand(CLI::App& root);

}  // namespace remediator::cli

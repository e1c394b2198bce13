// remediator: Alertmanager webhook -> guarded playbooks -> decision log -> LogQL.
#include <cstdio>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/command.h"
#include "core/open_file_limit.h"

#ifndef REMEDIATOR_VERSION
#define REMEDIATOR_VERSION "dev"
#endif

int main(int argc, char** argv) {
  using namespace remediator::cli;
  CLI::App app{
      "remediator: runs guarded fixes for Alertmanager alerts, records every decision, ships "
      "logs and answers LogQL"};
  app.set_version_flag("--version", std::string("remediator ") + REMEDIATOR_VERSION);
  app.require_subcommand(1);

  std::vector<Command> commands = {
      AddServeCommand(app),  AddCheckCommand(app), AddSimulateCommand(app),
      AddPauseCommand(app),  AddResumeCommand(app), AddQueryCommand(app),
      AddFmtCommand(app),    AddShipCommand(app),   AddReportCommand(app),
  };

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  // The store holds one open file per sealed block; the usual soft limit (1024) is too low
  // for a store kept for weeks. Failing to raise it is not fatal: small stores fit anyway.
  if (remediator::Result<uint64_t> raised = remediator::RaiseOpenFileLimit(); !raised.ok()) {
    std::fprintf(stderr, "remediator: warning: %s\n", raised.status().message().c_str());
  }
  for (const Command& c : commands) {
    if (c.app->parsed()) return c.run();
  }
  std::fputs(app.help().c_str(), stderr);
  return 2;
}

// remediator: Alertmanager webhook -> guarded playbooks -> decision log -> LogQL.
#include <cstdio>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/command.h"

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
  for (const Command& c : commands) {
    if (c.app->parsed()) return c.run();
  }
  std::fputs(app.help().c_str(), stderr);
  return 2;
}

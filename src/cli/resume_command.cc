#include <cstdio>

#include "cli/command.h"

namespace remediator::cli {

// Placeholder until the subcommand lands.
Command AddResumeCommand(CLI::App& root) {
  Command c;
  c.app = root.add_subcommand("resume", "(not implemented yet)");
  c.run = [] {
    std::fputs("remediator resume: not implemented yet\n", stderr);
    return 2;
  };
  return c;
}

}  // namespace remediator::cli

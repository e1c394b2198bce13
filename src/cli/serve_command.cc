#include <cstdio>

#include "cli/command.h"

namespace remediator::cli {

// Placeholder until the subcommand lands.
Command AddServeCommand(CLI::App& root) {
  Command c;
  c.app = root.add_subcommand("serve", "(not implemented yet)");
  c.run = [] {
    std::fputs("remediator serve: not implemented yet\n", stderr);
    return 2;
  };
  return c;
}

}  // namespace remediator::cli

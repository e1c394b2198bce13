#include <cstdio>

#include "cli/command.h"

namespace remediator::cli {

// Placeholder until the subcommand lands.
Command AddFmtCommand(CLI::App& root) {
  Command c;
  c.app = root.add_subcommand("fmt", "(not implemented yet)");
  c.run = [] {
    std::fputs("remediator fmt: not implemented yet\n", stderr);
    return 2;
  };
  return c;
}

}  // namespace remediator::cli

// The kill switch from the command line, one implementation for both directions:
//   remediator pause  --addr URL [--token-file F | --basic-auth USER:PASSWORD_FILE]
//   remediator resume --addr URL [--token-file F | --basic-auth USER:PASSWORD_FILE]
// Each POSTs /api/v1/{pause,resume} to a running server and prints its JSON answer.
#include <cstdio>
#include <memory>
#include <string>

#include "cli/command.h"
#include "http/control_client.h"

namespace remediator::cli {
namespace {

struct KillSwitchFlags {
  std::string addr = "http://127.0.0.1:9095";
  std::string token_file;
  std::string basic_auth;
};

// `name` is the subcommand and the last path segment of the API route.
Command AddKillSwitchCommand(CLI::App& root, const std::string& name, const std::string& help) {
  auto flags = std::make_shared<KillSwitchFlags>();
  Command c;
  c.app = root.add_subcommand(name, help);
  c.app->add_option("--addr", flags->addr, "The server's URL (or host:port)")
      ->capture_default_str();
  c.app->add_option("--token-file", flags->token_file,
                    "File holding the bearer token (auth.bearer_token_file)");
  c.app->add_option("--basic-auth", flags->basic_auth,
                    "USER:PASSWORD_FILE for basic auth (auth.basic_auth)");
  c.run = [flags, name] {
    Result<http::ControlTarget> target =
        http::MakeControlTarget(flags->addr, flags->token_file, flags->basic_auth);
    if (!target.ok()) {
      std::fprintf(stderr, "remediator %s: %s\n", name.c_str(), target.status().message().c_str());
      return 2;
    }
    Result<std::string> body = http::PostControl(*target, "/api/v1/" + name);
    if (!body.ok()) {
      std::fprintf(stderr, "remediator %s: %s\n", name.c_str(), body.status().message().c_str());
      return body.status().code() == StatusCode::kInvalidArgument ? 1 : 2;
    }
    std::fputs(body->c_str(), stdout);
    return 0;
  };
  return c;
}

}  // namespace

Command AddPauseCommand(CLI::App& root) {
  return AddKillSwitchCommand(
      root, "pause",
      "Kill switch: stop all playbook execution on a running server (decisions are still "
      "logged, as \"paused\"); persists across restarts");
}

Command AddResumeCommand(CLI::App& root) {
  return AddKillSwitchCommand(root, "resume",
                              "Lift the kill switch: let a running server execute playbooks again");
}

}  // namespace remediator::cli

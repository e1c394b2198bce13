// remediator pause --addr URL [--token-file F | --basic-auth USER:PASSWORD_FILE]
#include <cstdio>
#include <memory>
#include <string>

#include "cli/command.h"
#include "http/control_client.h"

namespace remediator::cli {
namespace {

struct PauseFlags {
  std::string addr = "http://127.0.0.1:9095";
  std::string token_file;
  std::string basic_auth;
};

}  // namespace

Command AddPauseCommand(CLI::App& root) {
  auto flags = std::make_shared<PauseFlags>();
  Command c;
  c.app = root.add_subcommand("pause", "Kill switch: stop all playbook execution on a running server (decisions are still logged, as \"paused\"); persists across restarts");
  c.app->add_option("--addr", flags->addr, "The server's URL (or host:port)")
      ->capture_default_str();
  c.app->add_option("--token-file", flags->token_file,
                    "File holding the bearer token (auth.bearer_token_file)");
  c.app->add_option("--basic-auth", flags->basic_auth,
                    "USER:PASSWORD_FILE for basic auth (auth.basic_auth)");
  c.run = [flags] {
    Result<http::ControlTarget> target =
        http::MakeControlTarget(flags->addr, flags->token_file, flags->basic_auth);
    if (!target.ok()) {
      std::fprintf(stderr, "remediator pause: %s\n", target.status().message().c_str());
      return 2;
    }
    Result<std::string> body = http::PostControl(*target, "/api/v1/pause");
    if (!body.ok()) {
      std::fprintf(stderr, "remediator pause: %s\n", body.status().message().c_str());
      return body.status().code() == StatusCode::kInvalidArgument ? 1 : 2;
    }
    std::fputs(body->c_str(), stdout);
    return 0;
  };
  return c;
}

}  // namespace remediator::cli

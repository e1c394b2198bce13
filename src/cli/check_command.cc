// remediator check --config FILE: validates the whole config (the engine's keys and the
// Promtail keys) and exits 0, or prints the first error (file:line: key: message) and exits 1.
#include <cstdio>
#include <string>

#include <fmt/format.h>

#include "cli/command.h"
#include "core/yaml_config.h"
#include "pipeline/promtail_config.h"
#include "remediation/config.h"

namespace remediator::cli {

Command AddCheckCommand(CLI::App& root) {
  Command c;
  c.app = root.add_subcommand("check", "Validate a remediator.yml and exit (0 valid, 1 invalid)");
  auto config = std::make_shared<std::string>();
  c.app->add_option("--config,-c", *config, "The configuration file")->required();
  c.run = [config] {
    Result<remediation::Config> cfg = remediation::LoadConfig(*config);
    if (!cfg.ok()) {
      std::fprintf(stderr, "%s\n", cfg.status().message().c_str());
      return 1;
    }
    Result<pipeline::PromtailConfig> promtail =
        pipeline::ParsePromtailConfig(cfg->root, ConfigContext{*config}, false);
    if (!promtail.ok()) {
      std::fprintf(stderr, "%s\n", promtail.status().message().c_str());
      return 1;
    }
    std::printf("%s: OK (%zu playbooks, %zu routes, %zu scrape configs)%s\n", config->c_str(),
                cfg->playbooks.size(), cfg->routes.size(), promtail->scrape_configs.size(),
                cfg->dry_run ? ", dry_run" : "");
    return 0;
  };
  return c;
}

}  // namespace remediator::cli

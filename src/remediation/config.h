// remediator.yml: the typed configuration of `remediator serve` / `check` / `simulate`
// (DESIGN.md's configuration contract; the user reference is docs/configuration.md).
//
// LoadConfig validates everything the engine needs before anything starts: unknown keys,
// types, durations, matchers, RE2 patterns, references from routes to playbooks. Errors read
// "file:line: key: message". Relative paths are resolved against the config file's folder.
// The Promtail keys (server, positions, clients, scrape_configs) are accepted but not
// interpreted here: their YAML nodes are kept for the pipeline's own parser.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <re2/re2.h>
#include <yaml-cpp/yaml.h>

#include "core/clock.h"
#include "core/labels.h"
#include "core/status.h"

namespace remediator::remediation {

struct BasicAuthConfig {
  std::string username;
  std::string password_file;  // absolute
};

// Exactly one of bearer_token_file, basic_auth or insecure_no_auth is set (LoadConfig
// enforces it; a config with none of them is an error).
struct AuthConfig {
  std::string bearer_token_file;  // absolute; "" when not used
  std::optional<BasicAuthConfig> basic_auth;
  bool insecure_no_auth = false;
};

struct RateLimitConfig {
  int64_t max = 5;  // executions per window, all playbooks together
  int64_t window_ns = kNanosPerHour;
};

struct IdempotencyConfig {
  int64_t window_ns = 5 * kNanosPerMinute;  // fingerprint + startsAt + playbook runs once
};

struct CircuitBreakerConfig {
  int64_t failures = 3;  // consecutive failures that open a playbook's circuit
  int64_t cooldown_ns = 30 * kNanosPerMinute;  // open -> half-open (one trial run)
};

struct OscillationConfig {
  int64_t threshold = 3;  // triggers already passed in the window; the next is blocked
  int64_t window_ns = 15 * kNanosPerMinute;
};

struct GuardsConfig {
  RateLimitConfig rate_limit;
  IdempotencyConfig idempotency;
  CircuitBreakerConfig circuit_breaker;
  OscillationConfig oscillation;
  std::vector<std::string> protected_services = {"traefik", "authelia"};
};

// Our own key `executor` (not in the DESIGN contract; all optional).
struct ExecutorConfig {
  int64_t workers = 4;              // playbooks running at once, all playbooks together
  int64_t queue_size = 8;           // runs waiting per playbook; overflow -> blocked_busy
  int64_t kill_grace_ns = 5 * kNanosPerSecond;  // SIGTERM -> SIGKILL after a timeout
  int64_t output_limit = 4096;      // bytes of stdout / stderr kept as previews
};

// Our own key `webhook` (read by the HTTP layer).
struct WebhookConfig {
  int64_t max_body_bytes = 1 << 20;  // larger bodies get 413
};

struct ParameterSpec {
  std::string name;
  std::string pattern;                      // as written
  std::shared_ptr<const re2::RE2> regex;    // fully anchored; never null after LoadConfig
};

struct PlaybookConfig {
  std::string name;
  std::vector<std::string> command;  // argv; argv[0] with a '/' is resolved to absolute
  int64_t timeout_ns = 5 * kNanosPerMinute;
  std::string working_dir;  // absolute; "" = the config file's folder
  std::vector<std::pair<std::string, std::string>> env;  // added to the clean environment
  std::vector<ParameterSpec> parameters;  // the only parameters a route may pass
  bool dry_run = false;                   // shadow mode for this playbook only
};

struct RouteConfig {
  std::vector<LabelMatcher> matchers;  // all must match (an empty list matches everything)
  std::string playbook;                // a key of Config::playbooks
  int64_t confidence = 100;            // 0-100
  std::string service;                 // template; "" = the route names no service
  std::vector<std::pair<std::string, std::string>> parameters;  // name -> template
  bool on_resolved = false;  // resolved alerts run the playbook too (else ignored_resolved)
  int line = 0;              // 1-based line of the route in the file, for messages
};

struct StorageConfig {
  std::string path;  // absolute; the embedded log store's folder
  int64_t retention_ns = 7 * kNanosPerDay;
};

struct Config {
  std::string file;    // the config file as given
  std::string folder;  // absolute folder of the file; relative paths resolve against it

  std::string listen = "127.0.0.1:9095";
  AuthConfig auth;
  std::string decision_log;  // absolute
  std::string state;         // absolute (SQLite)
  bool dry_run = false;
  int64_t min_confidence = 80;
  GuardsConfig guards;
  std::map<std::string, PlaybookConfig> playbooks;
  std::vector<RouteConfig> routes;  // first match wins
  StorageConfig storage;
  ExecutorConfig executor;
  WebhookConfig webhook;

  // Promtail's own keys, kept as written (undefined nodes when absent) for the pipeline.
  YAML::Node promtail_server{YAML::NodeType::Undefined};
  YAML::Node positions{YAML::NodeType::Undefined};
  YAML::Node clients{YAML::NodeType::Undefined};
  YAML::Node scrape_configs{YAML::NodeType::Undefined};
  // The whole document, for parsers that want it.
  YAML::Node root{YAML::NodeType::Undefined};

  // nullptr when `name` is not a configured playbook.
  const PlaybookConfig* FindPlaybook(std::string_view name) const;
};

// Reads and validates a config file. Errors are kInvalidArgument "file:line: key: message"
// (kNotFound when the file cannot be read).
Result<Config> LoadConfig(const std::string& path);
// The same from text; `name` stands for the file in messages, `folder` resolves relative
// paths (the current directory when empty).
Result<Config> ParseConfig(std::string_view yaml, const std::string& name,
                           const std::string& folder = "");

}  // namespace remediator::remediation

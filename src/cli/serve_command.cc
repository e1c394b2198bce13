// remediator serve --config FILE [--listen ADDR]: the webhook server.
//
// Start-up order: load and validate the config (exit 1 on error, before listening), load the
// auth secrets, open the engine (state + decision log), bind, then serve. Signals are taken
// by one sigwait thread: SIGTERM/SIGINT stop accepting, let requests in flight and running
// playbooks finish, and exit 0; SIGHUP reopens the decision log (logrotate).
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "cli/command.h"
#include "cli/serve_shipping.h"
#include "core/clock.h"
#include "http/authenticator.h"
#include "http/listen_address.h"
#include "http/loki_api.h"
#include "http/server.h"
#include "remediation/config.h"
#include "remediation/engine.h"

namespace remediator::cli {
namespace {

struct ServeFlags {
  std::string config;
  std::string listen;
  int threads = 32;
};

http::AuthSettings AuthSettingsFrom(const remediation::AuthConfig& auth) {
  http::AuthSettings s;
  s.bearer_token_file = auth.bearer_token_file;
  if (auth.basic_auth) {
    s.basic_auth_username = auth.basic_auth->username;
    s.basic_auth_password_file = auth.basic_auth->password_file;
  }
  s.insecure_no_auth = auth.insecure_no_auth;
  return s;
}

sigset_t HandledSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  sigaddset(&set, SIGUSR1);  // internal: wakes the signal thread when Run ends by itself
  return set;
}

int Serve(const ServeFlags& flags) {
  // Logs go to stderr (journald / podman logs keep them); stdout stays free.
  spdlog::set_default_logger(spdlog::stderr_color_mt("remediator"));
  Result<remediation::Config> config = remediation::LoadConfig(flags.config);
  if (!config.ok()) {
    std::fprintf(stderr, "remediator serve: %s\n", config.status().message().c_str());
    return 1;
  }
  const std::string listen_text = flags.listen.empty() ? config->listen : flags.listen;
  Result<http::ListenAddress> listen = http::ParseListenAddress(listen_text);
  if (!listen.ok()) {
    std::fprintf(stderr, "remediator serve: %s\n", listen.status().message().c_str());
    return 1;
  }
  Result<http::Authenticator> auth = http::Authenticator::Load(AuthSettingsFrom(config->auth));
  if (!auth.ok()) {
    std::fprintf(stderr, "remediator serve: %s: %s\n", flags.config.c_str(),
                 auth.status().message().c_str());
    return 1;
  }
  if (auth->insecure()) {
    spdlog::warn(
        "auth is DISABLED (insecure_no_auth: true): anyone who can reach {} can trigger "
        "playbooks and flip the kill switch",
        listen_text);
  }

  // Block the signals before any thread exists, so every thread inherits the mask and only
  // the sigwait thread below sees them.
  sigset_t signals = HandledSignals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  SystemClock clock;
  // Log shipping when the config has scrape_configs: its own thread, stopped at the end.
  Result<std::unique_ptr<Shipping>> shipping = StartServeShipping(*config, clock);
  if (!shipping.ok()) {
    std::fprintf(stderr, "remediator serve: %s\n", shipping.status().message().c_str());
    return shipping.status().code() == StatusCode::kInvalidArgument ? 1 : 2;
  }
  Result<std::unique_ptr<remediation::Engine>> engine = remediation::Engine::Create(*config, clock);
  if (!engine.ok()) {
    std::fprintf(stderr, "remediator serve: %s\n", engine.status().ToString().c_str());
    return 2;
  }

  // Loki's query API over the embedded store: the live store when serve ships into it (shipped
  // lines show at once), else the folder `remediator ship` writes, read-only, reopened every 5 s.
  http::ReopeningStoreSource logs(config->storage.path, clock, 5 * kNanosPerSecond);
  const store::Store* shipped_store = *shipping ? (*shipping)->store() : nullptr;
  http::ServerOptions options;
  options.loki_source = shipped_store != nullptr ? static_cast<const logql::StreamSource*>(shipped_store) : &logs;
  options.auth = std::move(*auth);
  options.max_body_bytes = static_cast<size_t>(config->webhook.max_body_bytes);
  options.threads = flags.threads;
  if (*shipping) options.extra_metrics = [s = shipping->get()](std::string& out) { s->AppendMetrics(out); };
  http::Server server(std::move(options), **engine);
  Result<int> port = server.Bind(*listen);
  if (!port.ok()) {
    std::fprintf(stderr, "remediator serve: %s\n", port.status().message().c_str());
    (*engine)->Shutdown();
    return 2;
  }

  const bool bracket = listen->host.find(':') != std::string::npos;
  spdlog::info("listening on http://{}{}{}:{} (webhook: POST /webhook); decision log {}{}",
               bracket ? "[" : "", listen->host, bracket ? "]" : "", *port,
               config->decision_log, (*engine)->paused() ? "; PAUSED (kill switch on)" : "");
  if (config->dry_run) spdlog::warn("dry_run: true: decisions are logged, nothing runs");

  remediation::Engine* eng = engine->get();
  std::thread signal_thread([&server, eng, signals] {
    for (;;) {
      int sig = 0;
      if (sigwait(&signals, &sig) != 0) continue;
      if (sig == SIGHUP) {
        Status st = eng->Reopen();
        if (st.ok()) {
          spdlog::info("SIGHUP: decision log reopened");
        } else {
          spdlog::error("SIGHUP: reopening the decision log failed: {}", st.ToString());
        }
        continue;
      }
      if (sig == SIGTERM || sig == SIGINT) {
        spdlog::info("{}: stopping (finishing requests in flight and running playbooks)",
                     sig == SIGTERM ? "SIGTERM" : "SIGINT");
        server.Stop();
      }
      return;  // SIGTERM, SIGINT or the internal SIGUSR1
    }
  });

  Status run = server.Run();
  pthread_kill(signal_thread.native_handle(), SIGUSR1);  // no-op wake-up if it already left
  signal_thread.join();
  (*engine)->Shutdown();
  if (*shipping) (void)(*shipping)->Stop();  // the shipping thread logs its errors
  if (!run.ok()) {
    spdlog::error("serve: {}", run.ToString());
    return 2;
  }
  spdlog::info("stopped");
  return 0;
}

}  // namespace

Command AddServeCommand(CLI::App& root) {
  auto flags = std::make_shared<ServeFlags>();
  Command c;
  c.app = root.add_subcommand(
      "serve", "Serve the Alertmanager webhook: route alerts to guarded playbooks, log every decision");
  c.app->add_option("--config", flags->config, "remediator.yml")->required();
  c.app->add_option("--listen", flags->listen, "host:port to listen on (overrides `listen:`)");
  c.app->add_option("--http-threads", flags->threads,
                    "Threads for non-webhook connections (API, metrics; a keep-alive connection holds one); webhooks are served by one event loop")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  c.run = [flags] { return Serve(*flags); };
  return c;
}

}  // namespace remediator::cli

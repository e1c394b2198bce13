#include "http/server.h"

#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include <sys/socket.h>

#include <httplib.h>
#include <spdlog/spdlog.h>

#include "alerts/payload.h"
#include "core/json_writer.h"
#include "http/front_server.h"
#include "http/json_responses.h"
#include "http/loki_api.h"
#include "http/webhook_answer.h"

namespace remediator::http {
namespace {

constexpr const char* kJson = "application/json";
constexpr const char* kWebhookPattern = "/webhook|/api/v1/alerts/webhook";

void SetError(httplib::Response& res, int status, std::string_view message) {
  res.status = status;
  res.set_content(ErrorJson(message), kJson);
}

// The authenticated POST routes besides the webhook, which take no body.
enum class ControlRoute { kNone, kPause, kResume, kCircuitReset };

// "/api/v1/circuits/{playbook}/reset" -> kCircuitReset with `playbook` set.
ControlRoute ClassifyControlPath(std::string_view path, std::string& playbook) {
  if (path == "/api/v1/pause") return ControlRoute::kPause;
  if (path == "/api/v1/resume") return ControlRoute::kResume;
  constexpr std::string_view kPrefix = "/api/v1/circuits/";
  constexpr std::string_view kSuffix = "/reset";
  if (path.size() > kPrefix.size() + kSuffix.size() && path.substr(0, kPrefix.size()) == kPrefix &&
      path.substr(path.size() - kSuffix.size()) == kSuffix) {
    std::string_view name = path.substr(kPrefix.size(), path.size() - kPrefix.size() - kSuffix.size());
    if (name.find('/') == std::string_view::npos) {
      playbook.assign(name);
      return ControlRoute::kCircuitReset;
    }
  }
  return ControlRoute::kNone;
}

// A request announces a body by Content-Length or chunked Transfer-Encoding. Without either
// an HTTP/1.1 request has none (RFC 9112 6.3); httplib would instead read until the peer
// closes (or its 5 s read timeout), so such requests are answered before routing.
bool DeclaresBody(const httplib::Request& req) {
  if (req.has_header("Content-Length")) return true;
  std::string te = req.get_header_value("Transfer-Encoding");
  return te.find("chunked") != std::string::npos;
}

}  // namespace

struct Server::Impl {
  Impl(const ServerOptions& options, remediation::RemediationService& service,
       RequestCounter& counter)
      : front(FrontOptions{&options.auth, options.max_body_bytes, 0, &counter}, service) {}
  // httplib's stop() must run once (a second concurrent call trips its assert).
  void StopBackend() {
    if (!backend_stopped.exchange(true)) http.stop();
  }
  httplib::Server http;  // the routes, on 127.0.0.1:<internal port>
  FrontServer front;     // the listening socket; webhooks; the rest is piped to `http`
  std::atomic<bool> backend_stopped{false};
  SystemClock clock;  // Loki API
};

Server::Server(ServerOptions options, remediation::RemediationService& service)
    : options_(std::move(options)),
      service_(service),
      impl_(std::make_unique<Impl>(options_, service_, webhook_requests_)) {
  httplib::Server& h = impl_->http;
  const int threads = options_.threads > 0 ? options_.threads : 1;
  h.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  h.set_payload_max_length(options_.max_body_bytes);
  h.set_keep_alive_max_count(options_.keep_alive_max_requests);
  h.set_tcp_nodelay(true);
  // httplib's default also sets SO_REUSEPORT, which lets a second instance bind the same port
  // and silently split the webhooks: only SO_REUSEADDR (fast restarts).
  h.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  RegisterRoutes();
}

Server::~Server() { Stop(); }

bool Server::ready() const {
  return !stopping_.load() && run_active_.load() && impl_->http.is_running() &&
         impl_->front.running();
}

void Server::RegisterRoutes() {
  httplib::Server& h = impl_->http;
  const Authenticator& auth = options_.auth;
  remediation::RemediationService& service = service_;

  // Answers 401 and returns false unless the request carries valid credentials.
  auto authorized = [&auth](const httplib::Request& req, httplib::Response& res) {
    if (auth.Check(req.get_header_value("Authorization"))) return true;
    res.set_header("WWW-Authenticate", "Bearer realm=\"remediator\"");
    SetError(res, 401, "missing or invalid credentials");
    return false;
  };
  auto method_not_allowed = [](const char* allow) {
    return [allow](const httplib::Request& req, httplib::Response& res) {
      res.set_header("Allow", allow);
      SetError(res, 405, "method " + req.method + " not allowed here; use " + allow);
    };
  };
  auto only = [&h, &method_not_allowed](const std::string& pattern, const char* allow) {
    auto handler = method_not_allowed(allow);
    if (std::string_view(allow) != "GET") h.Get(pattern, handler);
    if (std::string_view(allow) != "POST") h.Post(pattern, handler);
    h.Put(pattern, handler);
    h.Patch(pattern, handler);
    h.Delete(pattern, handler);
    h.Options(pattern, handler);
  };

  // The webhook: auth, content type, body, parse, Submit. Nothing runs unless all pass. A
  // content-reader route, so credentials and content type are checked before the body is
  // read: a rejected body is drained (to keep the connection usable), never buffered.
  h.Post(kWebhookPattern, [&service, authorized](const httplib::Request& req,
                                                   httplib::Response& res,
                                                   const httplib::ContentReader& reader) {
    auto discard = [](const char*, size_t) { return true; };
    if (!authorized(req, res)) {
      reader(discard);
      return;
    }
    if (!IsJsonContentType(req.get_header_value("Content-Type"))) {
      reader(discard);
      SetError(res, 415, "Content-Type must be application/json");
      return;
    }
    // The per-thread buffer keeps its capacity across requests.
    thread_local std::string body;
    body.clear();
    bool read = reader([](const char* data, size_t n) {
      body.append(data, n);
      return true;
    });
    if (!read) {
      // httplib set the status (413 over max_body_bytes, 400 for a broken body).
      if (res.status < 400) res.status = 400;
      SetError(res, res.status,
               res.status == 413 ? "request body too large" : "could not read the request body");
      return;
    }
    Result<alerts::Payload> payload = alerts::ParsePayload(body);
    if (body.capacity() > (64 << 10)) std::string().swap(body);  // keep small ones only
    if (!payload.ok()) {
      SetError(res, 400, "invalid webhook payload: " + payload.status().message());
      return;
    }
    Result<std::vector<remediation::DecisionSummary>> decisions = service.Submit(*payload);
    if (!decisions.ok()) {
      int status = HttpStatusFor(decisions.status().code());
      if (status >= 500) {
        spdlog::error("webhook: decisions not recorded ({}), answering {} so Alertmanager retries",
                      decisions.status().ToString(), status);
      }
      SetError(res, status, decisions.status().message());
      return;
    }
    res.set_content(DecisionsJson(*decisions), kJson);
  });
  only(kWebhookPattern, "POST");

  // The control routes' work, after authentication. `playbook` for kCircuitReset.
  auto control = [&service](ControlRoute route, const std::string& playbook,
                            httplib::Response& res) {
    switch (route) {
      case ControlRoute::kPause:
      case ControlRoute::kResume: {
        bool paused = route == ControlRoute::kPause;
        Status st = service.SetPaused(paused);
        if (!st.ok()) {
          SetError(res, HttpStatusFor(st.code()), st.message());
          return;
        }
        spdlog::warn("remediation {} through the API", paused ? "PAUSED" : "resumed");
        res.set_content(std::string(R"({"status":"success","paused":)") +
                            (service.paused() ? "true" : "false") + "}\n",
                        kJson);
        return;
      }
      case ControlRoute::kCircuitReset: {
        Status st = service.ResetCircuit(playbook);
        if (!st.ok()) {
          SetError(res, HttpStatusFor(st.code()), st.message());
          return;
        }
        std::string body = R"({"status":"success","playbook":)";
        body += JsonString(playbook);
        body += R"(,"circuit":"closed"})";
        body += '\n';
        res.set_content(body, kJson);
        return;
      }
      case ControlRoute::kNone:
        SetError(res, 404, "no such endpoint");
        return;
    }
  };
  auto control_handler = [authorized, control](const httplib::Request& req,
                                               httplib::Response& res) {
    if (!authorized(req, res)) return;
    std::string playbook;
    control(ClassifyControlPath(req.path, playbook), playbook, res);
  };
  h.Post("/api/v1/pause", control_handler);
  only("/api/v1/pause", "POST");
  h.Post("/api/v1/resume", control_handler);
  only("/api/v1/resume", "POST");
  const std::string circuit_pattern = "/api/v1/circuits/([^/]+)/reset";
  h.Post(circuit_pattern, control_handler);
  only(circuit_pattern, "POST");

  // Before routing, right after the headers: a POST/PUT/PATCH that declares no body (no
  // Content-Length, not chunked) is answered here at once — 401 without credentials on the
  // authenticated routes, the control routes run (they take no body), anything else 411 —
  // instead of httplib waiting for the peer to close.
  h.set_pre_routing_handler([authorized, control](const httplib::Request& req,
                                                  httplib::Response& res) {
    using httplib::Server;
    if (req.method != "POST" && req.method != "PUT" && req.method != "PATCH") {
      return Server::HandlerResponse::Unhandled;
    }
    if (DeclaresBody(req)) return Server::HandlerResponse::Unhandled;
    std::string playbook;
    ControlRoute route =
        req.method == "POST" ? ClassifyControlPath(req.path, playbook) : ControlRoute::kNone;
    bool webhook = req.method == "POST" && IsWebhookPath(req.path);
    if ((webhook || route != ControlRoute::kNone) && !authorized(req, res)) {
      return Server::HandlerResponse::Handled;
    }
    if (route != ControlRoute::kNone) {
      control(route, playbook, res);
      return Server::HandlerResponse::Handled;
    }
    SetError(res, 411, "Content-Length required");
    return Server::HandlerResponse::Handled;
  });

  h.Get("/-/healthy", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("Healthy.\n", "text/plain");
  });
  only("/-/healthy", "GET");
  h.Get("/-/ready", [this](const httplib::Request&, httplib::Response& res) {
    if (ready()) {
      res.set_content("Ready.\n", "text/plain");
    } else {
      res.status = 503;
      res.set_content("Shutting down.\n", "text/plain");
    }
  });
  only("/-/ready", "GET");
  h.Get("/metrics", [this, &service](const httplib::Request&, httplib::Response& res) {
    std::string out;
    out.reserve(8192);
    service.AppendMetrics(out);
    webhook_requests_.AppendMetrics(out, "remediator_webhook_requests_total",
                                    "Webhook requests answered, by HTTP status code.");
    if (options_.extra_metrics) options_.extra_metrics(out);
    res.set_content(out, "text/plain; version=0.0.4; charset=utf-8");
  });
  only("/metrics", "GET");
  h.Get("/api/v1/status", [&service](const httplib::Request&, httplib::Response& res) {
    std::string body = service.StatusJson();
    body += '\n';
    res.set_content(body, kJson);
  });
  only("/api/v1/status", "GET");

  if (options_.loki_source != nullptr) RegisterLokiApi(h, *options_.loki_source, impl_->clock, authorized);

  // Errors httplib produces itself (unknown path, 413, unparsable request) get a JSON body too.
  h.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    switch (res.status) {
      case 404:
        res.set_content(ErrorJson("no such endpoint: " + req.path), kJson);
        break;
      case 413:
        res.set_content(ErrorJson("request body too large"), kJson);
        break;
      default:
        res.set_content(ErrorJson("bad request (HTTP " + std::to_string(res.status) + ")"), kJson);
        break;
    }
  });
  h.set_exception_handler(
      [](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unknown";
        try {
          std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        spdlog::error("{} {}: internal error: {}", req.method, req.path, what);
        SetError(res, 500, "internal error");
      });
  // Runs for every answer (errors included) just before it is written, so a client that got
  // its answer sees it counted.
  h.set_post_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (IsWebhookPath(req.path)) webhook_requests_.Count(res.status);
  });
}

Result<int> Server::Bind(const ListenAddress& address) {
  httplib::Server& h = impl_->http;
  int internal = h.bind_to_any_port("127.0.0.1");
  if (internal < 0) return Unavailable("cannot bind the internal HTTP port on 127.0.0.1");
  impl_->front.set_backend_port(internal);
  return impl_->front.Bind(address);
}

Status Server::Run() {
  run_active_.store(true);
  if (stopping_.load()) {
    run_active_.store(false);
    return Status::Ok();
  }
  bool http_ok = true;
  std::atomic<bool> backend_done{false};
  std::thread backend([this, &http_ok, &backend_done] {
    http_ok = impl_->http.listen_after_bind();
    backend_done.store(true);
  });
  // Wait until httplib accepts (or gave up), so ready() and Stop() see it running.
  while (!impl_->http.is_running() && !stopping_.load() && !backend_done.load()) {
    std::this_thread::yield();
  }
  if (backend_done.load() && !stopping_.load()) {
    backend.join();
    run_active_.store(false);
    return Unavailable("the internal HTTP server failed to start");
  }
  Status st = impl_->front.Run();
  impl_->StopBackend();
  backend.join();
  run_active_.store(false);
  if (!st.ok() && !stopping_.load()) return st;
  if (!http_ok && !stopping_.load()) return Unavailable("the internal HTTP server failed");
  return Status::Ok();
}

void Server::Stop() {
  stopping_.store(true);
  impl_->front.Stop();
  // Run may be between its stopping_ check and httplib's accept loop: wait until the loop runs
  // (or Run returned), so stop() reaches it.
  while (run_active_.load() && !impl_->http.is_running()) std::this_thread::yield();
  impl_->StopBackend();
}

}  // namespace remediator::http

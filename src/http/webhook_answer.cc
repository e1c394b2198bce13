#include "http/webhook_answer.h"

#include <spdlog/spdlog.h>

#include "http/json_responses.h"

namespace remediator::http {

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kFailedPrecondition:
      return 409;
    case StatusCode::kResourceExhausted:
      return 429;
    case StatusCode::kUnavailable:
      return 503;
    case StatusCode::kDataLoss:
    case StatusCode::kInternal:
      return 500;
  }
  return 500;
}

bool IsJsonContentType(std::string_view value) {
  size_t semi = value.find(';');
  std::string_view media = value.substr(0, semi);
  while (!media.empty() && media.front() == ' ') media.remove_prefix(1);
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  return EqualsLowerAscii(media, "application/json");
}

bool EqualsLowerAscii(std::string_view s, std::string_view lower) {
  if (s.size() != lower.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

bool IsWebhookPath(std::string_view path) {
  return path == "/webhook" || path == "/api/v1/alerts/webhook";
}

WebhookAnswer ErrorAnswer(int status, std::string_view message) {
  return WebhookAnswer{status, ErrorJson(message)};
}

WebhookAnswer Unauthorized() { return ErrorAnswer(401, "missing or invalid credentials"); }

std::optional<WebhookAnswer> CheckWebhookHeaders(const Authenticator& auth,
                                                 std::string_view authorization,
                                                 std::string_view content_type) {
  if (!auth.Check(authorization)) return Unauthorized();
  if (!IsJsonContentType(content_type)) {
    return ErrorAnswer(415, "Content-Type must be application/json");
  }
  return std::nullopt;
}

WebhookAnswer BadPayload(const Status& parse_error) {
  return ErrorAnswer(400, "invalid webhook payload: " + parse_error.message());
}

WebhookAnswer AnswerForDecisions(const Result<std::vector<remediation::DecisionSummary>>& r) {
  if (r.ok()) return WebhookAnswer{200, DecisionsJson(*r)};
  int status = HttpStatusFor(r.status().code());
  if (status >= 500) {
    spdlog::error("webhook: decisions not recorded ({}), answering {} so Alertmanager retries",
                  r.status().ToString(), status);
  }
  return ErrorAnswer(status, r.status().message());
}

}  // namespace remediator::http

// What the webhook answers, shared by the event-loop front (front_server.h) and the httplib
// route behind it, so both give the same status codes and bodies.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "http/authenticator.h"
#include "remediation/service.h"

namespace remediator::http {

// A status and a JSON body. A 401 also needs `WWW-Authenticate: Bearer realm="remediator"`.
struct WebhookAnswer {
  int status = 200;
  std::string body;
};

inline constexpr const char* kWwwAuthenticate = "Bearer realm=\"remediator\"";

// HTTP status for an error Status from the engine (5xx: Alertmanager retries).
int HttpStatusFor(StatusCode code);

// `s` equals `lower` (all lower case) ignoring ASCII case; no locale, no call per byte (every
// request head's field names go through this).
bool EqualsLowerAscii(std::string_view s, std::string_view lower);

// "application/json; charset=utf-8" -> true. Media types are case-insensitive.
bool IsJsonContentType(std::string_view value);

bool IsWebhookPath(std::string_view path);

// The checks that need only the headers (credentials, then content type); nullopt when the
// body is to be read.
std::optional<WebhookAnswer> CheckWebhookHeaders(const Authenticator& auth,
                                                 std::string_view authorization,
                                                 std::string_view content_type);

// 401 for missing or wrong credentials.
WebhookAnswer Unauthorized();

// An error answer with {"status":"error","error":message}.
WebhookAnswer ErrorAnswer(int status, std::string_view message);

// 400 for a body that is not a valid payload (`parse_error` from alerts::ParsePayload).
WebhookAnswer BadPayload(const Status& parse_error);

// 200 with the decisions, or the 4xx/5xx of a failed Submit (logged when 5xx).
WebhookAnswer AnswerForDecisions(const Result<std::vector<remediation::DecisionSummary>>& r);

}  // namespace remediator::http

// How the Loki push sink talks HTTP: an interface (so a test could inject faults) and the
// libcurl implementation used in production and in the loopback tests.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace remediator::pipeline::sinks {

struct HttpRequest {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  int64_t timeout_ns = 0;  // 0 = none
  std::string basic_user, basic_password;  // basic auth when basic_user is non-empty
};

struct HttpResponse {
  int status = 0;
  std::string body;
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // A response of any status, or kUnavailable on a network error or timeout.
  virtual Result<HttpResponse> Post(const HttpRequest& request) = 0;
};

// libcurl, one easy handle reused across requests (keep-alive). Not thread-safe.
class CurlTransport final : public HttpTransport {
 public:
  CurlTransport();
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;
  Result<HttpResponse> Post(const HttpRequest& request) override;

 private:
  void* curl_;  // CURL*
};

}  // namespace remediator::pipeline::sinks

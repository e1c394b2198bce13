// The client side of the control API (`remediator pause|resume`): POSTs to a running
// `remediator serve` with the same credentials Alertmanager uses.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace remediator::http {

struct ControlTarget {
  std::string base_url;       // "http://127.0.0.1:9095" (https works too)
  std::string authorization;  // the Authorization header value; "" sends none
};

// "Bearer <token>" from a token file (trailing newline dropped).
Result<std::string> BearerFromTokenFile(const std::string& path);
// "Basic base64(user:password)" from "user:password-file".
Result<std::string> BasicFromUserAndPasswordFile(std::string_view user_colon_file);

// The target from the CLI flags: `addr` (a bare "host:port" gets "http://"), at most one of
// `token_file` and `basic_auth` ("user:password-file"); neither sends no credentials.
Result<ControlTarget> MakeControlTarget(std::string addr, const std::string& token_file,
                                        const std::string& basic_auth);

// POSTs an empty JSON body to `path` and returns the answer body on 2xx. kUnavailable when
// the server cannot be reached; kInvalidArgument (401/4xx) or kInternal (5xx) with the
// server's error message otherwise.
Result<std::string> PostControl(const ControlTarget& target, const std::string& path);

}  // namespace remediator::http

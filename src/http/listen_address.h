// "host:port" as `listen:` and `--listen` give it.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace remediator::http {

struct ListenAddress {
  std::string host;  // without brackets for IPv6 ("::1"); "0.0.0.0" when the text had none
  int port = 0;      // 0 = any free port (tests)
};

// Accepts "127.0.0.1:9095", "localhost:9095", "[::1]:9095" and ":9095" (all interfaces).
// kInvalidArgument naming the problem otherwise.
Result<ListenAddress> ParseListenAddress(std::string_view text);

}  // namespace remediator::http

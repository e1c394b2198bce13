// Reading a secret (a bearer token, a password) from a file, as Prometheus' http_config does:
// the whole file, trailing whitespace and newlines trimmed.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace remediator {

enum class EmptySecret {
  kError,    // an empty file is an error ("WHAT: PATH is empty"): an empty token is a mistake
  kAllowed,  // as Prometheus' client config: the empty value is used
};

// The file's contents without trailing whitespace. Errors read "WHAT: cannot read PATH".
Result<std::string> ReadSecretFile(const std::string& path, std::string_view what,
                                   EmptySecret empty = EmptySecret::kError);

}  // namespace remediator

#include "core/secret_file.h"

#include <fstream>
#include <sstream>

#include "core/ascii.h"

namespace remediator {

Result<std::string> ReadSecretFile(const std::string& path, std::string_view what,
                                   EmptySecret empty) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound(std::string(what) + ": cannot read " + path);
  std::ostringstream contents;
  contents << in.rdbuf();
  std::string secret = contents.str();
  while (!secret.empty() && IsAsciiSpace(secret.back())) secret.pop_back();
  if (secret.empty() && empty == EmptySecret::kError) {
    return InvalidArgument(std::string(what) + ": " + path + " is empty");
  }
  return secret;
}

}  // namespace remediator

// Checks the Authorization header Alertmanager's http_config sends: `Bearer <token>` and/or
// `Basic base64(user:password)`. Secrets are read from files once, kept only as SHA-256
// digests, and compared in constant time; nothing here logs or returns a secret.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace remediator::http {

struct AuthSettings {
  std::string bearer_token_file;         // "" = no bearer token
  std::string basic_auth_username;       // "" = no basic auth
  std::string basic_auth_password_file;  // required with a username
  bool insecure_no_auth = false;         // accept every request (warned about at start)
};

// Immutable after Load; Check is safe from any thread.
class Authenticator {
 public:
  using Digest = std::array<uint8_t, 32>;

  // Reads the secret files (a trailing newline is dropped). kInvalidArgument when no method is
  // configured and insecure_no_auth is false, or a file is empty; kNotFound when unreadable.
  static Result<Authenticator> Load(const AuthSettings& settings);
  // Accepts every request.
  static Authenticator Insecure();
  // For tests and the CLI: secrets given directly.
  static Authenticator FromSecrets(std::optional<std::string_view> bearer_token,
                                   std::optional<std::pair<std::string_view, std::string_view>>
                                       basic_user_password);

  bool insecure() const { return insecure_; }
  // True when `authorization` (the header value, "" when absent) carries valid credentials.
  bool Check(std::string_view authorization) const;

 private:
  bool insecure_ = false;
  std::optional<Digest> bearer_;
  std::optional<Digest> basic_user_;
  std::optional<Digest> basic_password_;
};

// Standard base64 with padding; nullopt on bad input. Exposed for tests and the CLI.
std::optional<std::string> DecodeBase64(std::string_view in);
std::string EncodeBase64(std::string_view in);

}  // namespace remediator::http

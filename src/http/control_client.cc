#include "http/control_client.h"

#include <httplib.h>

#include "core/secret_file.h"
#include "http/authenticator.h"

namespace remediator::http {

Result<std::string> BearerFromTokenFile(const std::string& path) {
  Result<std::string> token = ReadSecretFile(path, "token file");
  if (!token.ok()) return token.status();
  return "Bearer " + *token;
}

Result<std::string> BasicFromUserAndPasswordFile(std::string_view user_colon_file) {
  size_t colon = user_colon_file.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == user_colon_file.size()) {
    return InvalidArgument("--basic-auth: expected USER:PASSWORD_FILE");
  }
  std::string user(user_colon_file.substr(0, colon));
  Result<std::string> pw =
      ReadSecretFile(std::string(user_colon_file.substr(colon + 1)), "password file");
  if (!pw.ok()) return pw.status();
  return "Basic " + EncodeBase64(user + ":" + *pw);
}

Result<ControlTarget> MakeControlTarget(std::string addr, const std::string& token_file,
                                        const std::string& basic_auth) {
  if (!token_file.empty() && !basic_auth.empty()) {
    return InvalidArgument("give --token-file or --basic-auth, not both");
  }
  ControlTarget t;
  if (addr.find("://") == std::string::npos) addr = "http://" + addr;
  while (!addr.empty() && addr.back() == '/') addr.pop_back();
  t.base_url = std::move(addr);
  if (!token_file.empty()) {
    Result<std::string> h = BearerFromTokenFile(token_file);
    if (!h.ok()) return h.status();
    t.authorization = std::move(*h);
  } else if (!basic_auth.empty()) {
    Result<std::string> h = BasicFromUserAndPasswordFile(basic_auth);
    if (!h.ok()) return h.status();
    t.authorization = std::move(*h);
  }
  return t;
}

Result<std::string> PostControl(const ControlTarget& target, const std::string& path) {
  httplib::Client client(target.base_url);
  if (!client.is_valid()) return InvalidArgument("bad address: " + target.base_url);
  client.set_connection_timeout(5);
  client.set_read_timeout(30);
  httplib::Headers headers;
  if (!target.authorization.empty()) headers.emplace("Authorization", target.authorization);
  httplib::Result r = client.Post(path.c_str(), headers, "{}", "application/json");
  if (!r) {
    return Unavailable("cannot reach " + target.base_url + ": " + httplib::to_string(r.error()));
  }
  if (r->status >= 200 && r->status < 300) return r->body;
  std::string message = "HTTP " + std::to_string(r->status) + " from " + target.base_url + path;
  if (!r->body.empty()) message += ": " + r->body;
  while (!message.empty() && message.back() == '\n') message.pop_back();
  if (r->status >= 500) return Internal(message);
  return InvalidArgument(message);
}

}  // namespace remediator::http

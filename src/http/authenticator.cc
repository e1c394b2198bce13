#include "http/authenticator.h"

// The direct SHA-256 functions: OpenSSL 3's one-shot SHA256() looks the algorithm up in its
// provider tables on every call (EVP_Q_digest), several µs per webhook request.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "core/secret_file.h"

namespace remediator::http {
namespace {

Authenticator::Digest Sha256(std::string_view s) {
  Authenticator::Digest d;
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, s.data(), s.size());
  SHA256_Final(d.data(), &ctx);
  OPENSSL_cleanse(&ctx, sizeof ctx);
  return d;
}

bool SameDigest(const Authenticator::Digest& a, const Authenticator::Digest& b) {
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// Case-insensitive "scheme " prefix; returns the rest.
std::optional<std::string_view> StripScheme(std::string_view header, std::string_view scheme) {
  if (header.size() <= scheme.size() || header[scheme.size()] != ' ') return std::nullopt;
  for (size_t i = 0; i < scheme.size(); ++i) {
    char c = header[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    char s = scheme[i];
    if (s >= 'A' && s <= 'Z') s = static_cast<char>(s - 'A' + 'a');
    if (c != s) return std::nullopt;
  }
  std::string_view rest = header.substr(scheme.size() + 1);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  while (!rest.empty() && rest.back() == ' ') rest.remove_suffix(1);
  return rest;
}

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

std::optional<std::string> DecodeBase64(std::string_view in) {
  if (in.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(in.size() / 4 * 3);
  for (size_t i = 0; i < in.size(); i += 4) {
    int v[4];
    int pad = 0;
    for (int j = 0; j < 4; ++j) {
      char c = in[i + j];
      if (c == '=' && i + 4 == in.size() && j >= 2) {
        v[j] = 0;
        ++pad;
        continue;
      }
      if (pad > 0) return std::nullopt;  // data after padding
      v[j] = Base64Value(c);
      if (v[j] < 0) return std::nullopt;
    }
    uint32_t n = (static_cast<uint32_t>(v[0]) << 18) | (static_cast<uint32_t>(v[1]) << 12) |
                 (static_cast<uint32_t>(v[2]) << 6) | static_cast<uint32_t>(v[3]);
    out.push_back(static_cast<char>((n >> 16) & 0xFF));
    if (pad < 2) out.push_back(static_cast<char>((n >> 8) & 0xFF));
    if (pad < 1) out.push_back(static_cast<char>(n & 0xFF));
  }
  return out;
}

std::string EncodeBase64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    uint32_t n = (static_cast<uint8_t>(in[i]) << 16) | (static_cast<uint8_t>(in[i + 1]) << 8) |
                 static_cast<uint8_t>(in[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  size_t rest = in.size() - i;
  if (rest > 0) {
    uint32_t n = static_cast<uint8_t>(in[i]) << 16;
    if (rest == 2) n |= static_cast<uint8_t>(in[i + 1]) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += rest == 2 ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

Result<Authenticator> Authenticator::Load(const AuthSettings& settings) {
  if (settings.insecure_no_auth) return Insecure();
  Authenticator a;
  if (!settings.bearer_token_file.empty()) {
    Result<std::string> token = ReadSecretFile(settings.bearer_token_file, "auth.bearer_token_file");
    if (!token.ok()) return token.status();
    a.bearer_ = Sha256(*token);
  }
  if (!settings.basic_auth_username.empty()) {
    if (settings.basic_auth_password_file.empty()) {
      return InvalidArgument("auth.basic_auth: password_file is required with a username");
    }
    Result<std::string> pw =
        ReadSecretFile(settings.basic_auth_password_file, "auth.basic_auth.password_file");
    if (!pw.ok()) return pw.status();
    a.basic_user_ = Sha256(settings.basic_auth_username);
    a.basic_password_ = Sha256(*pw);
  }
  if (!a.bearer_ && !a.basic_user_) {
    return InvalidArgument(
        "auth: configure bearer_token_file or basic_auth, or set insecure_no_auth: true");
  }
  return a;
}

Authenticator Authenticator::Insecure() {
  Authenticator a;
  a.insecure_ = true;
  return a;
}

Authenticator Authenticator::FromSecrets(
    std::optional<std::string_view> bearer_token,
    std::optional<std::pair<std::string_view, std::string_view>> basic_user_password) {
  Authenticator a;
  if (bearer_token) a.bearer_ = Sha256(*bearer_token);
  if (basic_user_password) {
    a.basic_user_ = Sha256(basic_user_password->first);
    a.basic_password_ = Sha256(basic_user_password->second);
  }
  return a;
}

bool Authenticator::Check(std::string_view authorization) const {
  if (insecure_) return true;
  if (bearer_) {
    if (std::optional<std::string_view> token = StripScheme(authorization, "Bearer")) {
      return SameDigest(Sha256(*token), *bearer_);
    }
  }
  if (basic_user_ && basic_password_) {
    if (std::optional<std::string_view> b64 = StripScheme(authorization, "Basic")) {
      std::optional<std::string> decoded = DecodeBase64(*b64);
      if (!decoded) return false;
      size_t colon = decoded->find(':');
      if (colon == std::string::npos) return false;
      std::string_view user = std::string_view(*decoded).substr(0, colon);
      std::string_view pw = std::string_view(*decoded).substr(colon + 1);
      // Both compared every time, so the answer's timing does not tell which one was wrong.
      bool user_ok = SameDigest(Sha256(user), *basic_user_);
      bool pw_ok = SameDigest(Sha256(pw), *basic_password_);
      return user_ok & pw_ok;
    }
  }
  return false;
}

}  // namespace remediator::http

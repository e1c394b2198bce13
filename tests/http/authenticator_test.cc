#include "http/authenticator.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace remediator::http {
namespace {

std::string Basic(std::string_view user, std::string_view pw) {
  return "Basic " + EncodeBase64(std::string(user) + ":" + std::string(pw));
}

TEST(Base64, RoundTripsAndRejectsGarbage) {
  for (std::string s : {"", "a", "ab", "abc", "abcd", "am:s3cr\xff"}) {
    std::optional<std::string> back = DecodeBase64(EncodeBase64(s));
    ASSERT_TRUE(back.has_value()) << s;
    EXPECT_EQ(*back, s);
  }
  EXPECT_EQ(EncodeBase64("am:pw"), "YW06cHc=");
  EXPECT_FALSE(DecodeBase64("YW06cHc").has_value());
  EXPECT_FALSE(DecodeBase64("YW0=cHc=").has_value());
  EXPECT_FALSE(DecodeBase64("YW0*cHc=").has_value());
}

TEST(Authenticator, Table) {
  Authenticator both = Authenticator::FromSecrets("tok3n", std::make_pair("am", "pw"));
  Authenticator bearer_only = Authenticator::FromSecrets("tok3n", std::nullopt);
  Authenticator basic_only = Authenticator::FromSecrets(std::nullopt, std::make_pair("am", "pw"));
  struct Case {
    const Authenticator* auth;
    std::string header;
    bool want;
  };
  const Case cases[] = {
      {&both, "Bearer tok3n", true},
      {&both, "bearer tok3n", true},
      {&both, "Bearer tok3n ", true},
      {&both, "Bearer tok3", false},
      {&both, "Bearer tok3n2", false},
      {&both, "Bearer ", false},
      {&both, "", false},
      {&both, "tok3n", false},
      {&both, Basic("am", "pw"), true},
      {&both, Basic("am", "pw2"), false},
      {&both, Basic("bm", "pw"), false},
      {&both, "Basic !!!!", false},
      {&both, "Basic " + EncodeBase64("ampw"), false},
      {&bearer_only, Basic("am", "pw"), false},
      {&basic_only, "Bearer tok3n", false},
      {&basic_only, Basic("am", "pw"), true},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(c.auth->Check(c.header), c.want) << c.header;
  }
  EXPECT_TRUE(Authenticator::Insecure().Check(""));
  EXPECT_FALSE(Authenticator().Check("Bearer x"));
}

TEST(Authenticator, LoadsSecretFilesAndRefusesNoMethod) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("auth_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "token") << "from-file\n";
  std::ofstream(dir / "empty") << "\n";
  AuthSettings s;
  s.bearer_token_file = (dir / "token").string();
  Result<Authenticator> a = Authenticator::Load(s);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_TRUE(a->Check("Bearer from-file"));
  EXPECT_FALSE(a->Check("Bearer from-file\n"));

  s.bearer_token_file = (dir / "empty").string();
  EXPECT_EQ(Authenticator::Load(s).status().code(), StatusCode::kInvalidArgument);
  s.bearer_token_file = (dir / "missing").string();
  EXPECT_EQ(Authenticator::Load(s).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Authenticator::Load(AuthSettings{}).status().code(), StatusCode::kInvalidArgument);
  AuthSettings insecure;
  insecure.insecure_no_auth = true;
  ASSERT_TRUE(Authenticator::Load(insecure).ok());
  EXPECT_TRUE(Authenticator::Load(insecure)->insecure());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace remediator::http

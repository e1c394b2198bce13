#include "http/control_client.h"

#include <filesystem>
#include <fstream>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "http/fake_service.h"
#include "http/server.h"

namespace remediator::http {
namespace {

TEST(ControlClient, PausesAndResumesWithTheServersCredentials) {
  testing::FakeService service;
  ServerOptions options;
  options.auth = Authenticator::FromSecrets("tok", std::make_pair("am", "pw"));
  options.threads = 2;
  Server server(std::move(options), service);
  Result<int> port = server.Bind({"127.0.0.1", 0});
  ASSERT_TRUE(port.ok());
  std::thread runner([&] { EXPECT_TRUE(server.Run().ok()); });

  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              fmt::format("control_test_{}", ::getpid());
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "token") << "tok\n";
  std::ofstream(dir / "pw") << "pw\n";
  std::ofstream(dir / "bad") << "nope\n";
  const std::string addr = fmt::format("127.0.0.1:{}", *port);

  Result<ControlTarget> bearer = MakeControlTarget(addr, (dir / "token").string(), "");
  ASSERT_TRUE(bearer.ok()) << bearer.status().ToString();
  EXPECT_EQ(bearer->base_url, std::string("http://").append(addr));
  Result<std::string> body = PostControl(*bearer, "/api/v1/pause");
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  EXPECT_TRUE(service.paused());

  Result<ControlTarget> basic = MakeControlTarget(std::string("http://").append(addr).append("/"), "",
                                                   std::string("am:").append((dir / "pw").string()));
  ASSERT_TRUE(basic.ok()) << basic.status().ToString();
  ASSERT_TRUE(PostControl(*basic, "/api/v1/resume").ok());
  EXPECT_FALSE(service.paused());

  Result<ControlTarget> wrong = MakeControlTarget(addr, (dir / "bad").string(), "");
  ASSERT_TRUE(wrong.ok());
  Result<std::string> denied = PostControl(*wrong, "/api/v1/pause");
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(denied.status().message().find("401"), std::string::npos);
  EXPECT_EQ(denied.status().message().find("nope"), std::string::npos);  // no secret echoed
  EXPECT_FALSE(service.paused());

  EXPECT_FALSE(MakeControlTarget(addr, (dir / "token").string(), "am:x").ok());
  EXPECT_FALSE(MakeControlTarget(addr, "", "am").ok());
  EXPECT_EQ(MakeControlTarget(addr, (dir / "missing").string(), "").status().code(),
            StatusCode::kNotFound);

  server.Stop();
  runner.join();
  Result<std::string> gone = PostControl(*bearer, "/api/v1/pause");
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.status().code(), StatusCode::kUnavailable);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace remediator::http

#include "http/listen_address.h"

#include <gtest/gtest.h>

namespace remediator::http {
namespace {

TEST(ListenAddress, Table) {
  struct Case {
    std::string text;
    bool ok;
    std::string host;
    int port;
  };
  const Case cases[] = {
      {"127.0.0.1:9095", true, "127.0.0.1", 9095},
      {"localhost:0", true, "localhost", 0},
      {"[::1]:9095", true, "::1", 9095},
      {":9095", true, "0.0.0.0", 9095},
      {"127.0.0.1", false, "", 0},
      {"127.0.0.1:", false, "", 0},
      {"127.0.0.1:65536", false, "", 0},
      {"127.0.0.1:-1", false, "", 0},
      {"127.0.0.1:80x", false, "", 0},
      {"::1:9095", false, "", 0},
      {"[::1:9095", false, "", 0},
  };
  for (const Case& c : cases) {
    Result<ListenAddress> got = ParseListenAddress(c.text);
    ASSERT_EQ(got.ok(), c.ok) << c.text;
    if (!c.ok) {
      EXPECT_NE(got.status().message().find(c.text), std::string::npos) << got.status().message();
      continue;
    }
    EXPECT_EQ(got->host, c.host) << c.text;
    EXPECT_EQ(got->port, c.port) << c.text;
  }
}

}  // namespace
}  // namespace remediator::http

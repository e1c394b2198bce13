#include "remediation/json_text.h"

#include <gtest/gtest.h>

#include <string>

#include "core/json_writer.h"

namespace remediator::remediation {
namespace {

// The fast path must give exactly what core's AppendJsonString gives.
TEST(JsonTextTest, SameBytesAsAppendJsonString) {
  const std::string cases[] = {
      "",
      "plain ascii 123 ~!@#$%^&*()_+{}|:<>?",
      "quote \" inside",
      "back\\slash",
      "new\nline\ttab\rcr",
      std::string("nul \0 byte", 10),
      "\x1f unit separator",
      "\x7f delete",
      "caf\xC3\xA9 utf-8",
      "bad \xFF utf-8",
      "torn \xC3",
  };
  for (const std::string& s : cases) {
    std::string fast = "prefix:";
    AppendJsonText(fast, s);
    std::string slow = "prefix:";
    AppendJsonString(slow, s);
    EXPECT_EQ(fast, slow) << "input: " << s;
  }
}

}  // namespace
}  // namespace remediator::remediation

#include "core/json_writer.h"

#include <gtest/gtest.h>

namespace remediator {
namespace {

TEST(JsonWriter, EscapesControlQuotesAndBadUtf8) {
  EXPECT_EQ(JsonString("a\"b\\c\n\x01"), "\"a\\\"b\\\\c\\n\\u0001\"");
  EXPECT_EQ(JsonString("caf\xC3\xA9"), "\"caf\xC3\xA9\"");
  EXPECT_EQ(JsonString("x\xFFy"), "\"x\xEF\xBF\xBDy\"");
}

TEST(JsonWriter, Numbers) {
  std::string out;
  AppendJsonNumber(out, 3);
  out += ',';
  AppendJsonNumber(out, 0.25);
  out += ',';
  AppendJsonNumber(out, 1.0 / 0.0);
  EXPECT_EQ(out, "3,0.25,null");
}

}  // namespace
}  // namespace remediator

#include "logql/syntax/lexer.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "logql/syntax/literals.h"

namespace remediator::logql::syntax {
namespace {

constexpr int64_t kSec = 1'000'000'000;

TEST(LexerTest, NumbersDurationsBytes) {
  struct Case {
    std::string text;
    TokenKind kind;
    int64_t duration_ns;
    uint64_t bytes;
  };
  const std::vector<Case> kCases = {
      {"5", TokenKind::kNumber, 0, 0},
      {"1.5", TokenKind::kNumber, 0, 0},
      {"1e3", TokenKind::kNumber, 0, 0},
      {"5m", TokenKind::kDuration, 300 * kSec, 0},
      {"1h30m", TokenKind::kDuration, 5400 * kSec, 0},
      {"1.5s", TokenKind::kDuration, 1500'000'000, 0},
      {"250ms", TokenKind::kDuration, 250'000'000, 0},
      {"7d", TokenKind::kDuration, 7 * 86400 * kSec, 0},
      {"1y", TokenKind::kDuration, 365 * 86400 * kSec, 0},
      {"-2s", TokenKind::kDuration, -2 * kSec, 0},
      {"3\xC2\xB5s", TokenKind::kDuration, 3000, 0},
      {"20MB", TokenKind::kBytes, 0, 20'000'000},
      {"1KiB", TokenKind::kBytes, 0, 1024},
      {"1.5KB", TokenKind::kBytes, 0, 1500},
      {"2k", TokenKind::kBytes, 0, 2000},
      {"0x10", TokenKind::kNumber, 0, 0},
  };
  for (const Case& c : kCases) {
    std::vector<Token> t = Lex(c.text);
    ASSERT_EQ(t.size(), 2u) << c.text;
    EXPECT_EQ(t[0].kind, c.kind) << c.text;
    EXPECT_EQ(t[0].duration_ns, c.duration_ns) << c.text;
    EXPECT_EQ(t[0].bytes, c.bytes) << c.text;
    EXPECT_EQ(t[1].kind, TokenKind::kEof) << c.text;
  }
}

TEST(LexerTest, Strings) {
  struct Case {
    std::string text;
    std::string value;
  };
  const std::vector<Case> kCases = {
      {R"("a\"b")", "a\"b"},
      {R"("\n\t\\")", "\n\t\\"},
      {R"("\x41\101\u00e9")", "AA\xC3\xA9"},
      {"`raw \\d \"q\"`", "raw \\d \"q\""},
      {"`a\r\nb`", "a\nb"},
      {"\"caf\xC3\xA9\"", "caf\xC3\xA9"},
  };
  for (const Case& c : kCases) {
    std::vector<Token> t = Lex(c.text);
    ASSERT_EQ(t[0].kind, TokenKind::kString) << c.text << " " << t[0].value;
    EXPECT_EQ(t[0].value, c.value) << c.text;
  }
}

TEST(LexerTest, ErrorsAndPositions) {
  struct Case {
    std::string text;
    std::string error;
    int line, col;
  };
  const std::vector<Case> kCases = {
      {R"({a="\q"})", "invalid char escape", 1, 5},
      {"{a=\"b\n\"}", "literal not terminated", 1, 4},
      {"{a=\"\xff\"}", "invalid UTF-8 encoding", 1, 5},
      {"x [5m", "missing closing ']' in duration", 1, 3},
      {"x\n  [5minutes]", "unknown unit \"minutes\" in duration \"5minutes\"", 2, 3},
      {"'a'", "syntax error: unexpected character literal", 1, 1},
  };
  for (const Case& c : kCases) {
    std::vector<Token> t = Lex(c.text);
    ASSERT_EQ(t.back().kind, TokenKind::kError) << c.text;
    EXPECT_NE(t.back().value.find(c.error), std::string::npos) << c.text << ": " << t.back().value;
    EXPECT_EQ(t.back().line, c.line) << c.text;
    EXPECT_EQ(t.back().col, c.col) << c.text;
  }
}

TEST(LexerTest, OperatorsCommentsAndFlags) {
  std::vector<Token> t = Lex("|= != |~ !~ |> !> | == >= <= = =~ # comment\n --strict --keep-empty");
  std::vector<TokenKind> want = {
      TokenKind::kPipeExact, TokenKind::kNeq, TokenKind::kPipeMatch, TokenKind::kNre,
      TokenKind::kPipePattern, TokenKind::kNotPattern, TokenKind::kPipe, TokenKind::kCmpEq,
      TokenKind::kGte, TokenKind::kLte, TokenKind::kEq, TokenKind::kRe, TokenKind::kFlag,
      TokenKind::kFlag, TokenKind::kEof};
  ASSERT_EQ(t.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(t[i].kind, want[i]) << i;
  EXPECT_EQ(t[12].line, 2);
}

TEST(LiteralsTest, FormatsReadBack) {
  for (uint64_t b : {0ULL, 1ULL, 999ULL, 1000ULL, 1024ULL, 1500ULL, 20'000'000ULL, 3ULL << 30,
                     123456789ULL}) {
    auto back = ParseHumanBytes(FormatBytes(b));
    ASSERT_TRUE(back.ok()) << FormatBytes(b);
    EXPECT_EQ(*back, b) << FormatBytes(b);
  }
  for (double v : {0.0, 1.0, -2.5, 0.1, 1e21, 1e-7, 123456.789}) {
    auto back = ParseFloatLiteral(FormatFloat(v));
    ASSERT_TRUE(back.ok()) << FormatFloat(v);
    EXPECT_EQ(*back, v) << FormatFloat(v);
  }
  EXPECT_EQ(QuoteString("a\"b\\\n\xff\xC3\xA9"), "\"a\\\"b\\\\\\n\\xff\xC3\xA9\"");
  EXPECT_FALSE(ParseFloatLiteral("0x10").ok());
  EXPECT_EQ(*ParseFloatLiteral("0x1.8p3"), 12.0);
  EXPECT_FALSE(ParseFloatLiteral("1e999").ok());
  EXPECT_FALSE(ParseLokiDuration("5minutes").ok());
  EXPECT_EQ(*ParseLokiDuration("1h30m"), 5400 * kSec);
  EXPECT_FALSE(ParseGoDuration("1d").ok());
}

}  // namespace
}  // namespace remediator::logql::syntax

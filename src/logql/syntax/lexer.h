// The LogQL lexer: query text -> tokens with 1-based line/column positions.
//
// Words (identifiers and keywords alike) are one token kind, kWord; the parser decides by
// context what a word means, matching keywords case-insensitively as Loki does. Lexing
// errors become a kError token carrying the message, so the parser reports whichever
// problem comes first in the text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace remediator::logql::syntax {

enum class TokenKind {
  kEof,          // end of input
  kError,        // a lexing error; `text` holds the message
  kWord,         // identifier or keyword: [A-Za-z_][A-Za-z0-9_]*
  kString,       // "..." or `...`; `value` holds the decoded string
  kNumber,       // 1, 1.5, 1e3, 0x10 (conversion is checked by the parser)
  kDuration,     // 5m, 1h30m, -2s, 250ms; `duration_ns`
  kBytes,        // 20MB, 1KiB; `bytes`
  kRange,        // [5m]; `duration_ns`
  kFlag,         // --strict, --keep-empty
  kLeftBrace,    // {
  kRightBrace,   // }
  kLeftParen,    // (
  kRightParen,   // )
  kComma,        // ,
  kEq,           // =
  kNeq,          // !=
  kRe,           // =~
  kNre,          // !~
  kPipe,         // |
  kPipeExact,    // |=
  kPipeMatch,    // |~
  kPipePattern,  // |>
  kNotPattern,   // !>
  kCmpEq,        // ==
  kGt,           // >
  kGte,          // >=
  kLt,           // <
  kLte,          // <=
  kAdd,          // +
  kSub,          // -
  kMul,          // *
  kDiv,          // /
  kMod,          // %
  kPow,          // ^
};

struct Token {
  TokenKind kind = TokenKind::kEof;
  std::string_view text;  // the source text of the token (error message for kError)
  std::string value;      // decoded string (kString) or error message (kError)
  int64_t duration_ns = 0;
  uint64_t bytes = 0;
  int line = 1;  // 1-based
  int col = 1;   // 1-based, in bytes
};

// Lexes the whole query. The result always ends with a kEof or a kError token. The
// returned tokens hold views into `query`, which must outlive them.
std::vector<Token> Lex(std::string_view query);

// A name for error messages: "IDENTIFIER", "STRING", "NUMBER", ")", "$end", ...
std::string TokenDescription(const Token& token);

}  // namespace remediator::logql::syntax

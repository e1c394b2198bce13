// A recursive-descent parser for Loki's LogQL grammar (pkg/logql/syntax/syntax.y), with
// precedence climbing for binary operations. Keywords are matched case-insensitively and
// only where the grammar expects them, so label names like `rate` or `of` stay usable.
#include "logql/syntax/parse.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <fmt/format.h>
#include <re2/re2.h>

#include "logql/syntax/lexer.h"
#include "logql/syntax/stage_checks.h"
#include "logql/syntax/literals.h"
#include "logql/syntax/validate.h"

namespace remediator::logql::syntax {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::optional<RangeOp> RangeOpFromName(std::string_view name) {
  static constexpr RangeOp kAll[] = {
      RangeOp::kCountOverTime,  RangeOp::kRate,           RangeOp::kRateCounter,
      RangeOp::kBytesOverTime,  RangeOp::kBytesRate,      RangeOp::kAvgOverTime,
      RangeOp::kSumOverTime,    RangeOp::kMinOverTime,    RangeOp::kMaxOverTime,
      RangeOp::kStdvarOverTime, RangeOp::kStddevOverTime, RangeOp::kQuantileOverTime,
      RangeOp::kFirstOverTime,  RangeOp::kLastOverTime,   RangeOp::kAbsentOverTime,
  };
  for (RangeOp op : kAll) {
    if (RangeOpText(op) == name) return op;
  }
  return std::nullopt;
}

std::optional<VectorOp> VectorOpFromName(std::string_view name) {
  static constexpr VectorOp kAll[] = {
      VectorOp::kSum,     VectorOp::kAvg,  VectorOp::kCount,    VectorOp::kMax,
      VectorOp::kMin,     VectorOp::kStddev, VectorOp::kStdvar, VectorOp::kBottomk,
      VectorOp::kTopk,    VectorOp::kSort, VectorOp::kSortDesc, VectorOp::kApproxTopk,
  };
  for (VectorOp op : kAll) {
    if (VectorOpText(op) == name) return op;
  }
  return std::nullopt;
}

int Precedence(BinaryOp op) {
  switch (op) {
    case BinaryOp::kOr: return 1;
    case BinaryOp::kAnd:
    case BinaryOp::kUnless: return 2;
    case BinaryOp::kEqual:
    case BinaryOp::kNotEqual:
    case BinaryOp::kGreater:
    case BinaryOp::kGreaterEqual:
    case BinaryOp::kLess:
    case BinaryOp::kLessEqual: return 3;
    case BinaryOp::kAdd:
    case BinaryOp::kSub: return 4;
    case BinaryOp::kMul:
    case BinaryOp::kDiv:
    case BinaryOp::kMod: return 5;
    case BinaryOp::kPow: return 6;
  }
  return 0;
}

// Loki folds operations between two literals at parse time (x/0 and x%0 are NaN;
// comparisons give 1 or 0).
double Fold(BinaryOp op, double a, double b) {
  switch (op) {
    case BinaryOp::kAdd: return a + b;
    case BinaryOp::kSub: return a - b;
    case BinaryOp::kMul: return a * b;
    case BinaryOp::kDiv: return b == 0 ? std::nan("") : a / b;
    case BinaryOp::kMod: return b == 0 ? std::nan("") : std::fmod(a, b);
    case BinaryOp::kPow: return std::pow(a, b);
    case BinaryOp::kEqual: return a == b ? 1 : 0;
    case BinaryOp::kNotEqual: return a != b ? 1 : 0;
    case BinaryOp::kGreater: return a > b ? 1 : 0;
    case BinaryOp::kGreaterEqual: return a >= b ? 1 : 0;
    case BinaryOp::kLess: return a < b ? 1 : 0;
    case BinaryOp::kLessEqual: return a <= b ? 1 : 0;
    case BinaryOp::kOr:
    case BinaryOp::kAnd:
    case BinaryOp::kUnless: return 0;  // rejected before folding
  }
  return 0;
}

// Loki's Go type names, used in its "unexpected type for ... leg" messages.
std::string_view GoTypeName(const Expr& e) {
  const auto* log = std::get_if<LogSelectorExpr>(&e.node);
  if (log != nullptr) return log->pipeline.empty() ? "*syntax.MatchersExpr" : "*syntax.PipelineExpr";
  return "*syntax.SampleExpr";
}

Status ValidationError(std::string message) {
  return InvalidArgument("parse error : " + std::move(message));
}

struct BinOpModifier {
  bool return_bool = false;
  VectorMatching matching;
};

struct ParsedRange {
  LogRange range;
  bool has_range = false;
};

// Bounds that keep recursion (here, in the printer, the evaluator and in destructors) far
// from the stack limit on hostile input; real queries stay well below them (Loki's own test
// queries nest at most 9 deep).
// - kMaxTreeHeight: how tall the expression tree may be. A chain of binary operations is
//   parsed in a loop, but `a + b + c ...` is a tree as tall as the chain, which the evaluator
//   walks recursively (about 1.2 KB of stack a level in a Release build, several times that
//   with the sanitizers; a chain of 10,000 overflowed an 8 MiB stack).
// - kMaxNesting: how deep the parser itself recurses (parentheses, arguments). Twice the
//   height and a little: a tree it accepts prints with parentheses around each operation
//   (two levels of recursion each, on the right of an operator) and must parse back.
constexpr int kMaxTreeHeight = 256;
constexpr int kMaxNesting = 2 * kMaxTreeHeight + 8;
constexpr int kMaxBinaryNodes = 10000;

// The height of an expression tree (a leaf is 1). Without recursion: any tree is measured.
size_t ExprHeight(const Expr& root) {
  size_t height = 0;
  std::vector<std::pair<const Expr*, size_t>> todo{{&root, 1}};
  while (!todo.empty()) {
    const auto [e, level] = todo.back();
    todo.pop_back();
    height = std::max(height, level);
    if (const auto* v = std::get_if<VectorAggregationExpr>(&e->node)) {
      todo.emplace_back(&v->inner.get(), level + 1);
    } else if (const auto* b = std::get_if<BinaryExpr>(&e->node)) {
      todo.emplace_back(&b->lhs.get(), level + 1);
      todo.emplace_back(&b->rhs.get(), level + 1);
    } else if (const auto* l = std::get_if<LabelReplaceExpr>(&e->node)) {
      todo.emplace_back(&l->inner.get(), level + 1);
    }
  }
  return height;
}

class Parser {
 public:
  explicit Parser(std::string_view query) : tokens_(Lex(query)) {}

  Result<Expr> ParseQuery() {
    REMEDIATOR_ASSIGN_OR_RETURN(Expr e, ParseExpr(0));
    if (Cur().kind != TokenKind::kEof) return Unexpected();
    return e;
  }

  Result<std::vector<LabelMatcher>> ParseSelectorQuery() {
    REMEDIATOR_ASSIGN_OR_RETURN(std::vector<LabelMatcher> m, ParseSelector());
    if (Cur().kind != TokenKind::kEof) return Unexpected();
    return m;
  }

 private:
  // ---- token helpers

  const Token& Cur() const { return tokens_[pos_]; }
  const Token& At(size_t k) const {
    size_t i = pos_ + k;
    return i < tokens_.size() ? tokens_[i] : tokens_.back();
  }
  void Advance() {
    if (pos_ + 1 < tokens_.size()) ++pos_;
  }
  static bool IsWord(const Token& t, std::string_view lower_word) {
    return t.kind == TokenKind::kWord && t.text.size() == lower_word.size() &&
           Lower(t.text) == lower_word;
  }
  static bool IsComparisonToken(const Token& t) {
    switch (t.kind) {
      case TokenKind::kEq:
      case TokenKind::kNeq:
      case TokenKind::kRe:
      case TokenKind::kNre:
      case TokenKind::kCmpEq:
      case TokenKind::kGt:
      case TokenKind::kGte:
      case TokenKind::kLt:
      case TokenKind::kLte:
        return true;
      default:
        return false;
    }
  }
  // A word followed by `(`, or by `by (` / `without (`: Loki's isFunction.
  bool IsFunctionCall() const {
    if (At(1).kind == TokenKind::kLeftParen) return true;
    return (IsWord(At(1), "by") || IsWord(At(1), "without")) &&
           At(2).kind == TokenKind::kLeftParen;
  }

  std::string Describe(const Token& t) const {
    if (t.kind != TokenKind::kWord) return TokenDescription(t);
    std::string w = Lower(t.text);
    static constexpr std::string_view kKeywords[] = {
        "by",     "without",      "bool",        "on",         "ignoring", "group_left",
        "group_right", "or",      "and",         "unless",     "offset",   "json",
        "logfmt", "regexp",       "pattern",     "unpack",     "line_format",
        "label_format", "decolorize", "drop",    "keep",       "unwrap",   "ip"};
    for (std::string_view k : kKeywords) {
      if (w == k) return w;
    }
    return "IDENTIFIER";
  }

  Status ErrorAt(const Token& t, std::string_view message) const {
    return InvalidArgument(fmt::format("parse error at line {}, col {}: {}", t.line, t.col, message));
  }

  // A syntax error at the current token (or the lexer's error if that is what is here).
  Status Unexpected(std::string_view expecting = "") const {
    const Token& t = Cur();
    if (t.kind == TokenKind::kError) return ErrorAt(t, t.value);
    std::string msg = "syntax error: unexpected " + Describe(t);
    if (!expecting.empty()) msg += fmt::format(", expecting {}", expecting);
    return ErrorAt(t, msg);
  }

  Result<Token> Expect(TokenKind kind, std::string_view expecting) {
    if (Cur().kind != kind) return Unexpected(expecting);
    Token t = Cur();
    Advance();
    return t;
  }

  Result<std::string> ExpectWord() {
    if (Cur().kind != TokenKind::kWord) return Unexpected("IDENTIFIER");
    std::string w(Cur().text);
    Advance();
    return w;
  }

  Result<std::string> ExpectString() {
    REMEDIATOR_ASSIGN_OR_RETURN(Token t, Expect(TokenKind::kString, "STRING"));
    return std::move(t.value);
  }

  // ---- expressions

  std::optional<BinaryOp> CurBinaryOp() const {
    const Token& t = Cur();
    switch (t.kind) {
      case TokenKind::kAdd: return BinaryOp::kAdd;
      case TokenKind::kSub: return BinaryOp::kSub;
      case TokenKind::kMul: return BinaryOp::kMul;
      case TokenKind::kDiv: return BinaryOp::kDiv;
      case TokenKind::kMod: return BinaryOp::kMod;
      case TokenKind::kPow: return BinaryOp::kPow;
      case TokenKind::kCmpEq: return BinaryOp::kEqual;
      case TokenKind::kNeq: return BinaryOp::kNotEqual;
      case TokenKind::kGt: return BinaryOp::kGreater;
      case TokenKind::kGte: return BinaryOp::kGreaterEqual;
      case TokenKind::kLt: return BinaryOp::kLess;
      case TokenKind::kLte: return BinaryOp::kLessEqual;
      case TokenKind::kWord:
        if (IsWord(t, "or")) return BinaryOp::kOr;
        if (IsWord(t, "and")) return BinaryOp::kAnd;
        if (IsWord(t, "unless")) return BinaryOp::kUnless;
        return std::nullopt;
      default:
        return std::nullopt;
    }
  }

  // Counts one level of recursion for as long as it lives.
  class NestingGuard {
   public:
    explicit NestingGuard(int& depth) : depth_(depth) { ++depth_; }
    ~NestingGuard() { --depth_; }
    NestingGuard(const NestingGuard&) = delete;
    NestingGuard& operator=(const NestingGuard&) = delete;
    bool too_deep() const { return depth_ > kMaxNesting; }

   private:
    int& depth_;
  };

  Status TooDeep() const {
    return ErrorAt(Cur(), fmt::format("query nested too deeply (more than {} levels)", kMaxNesting));
  }

  Status CountBinaryNode() {
    if (++binary_nodes_ > kMaxBinaryNodes) {
      return ErrorAt(Cur(), fmt::format("query too large (more than {} binary operations)",
                                        kMaxBinaryNodes));
    }
    return Status::Ok();
  }

  Result<Expr> ParseExpr(int min_prec) {
    NestingGuard guard(depth_);
    if (guard.too_deep()) return TooDeep();
    REMEDIATOR_ASSIGN_OR_RETURN(Expr lhs, ParsePrimary());
    // Each operation of a chain puts the tree one level taller (see kMaxTreeHeight): a chain
    // too long for the tree alone stops here rather than after it is all built (the tree's
    // height is checked once it is: parentheses and chains add up).
    int chain = 0;
    while (true) {
      std::optional<BinaryOp> op = CurBinaryOp();
      if (!op) break;
      int prec = Precedence(*op);
      if (prec < min_prec) break;
      if (++chain >= kMaxTreeHeight) {
        return ErrorAt(Cur(), fmt::format("query nested too deeply (more than {} levels of operations)", kMaxTreeHeight));
      }
      Advance();
      REMEDIATOR_RETURN_IF_ERROR(CountBinaryNode());
      REMEDIATOR_ASSIGN_OR_RETURN(BinOpModifier mod, ParseBinOpModifier());
      int next_min = *op == BinaryOp::kPow ? prec : prec + 1;
      REMEDIATOR_ASSIGN_OR_RETURN(Expr rhs, ParseExpr(next_min));
      REMEDIATOR_ASSIGN_OR_RETURN(lhs, MakeBinary(*op, std::move(mod), std::move(lhs), std::move(rhs)));
    }
    return lhs;
  }

  Result<BinOpModifier> ParseBinOpModifier() {
    BinOpModifier mod;
    if (IsWord(Cur(), "bool")) {
      mod.return_bool = true;
      Advance();
    }
    if (IsWord(Cur(), "on") || IsWord(Cur(), "ignoring")) {
      mod.matching.on = IsWord(Cur(), "on");
      Advance();
      REMEDIATOR_ASSIGN_OR_RETURN(mod.matching.labels, ParseLabelList());
      if (IsWord(Cur(), "group_left") || IsWord(Cur(), "group_right")) {
        mod.matching.cardinality =
            IsWord(Cur(), "group_left") ? Cardinality::kManyToOne : Cardinality::kOneToMany;
        Advance();
        if (Cur().kind == TokenKind::kLeftParen) {
          REMEDIATOR_ASSIGN_OR_RETURN(mod.matching.include, ParseLabelList());
        }
      }
    }
    return mod;
  }

  // `( [label {, label}] )`
  Result<std::vector<std::string>> ParseLabelList() {
    REMEDIATOR_RETURN_IF_ERROR(Expect(TokenKind::kLeftParen, "(").status());
    std::vector<std::string> labels;
    if (Cur().kind == TokenKind::kRightParen) {
      Advance();
      return labels;
    }
    while (true) {
      if (Cur().kind != TokenKind::kWord) return Unexpected("IDENTIFIER or )");
      labels.emplace_back(Cur().text);
      Advance();
      if (Cur().kind == TokenKind::kComma) {
        Advance();
        continue;
      }
      REMEDIATOR_RETURN_IF_ERROR(Expect(TokenKind::kRightParen, ", or )").status());
      return labels;
    }
  }

  Result<Expr> MakeBinary(BinaryOp op, BinOpModifier mod, Expr lhs, Expr rhs) {
    std::string_view op_text = BinaryOpText(op);
    if (IsLogQuery(lhs)) {
      return ValidationError(fmt::format("unexpected type for left leg of binary operation ({}): {}",
                                         op_text, GoTypeName(lhs)));
    }
    if (IsLogQuery(rhs)) {
      return ValidationError(fmt::format(
          "unexpected type for right leg of binary operation ({}): {}", op_text, GoTypeName(rhs)));
    }
    const auto* llit = std::get_if<LiteralExpr>(&lhs.node);
    const auto* rlit = std::get_if<LiteralExpr>(&rhs.node);
    if (IsSetOperation(op)) {
      if (llit != nullptr) {
        return ValidationError(fmt::format(
            "unexpected literal for left leg of logical/set binary operation ({}): {:.6f}",
            op_text, llit->value));
      }
      if (rlit != nullptr) {
        return ValidationError(fmt::format(
            "unexpected literal for right leg of logical/set binary operation ({}): {:.6f}",
            op_text, rlit->value));
      }
    }
    if (llit != nullptr && rlit != nullptr) {
      return Expr{LiteralExpr{Fold(op, llit->value, rlit->value)}};
    }
    BinaryExpr b;
    b.op = op;
    b.lhs = std::move(lhs);
    b.rhs = std::move(rhs);
    b.return_bool = mod.return_bool;
    b.matching = std::move(mod.matching);
    return Expr{std::move(b)};
  }

  Result<double> ParseNumberToken(const Token& t) {
    auto v = ParseFloatLiteral(t.text);
    if (!v.ok()) return ValidationError(v.status().message());
    return *v;
  }

  Result<Expr> ParsePrimary() {
    const Token& t = Cur();
    switch (t.kind) {
      case TokenKind::kLeftParen: {
        Advance();
        REMEDIATOR_ASSIGN_OR_RETURN(Expr e, ParseExpr(0));
        REMEDIATOR_RETURN_IF_ERROR(Expect(TokenKind::kRightParen, ")").status());
        return e;
      }
      case TokenKind::kLeftBrace: {
        REMEDIATOR_ASSIGN_OR_RETURN(LogSelectorExpr e, ParseLogExpr());
        return Expr{std::move(e)};
      }
      case TokenKind::kNumber:
      case TokenKind::kAdd:
      case TokenKind::kSub: {
        REMEDIATOR_ASSIGN_OR_RETURN(double v, ParseSignedNumber());
        return Expr{LiteralExpr{v}};
      }
      case TokenKind::kWord: {
        if (!IsFunctionCall()) return Unexpected();
        std::string name = Lower(t.text);
        if (auto op = RangeOpFromName(name)) return ParseRangeAggregation(*op);
        if (auto op = VectorOpFromName(name)) return ParseVectorAggregation(*op);
        if (name == "label_replace") return ParseLabelReplace();
        if (name == "vector") return ParseVectorExpr();
        return Unexpected();
      }
      default:
        return Unexpected();
    }
  }

  // NUMBER, + NUMBER or - NUMBER.
  Result<double> ParseSignedNumber() {
    bool negative = false;
    if (Cur().kind == TokenKind::kAdd || Cur().kind == TokenKind::kSub) {
      negative = Cur().kind == TokenKind::kSub;
      Advance();
    }
    REMEDIATOR_ASSIGN_OR_RETURN(Token num, Expect(TokenKind::kNumber, "NUMBER"));
    REMEDIATOR_ASSIGN_OR_RETURN(double v, ParseNumberToken(num));
    return negative ? -v : v;
  }

  Result<Grouping> ParseGrouping() {
    Grouping g;
    g.without = IsWord(Cur(), "without");
    Advance();
    REMEDIATOR_ASSIGN_OR_RETURN(g.labels, ParseLabelList());
    return g;
  }
  bool AtGrouping() const {
    return (IsWord(Cur(), "by") || IsWord(Cur(), "without")) &&
           At(1).kind == TokenKind::kLeftParen;
  }

  Result<Expr> ParseRangeAggregation(RangeOp op) {
    Advance();  // the operation name
    REMEDIATOR_RETURN_IF_ERROR(Expect(TokenKind::kLeftParen, "(").status());
    std::optional<std::string> param_text;
    if (Cur().kind == TokenKind::kNumber && At(1).kind == TokenKind::kComma) {
      param_text = std::string(Cur().text);
      Advance();
      Advance();
    } else if (Cur().kind != TokenKind::kLeftBrace && Cur().kind != TokenKind::kLeftParen) {
      return Unexpected("NUMBER or { or (");
    }
    REMEDIATOR_ASSIGN_OR_RETURN(LogRange range, ParseLogRange());
    REMEDIATOR_RETURN_IF_ERROR(Expect(TokenKind::kRightParen, ")").status());
    RangeAggregationExpr e;
    e.op = op;
    e.range = std::move(range);
    if (AtGrouping()) {
      REMEDIATOR_ASSIGN_OR_RETURN(Grouping g, ParseGrouping());
      e.grouping = std::move(g);
    }
    std::string_view name = RangeOpText(op);
    if (param_text) {
      if (op != RangeOp::kQuantileOverTime) {
        return ValidationError(
            fmt::format("parameter {} not supported for operation {}", *param_text, name));
      }
      auto v = ParseFloatLiteral(*param_text);
      if (!v.ok()) {
        return ValidationError(
            fmt::format("invalid parameter for operation {}: {}", name, v.status().message()));
      }
      e.param = *v;
    } else if (op == RangeOp::kQuantileOverTime) {
      return ValidationError(fmt::format("parameter required for operation {}", name));
    }
    if (e.grouping) {
      switch (op) {
        case RangeOp::kAvgOverTime:
        case RangeOp::kStddevOverTime:
        case RangeOp::kStdvarOverTime:
        case RangeOp::kQuantileOverTime:
        case RangeOp::kMaxOverTime:
        case RangeOp::kMinOverTime:
        case RangeOp::kFirstOverTime:
        case RangeOp::kLastOverTime:
          break;
        case RangeOp::kCountOverTime:
        case RangeOp::kRate:
        case RangeOp::kRateCounter:
        case RangeOp::kBytesOverTime:
        case RangeOp::kBytesRate:
        case RangeOp::kSumOverTime:
        case RangeOp::kAbsentOverTime:
          return ValidationError(fmt::format("grouping not allowed for {} aggregation", name));
      }
    }
    bool with_unwrap = e.range.unwrap.has_value();
    bool ok = false;
    switch (op) {
      case RangeOp::kRate:
      case RangeOp::kAbsentOverTime:
        ok = true;
        break;
      case RangeOp::kCountOverTime:
      case RangeOp::kBytesOverTime:
      case RangeOp::kBytesRate:
        ok = !with_unwrap;
        break;
      case RangeOp::kRateCounter:
      case RangeOp::kAvgOverTime:
      case RangeOp::kSumOverTime:
      case RangeOp::kMinOverTime:
      case RangeOp::kMaxOverTime:
      case RangeOp::kStdvarOverTime:
      case RangeOp::kStddevOverTime:
      case RangeOp::kQuantileOverTime:
      case RangeOp::kFirstOverTime:
      case RangeOp::kLastOverTime:
        ok = with_unwrap;
        break;
    }
    if (!ok) {
      return ValidationError(fmt::format("invalid aggregation {} {} unwrap", name,
                                         with_unwrap ? "with" : "without"));
    }
    return Expr{std::move(e)};
  }

  Result<Expr> ParseVectorAggregation(VectorOp op) {
    Advance();  // the operation name
    VectorAggregationExpr e;
    e.op = op;
    bool grouping_before = false;
    if (AtGrouping()) {
      REMEDIATOR_ASSIGN_OR_RETURN(Grouping g, ParseGrouping());
      e.grouping = std::move(g);
      grouping_before = true;
    }
    REMEDIATOR_RETURN_IF_ERROR(Expect(TokenKind::kLeftParen, "(").status());
    std::optional<std::string> param_text;
    if (Cur().kind == TokenKind::kNumber && At(1).kind == TokenKind::kComma) {
      param_text = std::string(Cur().text);
      Advance();
      Advance();
    }
    REMEDIATOR_ASSIGN_OR_RETURN(Expr inner, ParseExpr(0));
    if (IsLogQuery(inner)) return Unexpected();
    REMEDIATOR_RETURN_IF_ERROR(Expect(TokenKind::kRightParen, ")").status());
    e.inner = std::move(inner);
    if (!grouping_before && AtGrouping()) {
      REMEDIATOR_ASSIGN_OR_RETURN(Grouping g, ParseGrouping());
      e.grouping = std::move(g);
    }
    std::string_view name = VectorOpText(op);
    switch (op) {
      case VectorOp::kBottomk:
      case VectorOp::kTopk:
      case VectorOp::kApproxTopk: {
        if (!param_text) {
          return ValidationError(fmt::format("parameter required for operation {}", name));
        }
        int64_t k = 0;
        const std::string& p = *param_text;
        bool digits = !p.empty() && p.size() <= 18 &&
                      p.find_first_not_of("0123456789") == std::string::npos;
        if (!digits) return ValidationError(fmt::format("invalid parameter {}({},", name, p));
        k = std::stoll(p);
        if (k <= 0) {
          return ValidationError(
              fmt::format("invalid parameter (must be greater than 0) {}({}", name, p));
        }
        if (op == VectorOp::kApproxTopk && e.grouping) {
          return ValidationError("grouping not allowed for approx_topk aggregation");
        }
        e.param = k;
        break;
      }
      case VectorOp::kSort:
      case VectorOp::kSortDesc:
        if (param_text) {
          return ValidationError(
              fmt::format("unsupported parameter for operation {}({},", name, *param_text));
        }
        if (e.grouping && !e.grouping->labels.empty()) {
          return ValidationError("sort and sort_desc doesn't allow grouping by ");
        }
        break;
      case VectorOp::kSum:
      case VectorOp::kAvg:
      case VectorOp::kCount:
      case VectorOp::kMax:
      case VectorOp::kMin:
      case VectorOp::kStddev:
      case VectorOp::kStdvar:
        if (param_text) {
          return ValidationError(
              fmt::format("unsupported parameter for operation {}({},", name, *param_text));
        }
        break;
    }
    // Loki gives a missing grouping an empty `by ()`: the two are the same query.
    if (e.grouping && !e.grouping->without && e.grouping->labels.empty()) e.grouping.reset();
    return Expr{std::move(e)};
  }

  Result<Expr> ParseLabelReplace() {
    Advance();  // label_replace
    REMEDIATOR_RETURN_IF_ERROR(Expect(TokenKind::kLeftParen, "(").status());
    REMEDIATOR_ASSIGN_OR_RETURN(Expr inner, ParseExpr(0));
    if (IsLogQuery(inner)) return Unexpected();
    LabelReplaceExpr e;
    e.inner = std::move(inner);
    std::string* fields[] = {&e.dst, &e.replacement, &e.src, &e.regex};
    for (std::string* f : fields) {
      REMEDIATOR_RETURN_IF_ERROR(Expect(TokenKind::kComma, ",").status());
      REMEDIATOR_ASSIGN_OR_RETURN(*f, ExpectString());
    }
    REMEDIATOR_RETURN_IF_ERROR(Expect(TokenKind::kRightParen, ")").status());
    re2::RE2 re("^(?:" + e.regex + ")$", re2::RE2::Quiet);
    if (!re.ok()) {
      return ValidationError(fmt::format("invalid regex in label_replace: error parsing regexp: {}",
                                         re.error()));
    }
    return Expr{std::move(e)};
  }

  Result<Expr> ParseVectorExpr() {
    Advance();  // vector
    REMEDIATOR_RETURN_IF_ERROR(Expect(TokenKind::kLeftParen, "(").status());
    REMEDIATOR_ASSIGN_OR_RETURN(Token num, Expect(TokenKind::kNumber, "NUMBER"));
    REMEDIATOR_ASSIGN_OR_RETURN(double v, ParseNumberToken(num));
    REMEDIATOR_RETURN_IF_ERROR(Expect(TokenKind::kRightParen, ")").status());
    return Expr{VectorExpr{v}};
  }

  // ---- log selectors and pipelines

  Result<std::vector<LabelMatcher>> ParseSelector() {
    REMEDIATOR_RETURN_IF_ERROR(Expect(TokenKind::kLeftBrace, "{").status());
    std::vector<LabelMatcher> matchers;
    if (Cur().kind == TokenKind::kRightBrace) {
      Advance();
      return matchers;
    }
    while (true) {
      REMEDIATOR_ASSIGN_OR_RETURN(LabelMatcher m, ParseMatcher());
      matchers.push_back(std::move(m));
      if (Cur().kind == TokenKind::kComma) {
        Advance();
        continue;
      }
      REMEDIATOR_RETURN_IF_ERROR(Expect(TokenKind::kRightBrace, "} or ,").status());
      return matchers;
    }
  }

  static std::optional<MatchOp> MatchOpOf(const Token& t) {
    switch (t.kind) {
      case TokenKind::kEq: return MatchOp::kEqual;
      case TokenKind::kNeq: return MatchOp::kNotEqual;
      case TokenKind::kRe: return MatchOp::kRegex;
      case TokenKind::kNre: return MatchOp::kNotRegex;
      default: return std::nullopt;
    }
  }

  Result<LabelMatcher> MakeMatcher(const Token& at, std::string name, MatchOp op, std::string value) {
    auto m = LabelMatcher::Create(std::move(name), op, std::move(value));
    if (!m.ok()) return ErrorAt(at, m.status().message());
    return std::move(m).value();
  }

  // name op "value"
  Result<LabelMatcher> ParseMatcher() {
    REMEDIATOR_ASSIGN_OR_RETURN(std::string name, ExpectWord());
    std::optional<MatchOp> op = MatchOpOf(Cur());
    if (!op) return Unexpected("=, !=, =~ or !~");
    Advance();
    Token value_token = Cur();
    REMEDIATOR_ASSIGN_OR_RETURN(std::string value, ExpectString());
    return MakeMatcher(value_token, std::move(name), *op, std::move(value));
  }

  Result<LogSelectorExpr> ParseLogExpr() {
    LogSelectorExpr e;
    REMEDIATOR_ASSIGN_OR_RETURN(e.matchers, ParseSelector());
    REMEDIATOR_ASSIGN_OR_RETURN(e.pipeline, ParsePipeline(/*in_range=*/false));
    return e;
  }

  bool AtIpCall(size_t k) const {
    return IsWord(At(k), "ip") && At(k + 1).kind == TokenKind::kLeftParen;
  }

  bool AtLineFilter() const {
    switch (Cur().kind) {
      case TokenKind::kPipeExact:
      case TokenKind::kPipeMatch:
      case TokenKind::kPipePattern:
      case TokenKind::kNre:
      case TokenKind::kNotPattern:
        return true;
      case TokenKind::kNeq:
        return At(1).kind == TokenKind::kString || AtIpCall(1);
      default:
        return false;
    }
  }

  // Stages until the pipeline ends. In a range, `| unwrap` ends it (the caller parses it).
  Result<std::vector<Stage>> ParsePipeline(bool in_range) {
    std::vector<Stage> stages;
    while (true) {
      if (AtLineFilter()) {
        REMEDIATOR_ASSIGN_OR_RETURN(LineFilter f, ParseLineFilter());
        bool negative = f.op == LineFilterOp::kNotContains || f.op == LineFilterOp::kNotRegex ||
                        f.op == LineFilterOp::kNotPattern;
        if (negative && f.operands.size() > 1) {
          // !(a or b) == !a and !b: one stage per operand, as Loki builds it.
          for (LineFilterOperand& o : f.operands) {
            stages.push_back(Stage{LineFilter{f.op, {std::move(o)}}});
          }
        } else {
          stages.push_back(Stage{std::move(f)});
        }
        continue;
      }
      if (Cur().kind != TokenKind::kPipe) break;
      if (IsWord(At(1), "unwrap")) {
        if (in_range) break;
        Advance();
        return Unexpected();
      }
      Advance();  // |
      REMEDIATOR_ASSIGN_OR_RETURN(Stage s, ParseStage());
      stages.push_back(std::move(s));
    }
    return stages;
  }

  Result<LineFilterOperand> ParseLineFilterOperand() {
    if (Cur().kind == TokenKind::kString) {
      LineFilterOperand o{Cur().value, false};
      Advance();
      return o;
    }
    if (AtIpCall(0)) {
      Advance();
      Advance();
      REMEDIATOR_ASSIGN_OR_RETURN(std::string v, ExpectString());
      REMEDIATOR_RETURN_IF_ERROR(Expect(TokenKind::kRightParen, ")").status());
      return LineFilterOperand{std::move(v), true};
    }
    return Unexpected("STRING or ip");
  }

  Result<LineFilter> ParseLineFilter() {
    LineFilter f;
    switch (Cur().kind) {
      case TokenKind::kPipeExact: f.op = LineFilterOp::kContains; break;
      case TokenKind::kNeq: f.op = LineFilterOp::kNotContains; break;
      case TokenKind::kPipeMatch: f.op = LineFilterOp::kRegex; break;
      case TokenKind::kNre: f.op = LineFilterOp::kNotRegex; break;
      case TokenKind::kPipePattern: f.op = LineFilterOp::kPattern; break;
      case TokenKind::kNotPattern: f.op = LineFilterOp::kNotPattern; break;
      default: return Unexpected();
    }
    Advance();
    REMEDIATOR_ASSIGN_OR_RETURN(LineFilterOperand first, ParseLineFilterOperand());
    f.operands.push_back(std::move(first));
    while (IsWord(Cur(), "or") && (At(1).kind == TokenKind::kString || AtIpCall(1))) {
      Advance();
      REMEDIATOR_ASSIGN_OR_RETURN(LineFilterOperand o, ParseLineFilterOperand());
      f.operands.push_back(std::move(o));
    }
    return f;
  }

  // After `|`.
  Result<Stage> ParseStage() {
    if (Cur().kind == TokenKind::kWord && !IsComparisonToken(At(1))) {
      std::string w = Lower(Cur().text);
      if (w == "json") {
        Advance();
        JsonParser p;
        REMEDIATOR_ASSIGN_OR_RETURN(p.params, ParseExtractions());
        return Stage{std::move(p)};
      }
      if (w == "logfmt") {
        Advance();
        LogfmtParser p;
        while (Cur().kind == TokenKind::kFlag) {
          if (Cur().text == "--strict") p.strict = true;
          if (Cur().text == "--keep-empty") p.keep_empty = true;
          Advance();
        }
        REMEDIATOR_ASSIGN_OR_RETURN(p.params, ParseExtractions());
        return Stage{std::move(p)};
      }
      if (w == "regexp") {
        Advance();
        REMEDIATOR_ASSIGN_OR_RETURN(std::string re, ExpectString());
        Status st = CheckRegexpParser(re);
        if (!st.ok()) return ValidationError("invalid regexp parser: " + st.message());
        return Stage{RegexpParser{std::move(re)}};
      }
      if (w == "pattern") {
        Advance();
        REMEDIATOR_ASSIGN_OR_RETURN(std::string p, ExpectString());
        Status st = CheckPatternParser(p);
        if (!st.ok()) return ValidationError("invalid pattern parser: " + st.message());
        return Stage{PatternParser{std::move(p)}};
      }
      if (w == "unpack") {
        Advance();
        return Stage{UnpackParser{}};
      }
      if (w == "decolorize") {
        Advance();
        return Stage{Decolorize{}};
      }
      if (w == "line_format") {
        Advance();
        REMEDIATOR_ASSIGN_OR_RETURN(std::string t, ExpectString());
        return Stage{LineFormat{std::move(t)}};
      }
      if (w == "label_format") {
        Advance();
        REMEDIATOR_ASSIGN_OR_RETURN(LabelFormat lf, ParseLabelFormat());
        return Stage{std::move(lf)};
      }
      if (w == "drop" || w == "keep") {
        Advance();
        REMEDIATOR_ASSIGN_OR_RETURN(std::vector<NamedMatcher> names, ParseNamedMatchers());
        if (w == "drop") return Stage{DropLabels{std::move(names)}};
        return Stage{KeepLabels{std::move(names)}};
      }
    }
    REMEDIATOR_ASSIGN_OR_RETURN(LabelFilter f, ParseLabelFilterOr());
    return Stage{std::move(f)};
  }

  // [ name [= "expr"] { , name [= "expr"] } ]
  Result<std::vector<LabelExtraction>> ParseExtractions() {
    std::vector<LabelExtraction> out;
    if (Cur().kind != TokenKind::kWord) return out;
    while (true) {
      REMEDIATOR_ASSIGN_OR_RETURN(std::string name, ExpectWord());
      std::string expression = name;
      if (Cur().kind == TokenKind::kEq) {
        Advance();
        REMEDIATOR_ASSIGN_OR_RETURN(expression, ExpectString());
      }
      out.push_back(LabelExtraction{std::move(name), std::move(expression)});
      if (Cur().kind != TokenKind::kComma) return out;
      Advance();
    }
  }

  Result<LabelFormat> ParseLabelFormat() {
    LabelFormat lf;
    while (true) {
      REMEDIATOR_ASSIGN_OR_RETURN(std::string name, ExpectWord());
      REMEDIATOR_RETURN_IF_ERROR(Expect(TokenKind::kEq, "=").status());
      LabelFormatItem item;
      item.name = std::move(name);
      if (Cur().kind == TokenKind::kWord) {
        item.value = std::string(Cur().text);
        Advance();
      } else if (Cur().kind == TokenKind::kString) {
        item.value = Cur().value;
        item.is_template = true;
        Advance();
      } else {
        return Unexpected("IDENTIFIER or STRING");
      }
      lf.items.push_back(std::move(item));
      if (Cur().kind != TokenKind::kComma) return lf;
      Advance();
    }
  }

  Result<std::vector<NamedMatcher>> ParseNamedMatchers() {
    std::vector<NamedMatcher> out;
    while (true) {
      REMEDIATOR_ASSIGN_OR_RETURN(std::string name, ExpectWord());
      NamedMatcher nm;
      nm.name = name;
      if (std::optional<MatchOp> op = MatchOpOf(Cur())) {
        Advance();
        Token value_token = Cur();
        REMEDIATOR_ASSIGN_OR_RETURN(std::string value, ExpectString());
        REMEDIATOR_ASSIGN_OR_RETURN(LabelMatcher m,
                                    MakeMatcher(value_token, std::move(name), *op, std::move(value)));
        nm.matcher = std::move(m);
      }
      out.push_back(std::move(nm));
      if (Cur().kind != TokenKind::kComma) return out;
      Advance();
    }
  }

  // ---- label filters
  //
  // Loki's yacc grammar gives `or` the lowest and `and` a higher precedence, while `,` and
  // juxtaposition have none, so the parser shifts: everything after a `,` (or after a filter
  // directly followed by another) becomes the right operand. We reproduce that:
  //   or   := and { "or" and }
  //   and  := unit { "and" unit }
  //   unit := primary [ ("," | <juxtaposition>) or ]

  Result<LabelFilter> ParseLabelFilterOr() {
    NestingGuard guard(depth_);
    if (guard.too_deep()) return TooDeep();
    REMEDIATOR_ASSIGN_OR_RETURN(LabelFilter left, ParseLabelFilterAnd());
    while (IsWord(Cur(), "or")) {
      Advance();
      REMEDIATOR_RETURN_IF_ERROR(CountBinaryNode());
      REMEDIATOR_ASSIGN_OR_RETURN(LabelFilter right, ParseLabelFilterAnd());
      left = LabelFilter{BinaryLabelFilter{false, std::move(left), std::move(right)}};
    }
    return left;
  }

  Result<LabelFilter> ParseLabelFilterAnd() {
    REMEDIATOR_ASSIGN_OR_RETURN(LabelFilter left, ParseLabelFilterUnit());
    while (IsWord(Cur(), "and")) {
      Advance();
      REMEDIATOR_RETURN_IF_ERROR(CountBinaryNode());
      REMEDIATOR_ASSIGN_OR_RETURN(LabelFilter right, ParseLabelFilterUnit());
      left = LabelFilter{BinaryLabelFilter{true, std::move(left), std::move(right)}};
    }
    return left;
  }

  bool AtLabelFilterStart() const {
    if (Cur().kind == TokenKind::kLeftParen) return true;
    return Cur().kind == TokenKind::kWord && !IsWord(Cur(), "or") && !IsWord(Cur(), "and") &&
           IsComparisonToken(At(1));
  }

  Result<LabelFilter> ParseLabelFilterUnit() {
    REMEDIATOR_ASSIGN_OR_RETURN(LabelFilter first, ParseLabelFilterPrimary());
    bool joined = false;
    if (Cur().kind == TokenKind::kComma) {
      Advance();
      joined = true;
    } else if (AtLabelFilterStart()) {
      joined = true;
    }
    if (!joined) return first;
    REMEDIATOR_RETURN_IF_ERROR(CountBinaryNode());
    REMEDIATOR_ASSIGN_OR_RETURN(LabelFilter rest, ParseLabelFilterOr());
    return LabelFilter{BinaryLabelFilter{true, std::move(first), std::move(rest)}};
  }

  Result<LabelFilter> ParseLabelFilterPrimary() {
    if (Cur().kind == TokenKind::kLeftParen) {
      Advance();
      REMEDIATOR_ASSIGN_OR_RETURN(LabelFilter f, ParseLabelFilterOr());
      REMEDIATOR_RETURN_IF_ERROR(Expect(TokenKind::kRightParen, ")").status());
      return f;
    }
    if (Cur().kind != TokenKind::kWord) return Unexpected();
    std::string name(Cur().text);
    Advance();
    const Token op_token = Cur();
    CompareOp cmp = CompareOp::kEqual;
    switch (op_token.kind) {
      case TokenKind::kEq:
      case TokenKind::kNeq: {
        Advance();
        bool neq = op_token.kind == TokenKind::kNeq;
        if (Cur().kind == TokenKind::kString) {
          Token value_token = Cur();
          Advance();
          REMEDIATOR_ASSIGN_OR_RETURN(
              LabelMatcher m, MakeMatcher(value_token, std::move(name),
                                          neq ? MatchOp::kNotEqual : MatchOp::kEqual,
                                          value_token.value));
          return LabelFilter{MatcherLabelFilter{std::move(m)}};
        }
        if (AtIpCall(0)) {
          Advance();
          Advance();
          REMEDIATOR_ASSIGN_OR_RETURN(std::string pattern, ExpectString());
          REMEDIATOR_RETURN_IF_ERROR(Expect(TokenKind::kRightParen, ")").status());
          return LabelFilter{IpLabelFilter{std::move(name), neq, std::move(pattern)}};
        }
        cmp = neq ? CompareOp::kNotEqual : CompareOp::kEqual;
        break;
      }
      case TokenKind::kRe:
      case TokenKind::kNre: {
        Advance();
        Token value_token = Cur();
        REMEDIATOR_ASSIGN_OR_RETURN(std::string value, ExpectString());
        REMEDIATOR_ASSIGN_OR_RETURN(
            LabelMatcher m,
            MakeMatcher(value_token, std::move(name),
                        op_token.kind == TokenKind::kRe ? MatchOp::kRegex : MatchOp::kNotRegex,
                        std::move(value)));
        return LabelFilter{MatcherLabelFilter{std::move(m)}};
      }
      case TokenKind::kCmpEq: cmp = CompareOp::kEqual; Advance(); break;
      case TokenKind::kGt: cmp = CompareOp::kGreater; Advance(); break;
      case TokenKind::kGte: cmp = CompareOp::kGreaterEqual; Advance(); break;
      case TokenKind::kLt: cmp = CompareOp::kLess; Advance(); break;
      case TokenKind::kLte: cmp = CompareOp::kLessEqual; Advance(); break;
      default:
        return Unexpected("=, !=, =~, !~, ==, >, >=, < or <=");
    }
    switch (Cur().kind) {
      case TokenKind::kDuration: {
        int64_t ns = Cur().duration_ns;
        Advance();
        return LabelFilter{DurationLabelFilter{std::move(name), cmp, ns}};
      }
      case TokenKind::kBytes: {
        uint64_t b = Cur().bytes;
        Advance();
        return LabelFilter{BytesLabelFilter{std::move(name), cmp, b}};
      }
      case TokenKind::kNumber:
      case TokenKind::kAdd:
      case TokenKind::kSub: {
        REMEDIATOR_ASSIGN_OR_RETURN(double v, ParseSignedNumber());
        return LabelFilter{NumberLabelFilter{std::move(name), cmp, v}};
      }
      default:
        return Unexpected();
    }
  }

  // ---- log ranges

  Result<Unwrap> ParseUnwrap() {
    Advance();  // |
    Advance();  // unwrap
    Unwrap u;
    if (Cur().kind == TokenKind::kWord && At(1).kind == TokenKind::kLeftParen) {
      std::string conv = Lower(Cur().text);
      if (conv == "bytes") {
        u.conversion = UnwrapConversion::kBytes;
      } else if (conv == "duration") {
        u.conversion = UnwrapConversion::kDuration;
      } else if (conv == "duration_seconds") {
        u.conversion = UnwrapConversion::kDurationSeconds;
      } else {
        return Unexpected();
      }
      Advance();
      Advance();
      REMEDIATOR_ASSIGN_OR_RETURN(u.label, ExpectWord());
      REMEDIATOR_RETURN_IF_ERROR(Expect(TokenKind::kRightParen, ")").status());
    } else {
      REMEDIATOR_ASSIGN_OR_RETURN(u.label, ExpectWord());
    }
    while (Cur().kind == TokenKind::kPipe) {
      Advance();
      REMEDIATOR_ASSIGN_OR_RETURN(LabelFilter f, ParseLabelFilterOr());
      u.post_filters.push_back(std::move(f));
    }
    return u;
  }

  Status ParseRangeAndOffset(LogRange& r) {
    r.range_ns = Cur().duration_ns;
    Advance();
    if (IsWord(Cur(), "offset")) {
      Advance();
      REMEDIATOR_ASSIGN_OR_RETURN(Token d, Expect(TokenKind::kDuration, "DURATION"));
      r.offset_ns = d.duration_ns;
    }
    return Status::Ok();
  }

  bool AtUnwrap() const { return Cur().kind == TokenKind::kPipe && IsWord(At(1), "unwrap"); }

  // selector [RANGE [offset]] [pipeline] [unwrap] [RANGE [offset]]; the range must be
  // present unless `in_parens` (then it may follow the closing parenthesis).
  Result<ParsedRange> ParseLogRangeBody(bool in_parens) {
    ParsedRange p;
    REMEDIATOR_ASSIGN_OR_RETURN(p.range.selector.matchers, ParseSelector());
    if (Cur().kind == TokenKind::kRange) {
      REMEDIATOR_RETURN_IF_ERROR(ParseRangeAndOffset(p.range));
      p.has_range = true;
    }
    REMEDIATOR_ASSIGN_OR_RETURN(p.range.selector.pipeline, ParsePipeline(/*in_range=*/true));
    if (AtUnwrap()) {
      REMEDIATOR_ASSIGN_OR_RETURN(Unwrap u, ParseUnwrap());
      p.range.unwrap = std::move(u);
    }
    if (!p.has_range) {
      if (Cur().kind == TokenKind::kRange) {
        REMEDIATOR_RETURN_IF_ERROR(ParseRangeAndOffset(p.range));
        p.has_range = true;
      } else if (!in_parens) {
        return Unexpected("RANGE");
      }
    }
    return p;
  }

  Result<LogRange> ParseLogRange() {
    NestingGuard guard(depth_);
    if (guard.too_deep()) return TooDeep();
    if (Cur().kind != TokenKind::kLeftParen) {
      REMEDIATOR_ASSIGN_OR_RETURN(ParsedRange p, ParseLogRangeBody(false));
      return std::move(p.range);
    }
    Advance();  // (
    if (Cur().kind == TokenKind::kLeftParen) {
      REMEDIATOR_ASSIGN_OR_RETURN(LogRange inner, ParseLogRange());
      REMEDIATOR_RETURN_IF_ERROR(Expect(TokenKind::kRightParen, ")").status());
      return inner;
    }
    REMEDIATOR_ASSIGN_OR_RETURN(ParsedRange p, ParseLogRangeBody(true));
    REMEDIATOR_RETURN_IF_ERROR(Expect(TokenKind::kRightParen, ")").status());
    if (p.has_range) return std::move(p.range);
    if (Cur().kind != TokenKind::kRange) return Unexpected("RANGE");
    REMEDIATOR_RETURN_IF_ERROR(ParseRangeAndOffset(p.range));
    if (!p.range.unwrap && p.range.selector.pipeline.empty() && AtUnwrap()) {
      REMEDIATOR_ASSIGN_OR_RETURN(Unwrap u, ParseUnwrap());
      p.range.unwrap = std::move(u);
    }
    return std::move(p.range);
  }

  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int depth_ = 0;
  int binary_nodes_ = 0;
};

Status CheckSize(std::string_view query) {
  if (query.size() > kMaxQueryBytes) {
    return InvalidArgument(fmt::format("parse error : input size too long ({} > {})",
                                       query.size(), kMaxQueryBytes));
  }
  return Status::Ok();
}

}  // namespace

Result<Expr> ParseWithoutValidation(std::string_view query) {
  REMEDIATOR_RETURN_IF_ERROR(CheckSize(query));
  REMEDIATOR_ASSIGN_OR_RETURN(Expr e, Parser(query).ParseQuery());
  // The parser bounds its own recursion and each chain; a chain inside parentheses after
  // others (`(a + b + ...) + c + ...`) still adds up, so the tree is measured once more.
  if (ExprHeight(e) > static_cast<size_t>(kMaxTreeHeight)) {
    return InvalidArgument(
        fmt::format("parse error : query nested too deeply (more than {} levels of operations)", kMaxTreeHeight));
  }
  return e;
}

Result<Expr> Parse(std::string_view query) {
  REMEDIATOR_ASSIGN_OR_RETURN(Expr e, ParseWithoutValidation(query));
  REMEDIATOR_RETURN_IF_ERROR(ValidateExpr(e));
  return e;
}

Result<Expr> ParseSampleExpr(std::string_view query) {
  REMEDIATOR_ASSIGN_OR_RETURN(Expr e, Parse(query));
  if (IsLogQuery(e)) return InvalidArgument("only sample expression supported");
  return e;
}

Result<LogSelectorExpr> ParseLogSelector(std::string_view query, bool validate) {
  REMEDIATOR_ASSIGN_OR_RETURN(Expr e, ParseWithoutValidation(query));
  auto* log = std::get_if<LogSelectorExpr>(&e.node);
  if (log == nullptr) return InvalidArgument("only log selector is supported");
  if (validate) REMEDIATOR_RETURN_IF_ERROR(ValidateMatchers(log->matchers));
  return std::move(*log);
}

Result<std::vector<LabelMatcher>> ParseMatchers(std::string_view query) {
  REMEDIATOR_RETURN_IF_ERROR(CheckSize(query));
  return Parser(query).ParseSelectorQuery();
}

}  // namespace remediator::logql::syntax

#include "logql/syntax/print.h"

namespace remediator::logql::syntax {

// Placeholder until the printer lands.
std::string Print(const Expr&) { return ""; }
std::string Print(const LogSelectorExpr&) { return ""; }
std::string Print(const LabelFilter&) { return ""; }
std::string Print(const Stage&) { return ""; }

}  // namespace remediator::logql::syntax

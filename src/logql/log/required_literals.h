// The literals every line a pipeline keeps must contain: its case-sensitive `|= "literal"`
// filters up to the first stage that rewrites the line. A source may leave out lines (or skip
// whole chunks, as the store's trigram filters do) that lack one of them.
#pragma once

#include <string>
#include <vector>

#include "logql/syntax/ast.h"

namespace remediator::logql::log {

// `|= "a"` filters with one plain operand, before line_format, unpack or decolorize (which
// replace the line); other stages (parsers, label filters, other line filters) keep the
// line, so a later `|=` still tests the stored line. `or` chains, `ip(...)`, `!=`, regex,
// pattern and empty literals are not used.
std::vector<std::string> RequiredLineLiterals(const std::vector<syntax::Stage>& stages);

}  // namespace remediator::logql::log

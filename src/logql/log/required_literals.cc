#include "logql/log/required_literals.h"

#include <type_traits>
#include <variant>

namespace remediator::logql::log {
namespace {

// Whether a stage may replace the line later stages see.
bool RewritesLine(const syntax::Stage& stage) {
  return std::visit(
      [](const auto& node) {
        using T = std::decay_t<decltype(node)>;
        return std::is_same_v<T, syntax::LineFormat> || std::is_same_v<T, syntax::UnpackParser> ||
               std::is_same_v<T, syntax::Decolorize>;
      },
      stage.node);
}

}  // namespace

std::vector<std::string> RequiredLineLiterals(const std::vector<syntax::Stage>& stages) {
  std::vector<std::string> out;
  for (const syntax::Stage& stage : stages) {
    if (RewritesLine(stage)) break;
    const auto* filter = std::get_if<syntax::LineFilter>(&stage.node);
    if (filter == nullptr || filter->op != syntax::LineFilterOp::kContains || filter->operands.size() != 1) continue;
    const syntax::LineFilterOperand& operand = filter->operands[0];
    if (!operand.is_ip && !operand.value.empty()) out.push_back(operand.value);
  }
  return out;
}

}  // namespace remediator::logql::log

// The functions a template may call: Go's builtins (and or not eq ne lt le gt ge len index
// print printf println urlquery), Loki's own (ToUpper, regexReplaceAll, unixToTime, ...,
// __line__, __timestamp__) and the sprig subset Loki exposes (upper, trunc, date, default,
// add, ...). An explicit name -> function table; an unknown name is a parse error.
#pragma once

#include <span>
#include <string_view>

#include "core/status.h"
#include "logql/template/value.h"

namespace remediator::logql::tmpl {

class TemplateData;

using Function = Status (*)(std::span<const Value> args, const TemplateData& data, Value& out);

struct FunctionInfo {
  std::string_view name;
  int min_args;  // inclusive
  int max_args;  // inclusive; -1 = variadic
  Function fn;
};

// nullptr when no function has that name.
const FunctionInfo* FindFunction(std::string_view name);

// Go's fmt.Sprintf over template values (the verbs v s d f e g q x X t c o b %, flags,
// width and precision), appending to `out`.
void AppendGoSprintf(std::string& out, std::string_view format, std::span<const Value> args);

// Go's fmt.Sprint: operands separated by a space when neither side is a string.
void AppendGoSprint(std::string& out, std::span<const Value> args);

}  // namespace remediator::logql::tmpl

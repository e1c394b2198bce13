// The small, safe subset of Go templates routes use for `service` and `parameters`:
//   literal text
//   {{ .Labels.name }}  {{ .Annotations.name }}
//   {{ index .Labels "name-with-dashes" }}  {{ index .Annotations "x" }}
//   {{ .Status }}  {{ .Fingerprint }}  {{ .GeneratorURL }}
// Each action may be followed by pipes: `| toLower`, `| toUpper`, `| trimSpace`.
// A missing label or annotation renders as "". Anything else is a parse error at config
// load, so a bad template never reaches live traffic. Rendering never fails and never
// interprets the values it inserts.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "alerts/payload.h"
#include "core/status.h"

namespace remediator::remediation {

class ParamTemplate {
 public:
  ParamTemplate() = default;
  // kInvalidArgument naming the position of the problem.
  static Result<ParamTemplate> Parse(std::string_view text);

  std::string Render(const alerts::Alert& alert) const;
  bool empty() const { return parts_.empty(); }

 private:
  enum class Source {
    kLiteral,       // text
    kLabel,         // .Labels.<key>
    kAnnotation,    // .Annotations.<key>
    kStatus,        // .Status
    kFingerprint,   // .Fingerprint
    kGeneratorUrl,  // .GeneratorURL
  };
  enum class Func {
    kToLower,
    kToUpper,
    kTrimSpace,
  };
  struct Part {
    Source source = Source::kLiteral;
    std::string text;  // the literal, or the label/annotation key
    std::vector<Func> funcs;
  };
  static Result<Part> ParseAction(std::string_view action);

  std::vector<Part> parts_;
};

}  // namespace remediator::remediation

#include "remediation/router.h"

#include <fmt/format.h>

namespace remediator::remediation {

Result<Router> Router::Create(const Config& config) {
  Router r;
  for (const RouteConfig& rc : config.routes) {
    CompiledRoute cr;
    cr.config = &rc;
    cr.playbook = config.FindPlaybook(rc.playbook);
    if (cr.playbook == nullptr) {
      return InvalidArgument(fmt::format("route at line {}: unknown playbook {}", rc.line, rc.playbook));
    }
    REMEDIATOR_ASSIGN_OR_RETURN(cr.service, ParamTemplate::Parse(rc.service));
    for (const auto& [name, text] : rc.parameters) {
      REMEDIATOR_ASSIGN_OR_RETURN(ParamTemplate t, ParamTemplate::Parse(text));
      cr.parameters.emplace_back(name, std::move(t));
    }
    r.routes_.push_back(std::move(cr));
  }
  return r;
}

const CompiledRoute* Router::Match(const alerts::Alert& alert) const {
  for (const CompiledRoute& r : routes_) {
    bool all = true;
    for (const LabelMatcher& m : r.config->matchers) {
      auto it = alert.labels.find(m.name());
      std::string_view v = it == alert.labels.end() ? std::string_view() : std::string_view(it->second);
      if (!m.Matches(v)) {
        all = false;
        break;
      }
    }
    if (all) return &r;
  }
  return nullptr;
}

}  // namespace remediator::remediation

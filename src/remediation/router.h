// Routes an alert to the first route whose matchers all match its labels, with the route's
// templates compiled once.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "alerts/payload.h"
#include "core/status.h"
#include "remediation/config.h"
#include "remediation/param_template.h"

namespace remediator::remediation {

struct CompiledRoute {
  const RouteConfig* config = nullptr;  // points into the Config the Router was built from
  const PlaybookConfig* playbook = nullptr;
  ParamTemplate service;
  std::vector<std::pair<std::string, ParamTemplate>> parameters;
};

class Router {
 public:
  // `config` must outlive the router.
  static Result<Router> Create(const Config& config);

  // The first matching route, or nullptr.
  const CompiledRoute* Match(const alerts::Alert& alert) const;

 private:
  std::vector<CompiledRoute> routes_;
};

}  // namespace remediator::remediation

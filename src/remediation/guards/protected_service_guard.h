#pragma once

#include <string>
#include <vector>

#include "remediation/guard.h"

namespace remediator::remediation {

// Blocks when the route's service or any parameter value names a protected service:
// equal to it (ASCII case-insensitive), or it followed by '.', '@' or ':'
// ("traefik.service", "traefik@docker", "traefik:v3").
class ProtectedServiceGuard final : public Guard {
 public:
  explicit ProtectedServiceGuard(std::vector<std::string> services) : services_(std::move(services)) {}
  std::string_view name() const override { return "protected_service"; }
  Verdict Check(const Candidate& c, const StateStore& state) const override;
  void Record(const Candidate&, bool, StateStore&) const override {}

  // The protected name `value` refers to, or "" when none.
  std::string_view Protects(std::string_view value) const;

 private:
  std::vector<std::string> services_;
};

}  // namespace remediator::remediation

#include "remediation/guards/protected_service_guard.h"

#include <cctype>

#include <fmt/format.h>

#include "core/ascii.h"

namespace remediator::remediation {

std::string_view ProtectedServiceGuard::Protects(std::string_view value) const {
  for (const std::string& s : services_) {
    if (value.size() < s.size()) continue;
    if (!EqualsIgnoreCase(value.substr(0, s.size()), s)) continue;
    if (value.size() == s.size()) return s;
    char next = value[s.size()];
    if (next == '.' || next == '@' || next == ':') return s;
  }
  return {};
}

Verdict ProtectedServiceGuard::Check(const Candidate& c, const StateStore&) const {
  if (std::string_view p = Protects(c.service); !p.empty()) {
    return Verdict::Block(Action::kBlockedProtectedService,
                          fmt::format("service \"{}\" is protected ({})", c.service, p));
  }
  if (c.parameters != nullptr) {
    for (const auto& [name, value] : *c.parameters) {
      if (std::string_view p = Protects(value); !p.empty()) {
        return Verdict::Block(
            Action::kBlockedProtectedService,
            fmt::format("parameter {}=\"{}\" names protected service {}", name, value, p));
      }
    }
  }
  return Verdict::Pass();
}

}  // namespace remediator::remediation

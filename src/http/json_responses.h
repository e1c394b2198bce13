// The JSON bodies the server answers with.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "remediation/service.h"

namespace remediator::http {

// {"status":"success","decisions":[{"decision_id":...,"alert":...,"fingerprint":...,
//  "playbook":...,"action":...,"reason":...}, ...]}
std::string DecisionsJson(const std::vector<remediation::DecisionSummary>& decisions);
// The same, appended to `out` (a reused buffer allocates nothing once large enough).
void AppendDecisionsJson(std::string& out, const std::vector<remediation::DecisionSummary>& decisions);

// {"status":"error","error":"<message>"}
std::string ErrorJson(std::string_view message);

}  // namespace remediator::http

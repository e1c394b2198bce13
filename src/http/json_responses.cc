#include "http/json_responses.h"

#include "core/json_writer.h"
#include "remediation/json_text.h"

namespace remediator::http {

std::string DecisionsJson(const std::vector<remediation::DecisionSummary>& decisions) {
  std::string out;
  AppendDecisionsJson(out, decisions);
  return out;
}

void AppendDecisionsJson(std::string& out, const std::vector<remediation::DecisionSummary>& decisions) {
  out.reserve(out.size() + 64 + decisions.size() * 320);  // one allocation for the usual answer
  out += R"({"status":"success","decisions":[)";
  bool first = true;
  for (const remediation::DecisionSummary& d : decisions) {
    if (!first) out += ',';
    first = false;
    out += R"({"decision_id":)";
    remediation::AppendJsonText(out, d.decision_id);
    out += R"(,"alert":)";
    remediation::AppendJsonText(out, d.alert);
    out += R"(,"fingerprint":)";
    remediation::AppendJsonText(out, d.fingerprint);
    out += R"(,"playbook":)";
    remediation::AppendJsonText(out, d.playbook);
    out += R"(,"action":)";
    remediation::AppendJsonText(out, d.action);
    out += R"(,"reason":)";
    remediation::AppendJsonText(out, d.reason);
    out += '}';
  }
  out += "]}\n";
}

std::string ErrorJson(std::string_view message) {
  std::string out = R"({"status":"error","error":)";
  AppendJsonString(out, message);
  out += "}\n";
  return out;
}

}  // namespace remediator::http

// libFuzzer target for remediator.yml: arbitrary YAML goes through remediation::ParseConfig.
// Any input gives a Config or a "file:line: key: message" error, never a crash, a hang or an
// escaped exception. A config that validates must build its router (LoadConfig promises that
// nothing fails later), and routing alerts through it renders every template of the route
// that matches.
//
// Input: the config, optionally followed by a line "%%" and an Alertmanager webhook payload
// whose alerts are routed (else one fixed firing alert with a few labels and annotations).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "alerts/payload.h"
#include "remediation/config.h"
#include "remediation/router.h"

using namespace remediator;

namespace {

constexpr std::string_view kDefaultPayload = R"({"version":"4","status":"firing","receiver":"r",
  "groupKey":"{}","groupLabels":{},"commonLabels":{},"commonAnnotations":{},"externalURL":"",
  "alerts":[{"status":"firing","labels":{"alertname":"ServiceDown","name":"jellyfin",
  "severity":"critical","mountpoint":"/"},"annotations":{"summary":"down"},
  "startsAt":"2025-12-26T10:00:00Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"",
  "fingerprint":"0123456789abcdef"}]})";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view yaml = input;
  std::string_view body = kDefaultPayload;
  if (size_t sep = input.find("\n%%\n"); sep != std::string_view::npos) {
    yaml = input.substr(0, sep);
    body = input.substr(sep + 4);
  }
  const std::string file = "/nonexistent/remediator.yml";
  Result<remediation::Config> config = remediation::ParseConfig(yaml, file, "/nonexistent");
  if (!config.ok()) {
    if (config.status().message().rfind(file, 0) != 0) std::abort();  // errors name the file
    return 0;
  }
  Result<remediation::Router> router = remediation::Router::Create(*config);
  if (!router.ok()) std::abort();  // validated configs build
  Result<alerts::Payload> payload = alerts::ParsePayload(body);
  if (!payload.ok()) return 0;
  for (const alerts::Alert& alert : payload->alerts) {
    const remediation::CompiledRoute* route = router->Match(alert);
    if (route == nullptr) continue;
    if (route->config == nullptr || route->playbook == nullptr) std::abort();
    (void)route->service.Render(alert);
    for (const auto& [name, tmpl] : route->parameters) (void)tmpl.Render(alert);
  }
  return 0;
}

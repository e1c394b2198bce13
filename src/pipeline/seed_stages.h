// pipeline_stages used in more than one place: the seed's two Promtail jobs (verbatim, as the
// seed's promtail config has them) and the ingestion benchmark's pipeline. The tests and
// bench/ingest_tool.cc build their pipelines from these with StagePipeline::FromYaml.
#pragma once

#include <string_view>

namespace remediator::pipeline {

// The seed's job "remediation-decisions": the decision log's JSON lines.
inline constexpr std::string_view kSeedDecisionStages = R"(
- json:
    expressions:
      timestamp: timestamp
      alert: alert
      playbook: playbook
      success: success
      confidence: confidence
      parameters: parameters
      stdout_preview: stdout
      stderr_preview: stderr
- timestamp:
    source: timestamp
    format: Unix
- labels:
    alert:
    playbook:
    success:
- output:
    source: stdout_preview
)";

// The seed's job "traefik-access": Traefik's JSON access log.
inline constexpr std::string_view kSeedTraefikStages = R"(
- json:
    expressions:
      timestamp: StartUTC
      method: RequestMethod
      path: RequestPath
      status: DownstreamStatus
      duration: Duration
      service: ServiceName
      client_addr: ClientAddr
- timestamp:
    source: timestamp
    format: RFC3339Nano
- labels:
    method:
    status:
    service:
- output:
    source: path
)";

// Issue 4's ingestion benchmark: json (StartUTC, ServiceName) + timestamp + labels (service).
inline constexpr std::string_view kBenchTraefikStages = R"(
- json:
    expressions:
      StartUTC: StartUTC
      ServiceName: ServiceName
- timestamp:
    source: StartUTC
    format: RFC3339Nano
- labels:
    service: ServiceName
)";

}  // namespace remediator::pipeline

// Did a remediation help? For each remediation, the affected service's request count and
// error count from the access log in a window before the playbook started and a window of
// the same length after it ended, answered by LogQL over any StreamSource (the embedded
// store, files, memory) — the numbers a user would get from the queries QueryText() prints.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "logql/stream_source.h"
#include "report/remediation_reader.h"

namespace remediator::report {

struct ImpactOptions {
  // The access log's streams (the seed's Traefik job).
  std::string access_selector = R"({job="traefik-access"})";
  // The stream label naming the backend service. A remediation's service `jellyfin` matches
  // the values `jellyfin` and `jellyfin@<provider>` (Traefik's ServiceName), ignoring case.
  std::string service_label = "service";
  // Pipeline that keeps only error requests. A regex on the status label never fails a
  // conversion, so a stray non-numeric value cannot turn the metric query into an error.
  std::string error_filter = R"(| status=~"5..")";
  int64_t window_ns = 30LL * 60 * 1'000'000'000;  // each side
};

struct RequestCounts {
  double requests = 0;
  double errors = 0;
  // errors / requests; 0 when there were no requests.
  double ErrorRatio() const { return requests > 0 ? errors / requests : 0; }
};

enum class Verdict {
  kImproved,    // the error ratio went down
  kUnchanged,   // the same ratio (often: no errors on either side)
  kWorse,       // the error ratio went up
  kNoTraffic,   // no requests before or after: nothing to compare
  kNoService,   // the route named no service, so there is nothing to look up
};

std::string_view VerdictName(Verdict v);

struct Impact {
  Remediation remediation;
  RequestCounts before;  // (started - window, started]
  RequestCounts after;   // (ended, ended + window]
  Verdict verdict = Verdict::kNoService;
};

// The LogQL that counts `service`'s requests (errors_only: its error requests) over the
// window ending at the evaluation time: sum(count_over_time({...} <filter> [window])).
// InvalidArgument when the options' selector or filter is not valid LogQL.
Result<std::string> QueryText(const ImpactOptions& options, const std::string& service, bool errors_only);

// One Impact per remediation, in the same order.
Result<std::vector<Impact>> MeasureImpact(const logql::StreamSource& source,
                                          const std::vector<Remediation>& remediations,
                                          const ImpactOptions& options);

}  // namespace remediator::report

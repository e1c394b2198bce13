#include "report/impact.h"

#include <re2/re2.h>

#include "core/duration.h"
#include "logql/eval/engine.h"
#include "logql/syntax/parse.h"

namespace remediator::report {
namespace {

// The streams of `service`: its access selector plus `service_label=~"(?i)name(@.*)?"`.
Result<std::string> ServiceSelector(const ImpactOptions& options, const std::string& service) {
  auto matchers = logql::syntax::ParseMatchers(options.access_selector);
  if (!matchers.ok()) return matchers.status().WithPrefix("access selector");
  auto by_service =
      LabelMatcher::Create(options.service_label, MatchOp::kRegex, "(?i)" + RE2::QuoteMeta(service) + "(@.*)?");
  if (!by_service.ok()) return by_service.status();
  matchers->push_back(std::move(*by_service));
  std::string text = "{";
  for (size_t i = 0; i < matchers->size(); ++i) {
    if (i > 0) text += ", ";
    text += (*matchers)[i].ToString();
  }
  return text + "}";
}

// The value of a single-sample instant vector; 0 when the query matched nothing.
Result<double> Count(const logql::Engine& engine, const std::string& query, int64_t at_ns) {
  logql::QueryParams params;
  params.query = query;
  params.start_ns = params.end_ns = at_ns;
  auto result = engine.Query(params);
  if (!result.ok()) return result.status().WithPrefix(query);
  double sum = 0;
  for (const auto& sample : result->vector) sum += sample.v;
  return sum;
}

Result<RequestCounts> CountWindow(const logql::Engine& engine, const std::string& all_query,
                                  const std::string& error_query, int64_t window_end_ns) {
  RequestCounts counts;
  REMEDIATOR_ASSIGN_OR_RETURN(counts.requests, Count(engine, all_query, window_end_ns));
  REMEDIATOR_ASSIGN_OR_RETURN(counts.errors, Count(engine, error_query, window_end_ns));
  return counts;
}

Verdict Judge(const RequestCounts& before, const RequestCounts& after) {
  if (before.requests == 0 || after.requests == 0) return Verdict::kNoTraffic;
  double b = before.ErrorRatio(), a = after.ErrorRatio();
  if (a < b) return Verdict::kImproved;
  if (a > b) return Verdict::kWorse;
  return Verdict::kUnchanged;
}

}  // namespace

std::string_view VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kImproved: return "improved";
    case Verdict::kUnchanged: return "unchanged";
    case Verdict::kWorse: return "worse";
    case Verdict::kNoTraffic: return "no_traffic";
    case Verdict::kNoService: return "no_service";
  }
  return "unknown";
}

Result<std::string> QueryText(const ImpactOptions& options, const std::string& service, bool errors_only) {
  REMEDIATOR_ASSIGN_OR_RETURN(std::string selector, ServiceSelector(options, service));
  std::string query = "sum(count_over_time(" + selector;
  if (errors_only) query += " " + options.error_filter;
  query += " [" + FormatDuration(options.window_ns) + "]))";
  // Validate here, so a bad --error-filter is reported once, as the user wrote it.
  auto parsed = logql::syntax::Parse(query);
  if (!parsed.ok()) return parsed.status().WithPrefix("error filter " + options.error_filter);
  return query;
}

Result<std::vector<Impact>> MeasureImpact(const logql::StreamSource& source,
                                          const std::vector<Remediation>& remediations,
                                          const ImpactOptions& options) {
  if (options.window_ns <= 0) return InvalidArgument("the window must be positive");
  logql::Engine engine(source);
  std::vector<Impact> impacts;
  impacts.reserve(remediations.size());
  for (const Remediation& r : remediations) {
    Impact impact;
    impact.remediation = r;
    if (!r.service.empty()) {
      REMEDIATOR_ASSIGN_OR_RETURN(std::string all_query, QueryText(options, r.service, false));
      REMEDIATOR_ASSIGN_OR_RETURN(std::string error_query, QueryText(options, r.service, true));
      // Instant queries count the left-open window (t - window, t].
      REMEDIATOR_ASSIGN_OR_RETURN(impact.before, CountWindow(engine, all_query, error_query, r.started_ns));
      REMEDIATOR_ASSIGN_OR_RETURN(impact.after,
                                  CountWindow(engine, all_query, error_query, r.ended_ns + options.window_ns));
      impact.verdict = Judge(impact.before, impact.after);
    }
    impacts.push_back(std::move(impact));
  }
  return impacts;
}

}  // namespace remediator::report

#include "logql/eval/query_request.h"

#include <cctype>
#include <charconv>
#include <cstdlib>

#include "core/clock.h"
#include "core/duration.h"
#include "core/time_format.h"

namespace remediator::logql {
namespace {

Status BadParameter(std::string_view name, std::string_view message) {
  return InvalidArgument("invalid parameter \"" + std::string(name) + "\": " + std::string(message));
}

Status ReadTime(std::string_view name, const std::string& text, int64_t& out) {
  auto t = ParseTimeArg(text);
  if (!t.ok()) return BadParameter(name, t.status().message());
  out = *t;
  return Status::Ok();
}

// A duration ("1h", "90s") or, as Loki also accepts, a float number of seconds.
Status ReadDuration(std::string_view name, const std::string& text, int64_t& out) {
  auto d = ParseDuration(text);
  if (d.ok()) {
    out = *d;
  } else {
    char* end = nullptr;
    double secs = std::strtod(text.c_str(), &end);
    if (end == text.c_str() || *end != '\0' || !(secs > 0) || secs > 9.2e9) return BadParameter(name, d.status().message());
    out = static_cast<int64_t>(secs * 1e9);
  }
  if (out <= 0) return BadParameter(name, "zero or negative query resolution step widths are not accepted. Try a positive integer");
  return Status::Ok();
}

}  // namespace

Result<QueryParams> ResolveQueryRequest(const QueryRequest& r, QueryKind kind, int64_t now_ns) {
  QueryParams p;
  p.query = r.query;
  if (r.query.empty()) return BadParameter("query", "the query is empty");
  if (!r.limit.empty()) {
    auto [ptr, ec] = std::from_chars(r.limit.data(), r.limit.data() + r.limit.size(), p.limit);
    if (ec != std::errc() || ptr != r.limit.data() + r.limit.size()) {
      return BadParameter("limit", "not an integer: " + r.limit);
    }
    if (p.limit <= 0) return BadParameter("limit", "limit must be a positive value");
  }
  if (!r.direction.empty()) {
    std::string d;
    for (char c : r.direction) d += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (d == "forward") {
      p.direction = Direction::kForward;
    } else if (d == "backward") {
      p.direction = Direction::kBackward;
    } else {
      return BadParameter("direction", "must be forward or backward, not " + r.direction);
    }
  }
  switch (kind) {
    case QueryKind::kInstant:
      p.start_ns = now_ns;
      if (!r.time.empty()) REMEDIATOR_RETURN_IF_ERROR(ReadTime("time", r.time, p.start_ns));
      p.end_ns = p.start_ns;
      return p;
    case QueryKind::kRange: {
      p.end_ns = now_ns;
      if (!r.end.empty()) REMEDIATOR_RETURN_IF_ERROR(ReadTime("end", r.end, p.end_ns));
      if (!r.start.empty()) {
        REMEDIATOR_RETURN_IF_ERROR(ReadTime("start", r.start, p.start_ns));
      } else {
        int64_t since = kNanosPerHour;
        if (!r.since.empty()) {
          auto d = ParseDuration(r.since);
          if (!d.ok()) return BadParameter("since", d.status().message());
          since = *d;
        }
        p.start_ns = p.end_ns - since;
      }
      if (p.end_ns < p.start_ns) return BadParameter("end", "end timestamp must not be before start time");
      if (!r.step.empty()) REMEDIATOR_RETURN_IF_ERROR(ReadDuration("step", r.step, p.step_ns));
      return p;
    }
  }
  return p;
}

void AlignToStep(const syntax::Expr& expr, QueryParams& p) {
  bool instant = p.start_ns == p.end_ns && p.step_ns == 0;
  if (instant || !syntax::IsMetricQuery(expr)) return;
  if (p.step_ns == 0) p.step_ns = DefaultStepNs(p.start_ns, p.end_ns);
  p.start_ns = p.start_ns / p.step_ns * p.step_ns;
  p.end_ns = p.end_ns / p.step_ns * p.step_ns;
}

}  // namespace remediator::logql

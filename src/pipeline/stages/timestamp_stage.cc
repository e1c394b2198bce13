// timestamp: sets the entry's time from an extracted value. Formats: Unix, UnixMs, UnixUs,
// UnixNs, Go's named layouts, or a Go reference layout; fallback_formats are tried in turn.
// On failure, action_on_failure `fudge` (default) uses the last good time of the same label
// set plus 1ns, `skip` keeps the read time.
#include <charconv>
#include <limits>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "core/go_time.h"
#include "core/time_format.h"
#include "pipeline/config_read.h"
#include "pipeline/stages/stages.h"

namespace remediator::pipeline::stages {

namespace {

enum class Format {
  kUnix,    // seconds, optionally with a fraction of up to 9 digits
  kUnixMs,  // integer milliseconds
  kUnixUs,  // integer microseconds
  kUnixNs,  // integer nanoseconds
  kRfc3339, // RFC3339 / RFC3339Nano (fast path)
  kLayout,  // any other Go layout
};

struct Parser {
  Format format = Format::kLayout;
  std::string layout;
  bool use_location = false;  // custom layouts honour `location`; named ones do not
};

bool ParseInt(std::string_view s, int64_t& out) {
  if (s.empty()) return false;
  const char* b = s.data();
  const char* e = s.data() + s.size();
  if (*b == '+') ++b;
  auto r = std::from_chars(b, e, out);
  return r.ec == std::errc() && r.ptr == e;
}

// out = v * mult + add; false when that leaves the int64 nanoseconds we can represent
// (Promtail would wrap around silently).
bool ScaleToNanos(int64_t v, int64_t mult, int64_t add, int64_t& out) {
  int64_t scaled = 0;
  return !__builtin_mul_overflow(v, mult, &scaled) && !__builtin_add_overflow(scaled, add, &out);
}

Parser MakeParser(const std::string& format) {
  Parser p;
  if (format == "Unix") {
    p.format = Format::kUnix;
  } else if (format == "UnixMs") {
    p.format = Format::kUnixMs;
  } else if (format == "UnixUs") {
    p.format = Format::kUnixUs;
  } else if (format == "UnixNs") {
    p.format = Format::kUnixNs;
  } else if (format == "RFC3339" || format == "RFC3339Nano") {
    p.format = Format::kRfc3339;
  } else {
    p.format = Format::kLayout;
    std::string_view named = GoNamedLayout(format);
    p.use_location = named == format;  // a custom layout
    p.layout = std::string(named);
  }
  return p;
}

bool IsKnownFormatOrLayout(const std::string& format) {
  // A custom layout must contain at least one Go reference element.
  if (format == "Unix" || format == "UnixMs" || format == "UnixUs" || format == "UnixNs") return true;
  if (GoNamedLayout(format) != format) return true;
  for (std::string_view el : {"2006", "06", "01", "Jan", "02", "_2", "15", "03", "04", "05", "MST", "-07", "Z07"}) {
    if (format.find(el) != std::string::npos) return true;
  }
  return false;
}

bool Parse(const Parser& p, std::string_view s, const TimeZone* zone, int64_t now_ns, int64_t& out) {
  switch (p.format) {
    case Format::kUnix: {
      size_t dot = s.find('.');
      if (dot != std::string_view::npos) {
        if (s.find('.', dot + 1) != std::string_view::npos) return false;
        std::string_view frac = s.substr(dot + 1);
        int64_t sec = 0, f = 0;
        if (frac.size() > 9 || !ParseInt(s.substr(0, dot), sec) || !ParseInt(frac, f) || f < 0) return false;
        for (size_t i = frac.size(); i < 9; ++i) f *= 10;
        return ScaleToNanos(sec, kNanosPerSecond, f, out);  // Go's time.Unix(sec, ns) adds ns as is
      }
      int64_t sec = 0;
      return ParseInt(s, sec) && ScaleToNanos(sec, kNanosPerSecond, 0, out);
    }
    case Format::kUnixMs:
    case Format::kUnixUs:
    case Format::kUnixNs: {
      int64_t v = 0;
      if (!ParseInt(s, v)) return false;
      int64_t mult = p.format == Format::kUnixMs ? kNanosPerMilli
                     : p.format == Format::kUnixUs ? kNanosPerMicro : 1;
      return ScaleToNanos(v, mult, 0, out);
    }
    case Format::kRfc3339: {
      Result<int64_t> t = ParseRfc3339(s);
      if (!t.ok()) return false;
      out = *t;
      return true;
    }
    case Format::kLayout: {
      GoParseOptions options;
      options.zone = p.use_location ? zone : nullptr;
      options.year_from_now = true;
      options.now_ns = now_ns;
      Result<int64_t> t = ParseGoTime(p.layout, s, options);
      if (!t.ok()) return false;
      out = *t;
      return true;
    }
  }
  return false;
}

// The time after `t` for a line that failed to parse; the latest time there is stays put
// (a far-future date parses to it).
int64_t Fudged(int64_t t) { return t < std::numeric_limits<int64_t>::max() ? t + 1 : t; }

uint64_t HashLabels(const Labels& labels) {
  uint64_t h = 1469598103934665603ull;
  auto mix = [&h](std::string_view s) {
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    h = (h ^ 0xff) * 1099511628211ull;
  };
  for (const Label& l : labels) {
    mix(l.name);
    mix(l.value);
  }
  return h;
}

class TimestampStage final : public Stage {
 public:
  TimestampStage(StageContext ctx, std::string source, std::vector<Parser> parsers,
                 std::shared_ptr<const TimeZone> zone, bool fudge)
      : ctx_(std::move(ctx)),
        source_(std::move(source)),
        parsers_(std::move(parsers)),
        zone_(std::move(zone)),
        fudge_(fudge) {
    for (const Parser& p : parsers_) needs_now_ = needs_now_ || p.format == Format::kLayout;
  }

  std::string_view name() const override { return "timestamp"; }

  StageResult Process(PipelineEntry& e, EntryConsumer&) override {
    std::string_view text;
    if (e.extracted.GetString(source_, text)) {
      // Only Go layouts without a year need "now" (a clock read per line otherwise).
      const int64_t now = needs_now_ && ctx_.clock != nullptr ? ctx_.clock->NowNs() : e.read_time_ns;
      for (const Parser& p : parsers_) {
        int64_t t = 0;
        if (Parse(p, text, zone_.get(), now, t)) {
          e.entry.timestamp_ns = t;
          if (fudge_) Remember(e.entry.labels, t);
          return StageResult::kContinue;
        }
      }
    }
    CountStageError(ctx_);
    if (fudge_) {
      if (current_valid_ && current_labels_ == e.entry.labels) {
        e.entry.timestamp_ns = current_ts_ = Fudged(current_ts_);
      } else if (auto it = last_.find(HashLabels(e.entry.labels)); it != last_.end()) {
        e.entry.timestamp_ns = it->second = Fudged(it->second);
      }
    }
    return StageResult::kContinue;
  }

 private:
  // The last good time per label set. Lines of one label set come in runs (one file, before
  // the labels stage), so the current run's set is kept aside and compared, and hashed into
  // last_ only when the run ends: no hashing per line.
  void Remember(const Labels& labels, int64_t t) {
    if (!current_valid_ || current_labels_ != labels) {
      if (current_valid_) Remember(HashLabels(current_labels_), current_ts_);
      current_labels_ = labels;
      current_valid_ = true;
      last_.erase(HashLabels(labels));  // current_ts_ is now the newer value
    }
    current_ts_ = t;
  }

  void Remember(uint64_t h, int64_t t) {
    if (last_.size() >= kMaxStreams && last_.find(h) == last_.end()) last_.clear();
    last_[h] = t;
  }

  static constexpr size_t kMaxStreams = 10000;
  StageContext ctx_;
  std::string source_;
  std::vector<Parser> parsers_;
  std::shared_ptr<const TimeZone> zone_;
  bool fudge_;
  bool needs_now_ = false;  // a parser is a Go layout (which may lack the year)
  std::unordered_map<uint64_t, int64_t> last_;  // label-set hash -> last good timestamp
  Labels current_labels_;  // the label set of the latest good time, held outside last_
  int64_t current_ts_ = 0;
  bool current_valid_ = false;
};

}  // namespace

Result<std::unique_ptr<Stage>> NewTimestampStage(const StageContext& ctx, const YAML::Node& config,
                                                 std::string_view path) {
  REMEDIATOR_RETURN_IF_ERROR(CheckKnownKeys(
      ctx.config, config, path, {"source", "format", "fallback_formats", "location", "action_on_failure"}));
  if (!config.IsMap()) return ConfigError(ctx.config, config, path, "must be a map");
  std::string source, format, location, action = "fudge";
  REMEDIATOR_RETURN_IF_ERROR(ReadString(ctx.config, config, "source", source));
  REMEDIATOR_RETURN_IF_ERROR(ReadString(ctx.config, config, "format", format));
  REMEDIATOR_RETURN_IF_ERROR(ReadString(ctx.config, config, "location", location));
  REMEDIATOR_RETURN_IF_ERROR(ReadString(ctx.config, config, "action_on_failure", action));
  if (source.empty()) return ConfigError(ctx.config, config, JoinKey(path, "source"), "is required");
  if (format.empty()) return ConfigError(ctx.config, config, JoinKey(path, "format"), "is required");
  if (action != "fudge" && action != "skip") {
    return ConfigError(ctx.config, config["action_on_failure"], JoinKey(path, "action_on_failure"),
                       "must be fudge or skip");
  }
  std::vector<std::string> formats{format};
  REMEDIATOR_RETURN_IF_ERROR(ReadStringList(ctx.config, config["fallback_formats"],
                                            JoinKey(path, "fallback_formats"), formats));
  std::vector<Parser> parsers;
  for (size_t i = 0; i < formats.size(); ++i) {
    if (!IsKnownFormatOrLayout(formats[i])) {
      YAML::Node at = i == 0 ? config["format"] : config["fallback_formats"];
      return ConfigError(ctx.config, at, JoinKey(path, i == 0 ? "format" : "fallback_formats"),
                         fmt::format("\"{}\" is neither a known format nor a Go time layout", formats[i]));
    }
    parsers.push_back(MakeParser(formats[i]));
  }
  std::shared_ptr<const TimeZone> zone;
  if (!location.empty()) {
    Result<std::shared_ptr<const TimeZone>> z = TimeZone::Load(location);
    if (!z.ok()) return ConfigError(ctx.config, config["location"], JoinKey(path, "location"), z.status().message());
    zone = *z;
  }
  return std::unique_ptr<Stage>(
      new TimestampStage(ctx, std::move(source), std::move(parsers), std::move(zone), action == "fudge"));
}

}  // namespace remediator::pipeline::stages

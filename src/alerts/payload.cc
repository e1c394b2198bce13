#include "alerts/payload.h"

#include <simdjson.h>

#include <fmt/format.h>

#include "alerts/fingerprint.h"
#include "core/time_format.h"

namespace remediator::alerts {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

Status TypeError(std::string_view path, std::string_view expected) {
  return InvalidArgument(fmt::format("{}: expected {}", path, expected));
}

std::string Join(std::string_view parent, std::string_view key) {
  return fmt::format("{}.{}", parent, key);
}

// Field lookups on one object. A field that is absent or null counts as absent. The
// object's path ("" for the top level, "alerts[3]") is only spelled out for an error.
class Fields {
 public:
  Fields(object obj, size_t alert_index) : obj_(obj), alert_index_(alert_index) {}
  static constexpr size_t kTop = SIZE_MAX;

  bool Has(std::string_view key) const {
    element e;
    return obj_[key].get(e) == simdjson::SUCCESS && !e.is_null();
  }

  Status String(std::string_view key, std::string& out, bool required) const {
    element e;
    if (obj_[key].get(e) != simdjson::SUCCESS || e.is_null()) {
      return required ? InvalidArgument(fmt::format("{}: required", Join(path(), key)))
                      : Status::Ok();
    }
    std::string_view v;
    if (e.get_string().get(v) != simdjson::SUCCESS) return TypeError(Join(path(), key), "a string");
    out.assign(v);
    return Status::Ok();
  }

  // Fills `out` (absent: empties it), reusing its nodes, so keys and values keep their
  // capacity.
  Status Map(std::string_view key, StringMap& out, bool required) const {
    element e;
    if (obj_[key].get(e) != simdjson::SUCCESS || e.is_null()) {
      out.clear();
      return required ? InvalidArgument(fmt::format("{}: required", Join(path(), key)))
                      : Status::Ok();
    }
    object o;
    if (e.get_object().get(o) != simdjson::SUCCESS) return TypeError(Join(path(), key), "an object");
    constexpr size_t kReused = 16;
    StringMap::node_type spare[kReused];
    size_t spares = 0;
    while (!out.empty() && spares < kReused) spare[spares++] = out.extract(out.begin());
    out.clear();
    size_t next = 0;
    for (auto field : o) {
      std::string_view v;
      if (field.value.get_string().get(v) != simdjson::SUCCESS) {
        return TypeError(Join(Join(path(), key), field.key), "a string");
      }
      // Keys arrive sorted from Alertmanager: the end is the hint, so each insert is O(1).
      if (next == spares) {
        out.insert_or_assign(out.end(), std::string(field.key), std::string(v));
        continue;
      }
      StringMap::node_type& node = spare[next++];
      node.key().assign(field.key);
      node.mapped().assign(v);
      auto it = out.insert(out.end(), std::move(node));
      if (node) it->second.assign(v);  // a repeated key: the last value wins
    }
    return Status::Ok();
  }

  Status Int(std::string_view key, int64_t& out) const {
    element e;
    if (obj_[key].get(e) != simdjson::SUCCESS || e.is_null()) return Status::Ok();
    int64_t v = 0;
    if (e.get_int64().get(v) != simdjson::SUCCESS) {
      uint64_t u = 0;
      if (e.get_uint64().get(u) != simdjson::SUCCESS) return TypeError(Join(path(), key), "an integer");
      v = static_cast<int64_t>(u > INT64_MAX ? INT64_MAX : u);
    }
    out = v;
    return Status::Ok();
  }

  Status Time(std::string_view key, int64_t& out) const {
    element e;
    if (obj_[key].get(e) != simdjson::SUCCESS || e.is_null()) return Status::Ok();
    std::string_view text;
    if (e.get_string().get(text) != simdjson::SUCCESS) return TypeError(Join(path(), key), "a string");
    if (text.empty()) return Status::Ok();
    Result<int64_t> t = ParseRfc3339(text);
    if (!t.ok()) return InvalidArgument(fmt::format("{}: {}", Join(path(), key), t.status().message()));
    out = *t;
    return Status::Ok();
  }

 private:
  std::string path() const {
    return alert_index_ == kTop ? std::string() : fmt::format("alerts[{}]", alert_index_);
  }

  object obj_;
  size_t alert_index_;
};

Status ParseAlert(element e, size_t index, Alert& alert) {
  object obj;
  if (e.get_object().get(obj) != simdjson::SUCCESS) {
    return TypeError(fmt::format("alerts[{}]", index), "an object");
  }
  Fields f(obj, index);
  alert.generator_url.clear();
  alert.fingerprint.clear();
  REMEDIATOR_RETURN_IF_ERROR(f.String("status", alert.status, true));
  if (alert.status != "firing" && alert.status != "resolved") {
    return InvalidArgument(fmt::format("alerts[{}].status: expected \"firing\" or \"resolved\", got \"{}\"",
                                       index, alert.status));
  }
  REMEDIATOR_RETURN_IF_ERROR(f.Map("labels", alert.labels, true));
  REMEDIATOR_RETURN_IF_ERROR(f.Map("annotations", alert.annotations, false));
  alert.starts_at_ns = INT64_MIN;
  alert.ends_at_ns = INT64_MIN;
  REMEDIATOR_RETURN_IF_ERROR(f.Time("startsAt", alert.starts_at_ns));
  REMEDIATOR_RETURN_IF_ERROR(f.Time("endsAt", alert.ends_at_ns));
  REMEDIATOR_RETURN_IF_ERROR(f.String("generatorURL", alert.generator_url, false));
  REMEDIATOR_RETURN_IF_ERROR(f.String("fingerprint", alert.fingerprint, false));
  if (alert.fingerprint.empty()) alert.fingerprint = LabelsFingerprint(alert.labels);
  return Status::Ok();
}

}  // namespace

std::string Alert::name() const {
  auto it = labels.find("alertname");
  return it == labels.end() ? std::string() : it->second;
}

Result<Payload> ParsePayload(std::string_view json) {
  Payload p;
  REMEDIATOR_RETURN_IF_ERROR(ParsePayloadInto(json, p));
  return p;
}

Status ParsePayloadInto(std::string_view json, Payload& p) {
  // One parser per thread, reused, so a typical webhook allocates no parser buffers. After
  // a large body the buffers (several times the body's size) are dropped again.
  thread_local simdjson::dom::parser parser;
  constexpr size_t kKeepBuffersUpTo = 64 * 1024;
  struct Shrink {
    size_t size;
    ~Shrink() {
      if (size > kKeepBuffersUpTo) parser = simdjson::dom::parser{};
    }
  } shrink{json.size()};
  element root;
  // parse() copies the body into the parser's padded buffer when it lacks padding.
  if (auto err = parser.parse(json.data(), json.size(), true).get(root); err != simdjson::SUCCESS) {
    return InvalidArgument(fmt::format("malformed JSON: {}", simdjson::error_message(err)));
  }
  object obj;
  if (root.get_object().get(obj) != simdjson::SUCCESS) return TypeError("(body)", "a JSON object");
  Fields f(obj, Fields::kTop);
  auto top = [](Status s) {
    // Top-level paths come out as ".key"; drop the dot.
    if (s.ok() || s.message().empty() || s.message()[0] != '.') return s;
    return Status(s.code(), s.message().substr(1));
  };
  // Absent optional fields leave their defaults (emptied here: `p` may hold an old payload).
  p.version.clear();
  p.group_key.clear();
  p.truncated_alerts = 0;
  p.receiver.clear();
  p.status.clear();
  p.external_url.clear();
  REMEDIATOR_RETURN_IF_ERROR(top(f.String("version", p.version, false)));
  REMEDIATOR_RETURN_IF_ERROR(top(f.String("groupKey", p.group_key, false)));
  REMEDIATOR_RETURN_IF_ERROR(top(f.Int("truncatedAlerts", p.truncated_alerts)));
  REMEDIATOR_RETURN_IF_ERROR(top(f.String("receiver", p.receiver, false)));
  REMEDIATOR_RETURN_IF_ERROR(top(f.String("status", p.status, false)));
  REMEDIATOR_RETURN_IF_ERROR(top(f.Map("groupLabels", p.group_labels, false)));
  REMEDIATOR_RETURN_IF_ERROR(top(f.Map("commonLabels", p.common_labels, false)));
  REMEDIATOR_RETURN_IF_ERROR(top(f.Map("commonAnnotations", p.common_annotations, false)));
  REMEDIATOR_RETURN_IF_ERROR(top(f.String("externalURL", p.external_url, false)));
  element alerts;
  if (obj["alerts"].get(alerts) != simdjson::SUCCESS || alerts.is_null()) {
    return InvalidArgument("alerts: required");
  }
  simdjson::dom::array arr;
  if (alerts.get_array().get(arr) != simdjson::SUCCESS) return TypeError("alerts", "an array");
  // Alerts already in `p` are parsed into again (their strings and maps reused).
  p.alerts.resize(arr.size());
  size_t i = 0;
  for (element a : arr) {
    REMEDIATOR_RETURN_IF_ERROR(ParseAlert(a, i, p.alerts[i]));
    ++i;
  }
  return Status::Ok();
}

}  // namespace remediator::alerts

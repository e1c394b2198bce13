// The payload Alertmanager's webhook_config posts (version "4"; see spec/alertmanager-webhook.md).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace remediator::alerts {

using StringMap = std::map<std::string, std::string>;

struct Alert {
  std::string status;  // "firing" or "resolved": act on this, not on Payload::status
  StringMap labels;
  StringMap annotations;
  int64_t starts_at_ns = 0;
  int64_t ends_at_ns = 0;  // INT64_MIN for Go's zero time ("no end")
  std::string generator_url;
  std::string fingerprint;  // computed from the sorted labels when the sender left it empty

  bool firing() const { return status == "firing"; }
  // The `alertname` label, or "" when absent.
  std::string name() const;
};

struct Payload {
  std::string version;
  std::string group_key;
  int64_t truncated_alerts = 0;
  std::string receiver;
  std::string status;
  std::vector<Alert> alerts;
  StringMap group_labels;
  StringMap common_labels;
  StringMap common_annotations;
  std::string external_url;
};

// Parses and validates a webhook body. Unknown fields are ignored (newer Alertmanagers add
// some); malformed JSON or a missing/mistyped required field is kInvalidArgument with a
// message naming the field ("alerts[2].labels: expected an object").
Result<Payload> ParsePayload(std::string_view json);

// The same, into `out`, reusing the memory it holds (strings, alerts, map nodes): a server
// parsing one body after another into the same Payload allocates little once warm. On
// success `out` equals what ParsePayload returns; on error its contents are unspecified.
Status ParsePayloadInto(std::string_view json, Payload& out);

}  // namespace remediator::alerts

// Encodes a batch of entries as a Loki push request body, grouped into streams by label
// set (with external labels added; an entry's own label wins over an external one).
#pragma once

#include <span>
#include <string>

#include "core/labels.h"
#include "core/status.h"

namespace remediator::pipeline::sinks {

enum class PushEncoding {
  kProtobuf,  // logproto.PushRequest, snappy-compressed; application/x-protobuf
  kJson,      // {"streams":[{"stream":{...},"values":[["<ns>","line"]]}]}; application/json
};

std::string_view ContentType(PushEncoding encoding);

// Builds the body. Entries keep their order within each stream; streams appear in order of
// first appearance.
Result<std::string> EncodePushBody(std::span<const LogEntry> batch, const Labels& external_labels,
                                   PushEncoding encoding);

}  // namespace remediator::pipeline::sinks

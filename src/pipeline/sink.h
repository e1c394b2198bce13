// Where the pipeline delivers entries: the embedded store, a Loki push client, or both.
#pragma once

#include <span>
#include <string_view>

#include "core/labels.h"
#include "core/status.h"

namespace remediator::pipeline {

class Sink {
 public:
  virtual ~Sink() = default;
  virtual std::string_view name() const = 0;
  // Delivers a batch. Returns OK only once the batch is durable (the store) or acknowledged
  // (Loki answered 2xx) — the caller advances its positions only then. A non-OK status
  // means nothing of the batch may be assumed delivered: kUnavailable = retry later,
  // kInvalidArgument = the receiver rejected it for good (dropped, counted, logged).
  // Not required to be thread-safe: one pipeline thread calls it.
  virtual Status Send(std::span<const LogEntry> batch) = 0;
};

}  // namespace remediator::pipeline

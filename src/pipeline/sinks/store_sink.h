// The embedded store as a pipeline Sink. Send() appends durably; SendWithCheckpoints()
// commits the tailer's positions in the same WAL record, which makes store ingestion
// exactly-once across restarts (resume from Checkpoints(), not from the positions file).
#pragma once

#include <span>
#include <string>
#include <vector>

#include "pipeline/sink.h"
#include "store/store.h"

namespace remediator::pipeline::sinks {

class StoreSink final : public Sink {
 public:
  // `store` must outlive the sink.
  explicit StoreSink(store::Store& store) : store_(store), name_("store:" + store.dir()) {}

  std::string_view name() const override { return name_; }
  Status Send(std::span<const LogEntry> batch) override { return store_.Append(batch); }
  Status SendWithCheckpoints(std::span<const LogEntry> batch, std::span<const store::Checkpoint> checkpoints) {
    return store_.Append(batch, checkpoints);
  }
  std::vector<store::Checkpoint> Checkpoints() const { return store_.Checkpoints(); }

 private:
  store::Store& store_;
  std::string name_;
};

}  // namespace remediator::pipeline::sinks

// The embedded store as a pipeline Sink. Send() appends durably; SendWithCheckpoints()
// commits the tailer's positions in the same WAL record, which makes store ingestion
// exactly-once across restarts (resume from Checkpoints(), not from the positions file).
//
// Pipelined delivery (the shipper uses it when the store is its only sink): Submit() hands a
// batch and its checkpoints to the sink's committer thread and returns at once, so the
// shipper reads and runs the stages of the next batch while this one is compressed, written
// and synced; Wait() returns the commit's status. One batch in flight at a time. Submitted
// batches go through Store::AppendDeferred: a committed batch may not be durable yet, and its
// positions apply once durable_ticket() reaches its ticket() (MakeDurable forces it).
#pragma once

#include <condition_variable>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "pipeline/sink.h"
#include "store/store.h"

namespace remediator::pipeline::sinks {

class StoreSink final : public Sink {
 public:
  // `store` must outlive the sink.
  explicit StoreSink(store::Store& store) : store_(store), name_("store:" + store.dir()) {}
  // Waits for a submitted batch, then stops the committer thread.
  ~StoreSink() override;

  std::string_view name() const override { return name_; }
  Status Send(std::span<const LogEntry> batch) override { return store_.Append(batch); }
  Status SendWithCheckpoints(std::span<const LogEntry> batch, std::span<const store::Checkpoint> checkpoints) {
    return store_.Append(batch, checkpoints);
  }
  std::vector<store::Checkpoint> Checkpoints() const { return store_.Checkpoints(); }

  // Starts committing `batch` with `checkpoints` (SendWithCheckpoints) on the committer
  // thread. `batch` must stay valid and unchanged until Wait() returns. `backlog`: more
  // entries follow at once (Store::AppendDeferred).
  // REQUIRES: no batch in flight (Wait() was called after the last Submit).
  void Submit(std::span<const LogEntry> batch, std::vector<store::Checkpoint> checkpoints, bool backlog = false);
  // Whether the submitted batch is committed (or failed): Wait() will not block.
  bool Done();
  // Blocks until the submitted batch is committed; its status (OK when nothing was submitted).
  Status Wait();
  // The store's ticket for the batch the last Wait() returned (Store::AppendDeferred): it is
  // durable once durable_ticket() reaches it.
  uint64_t ticket() const { return waited_ticket_; }
  uint64_t durable_ticket() const { return store_.durable_ticket(); }
  // Makes every committed batch durable now (Store::SealDeferred). No batch may be in flight.
  Status MakeDurable() { return store_.SealDeferred(); }

 private:
  void RunCommitter();

  store::Store& store_;
  std::string name_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool submitted_ = false;  // a batch waits for or is in its commit
  bool done_ = false;       // ... and its commit ended with status_
  bool stop_ = false;
  Status status_;
  uint64_t ticket_ = 0;         // of the batch committed last (guarded by mu_)
  uint64_t waited_ticket_ = 0;  // of the batch the last Wait() returned (the caller's thread)
  std::span<const LogEntry> batch_;
  std::vector<store::Checkpoint> checkpoints_;
  bool backlog_ = false;
  std::thread committer_;  // started by the first Submit
};

}  // namespace remediator::pipeline::sinks

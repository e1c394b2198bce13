// The shipper: discovers files by the scrape configs' globs, tails them, runs each job's
// stages, batches the entries and hands the batches to the sinks; positions advance only
// after every sink took the batch (at-least-once). Step-driven: Step() does one round of work
// at the injected clock's time, so tests drive it without sleeping. One thread drives it;
// when the store is the only sink, batches are committed on the store sink's thread while
// the next one is read (pipelined), and their positions apply once committed.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "pipeline/file_tailer.h"
#include "pipeline/metrics.h"
#include "pipeline/positions.h"
#include "pipeline/promtail_config.h"
#include "pipeline/sink.h"
#include "pipeline/stage_pipeline.h"
#include "store/checkpoint.h"

namespace remediator::pipeline {

namespace sinks {
class StoreSink;
}

struct ShipperOptions {
  bool dry_run = false;              // send nothing, save no positions
  // Called with each entry as it enters a batch (--print).
  std::function<void(const LogEntry&)> print;
  FileTailerOptions tailer;
  size_t read_budget_per_file = 256 * 1024;  // bytes read from one file per Step round
  int64_t batch_wait_ns = -1;        // -1: from clients (smallest batchwait) or 1s
  int64_t batch_bytes = -1;          // -1: from clients (smallest batchsize) or 1 MiB
  // Also cut a batch at this many entries (bounds memory when lines are short; Promtail has
  // no such limit, hence the default).
  int64_t batch_entries = INT64_MAX;
  int64_t retry_min_ns = -1;         // -1: from clients' backoff_config or 500ms
  int64_t retry_max_ns = -1;         // -1: from clients' backoff_config or 5m
  // The store among the sinks, if any: batches go to it with the files' checkpoints in the
  // same record, and when it is the only sink, reading resumes from its checkpoints
  // (exactly-once into the store) rather than from the positions file.
  sinks::StoreSink* store_sink = nullptr;
};

struct ShipProgress {
  uint64_t bytes_read = 0;        // since start
  int64_t bytes_remaining = 0;    // in the files being tailed, now
  uint64_t entries = 0;           // entries batched since start
};

class Shipper final : private LineHandler, private EntryConsumer {
 public:
  // `sinks` are not owned and must outlive the shipper. `metrics` may be null.
  static Result<std::unique_ptr<Shipper>> Create(const PromtailConfig& config,
                                                 std::vector<Sink*> sinks, const Clock& clock,
                                                 ShipMetrics* metrics, ShipperOptions options);
  ~Shipper() override;

  // One round: re-glob when due, read what is new (unless a batch waits to be retried), run
  // the stages, cut and send a batch when full or old enough, save positions when due.
  // Returns true when it did any work (read bytes or sent a batch). Errors are only those
  // that stop shipping (positions cannot be written).
  Result<bool> Step();
  // --once: steps until every file is read to its end, then flushes everything and saves
  // positions. Returns when all entries are delivered, or the error of the last attempt
  // when a sink keeps failing (after `max_attempts`).
  Status RunOnce(int max_attempts = 20, const std::function<void(const ShipProgress&)>& progress = {});
  // Follows the files until `stop` is set; waits with inotify (falling back to polling)
  // between steps. Flushes and saves positions before it returns.
  Status Run(const std::atomic<bool>& stop);
  // The end of a run: catches up with every path (reads files rotated away or deleted to
  // their end, notices truncations), sends what is batched (retrying up to `max_attempts`)
  // and saves positions, so that they name the files now at the paths.
  Status Flush(int max_attempts);

  ShipProgress progress() const;
  // The next time Step has timed work to do (batch age, retry, sync, rescan).
  int64_t NextDeadlineNs() const;
  size_t tailed_files() const { return files_.size(); }
  const Positions& positions() const { return positions_; }

 private:
  struct Job {
    const ScrapeConfig* config;
    std::unique_ptr<StagePipeline> pipeline;
  };
  struct File {
    std::unique_ptr<FileTailer> tailer;
    size_t job;
    Labels labels;  // target labels + filename
  };

  Shipper(const PromtailConfig& config, std::vector<Sink*> sinks, const Clock& clock,
          ShipMetrics* metrics, ShipperOptions options);
  void Rescan();
  void OnLine(std::string_view line, bool truncated) override;
  void Consume(PipelineEntry& e) override;
  void CutBatch();
  bool BatchFull() const {
    return batch_bytes_ >= options_.batch_bytes || static_cast<int64_t>(count_) >= options_.batch_entries;
  }
  // Tries to deliver the cut batch; true when it is done with (delivered or dropped).
  bool TrySend();
  // Sets next_attempt_ns_ by the backoff for attempts_ failed attempts.
  void ScheduleRetry();
  void Commit();
  Status SyncPositions();
  // Each tailed path's position to save (-1: forget the path).
  std::map<std::string, int64_t> Snapshot() const;
  void ApplyPositions(const std::map<std::string, int64_t>& snapshot);
  // Polls one file (sets last_read_).
  void ReadFile(const std::string& path, File& f);
  // Retries the cut batch up to `max_attempts` times (waiting out the backoff).
  Status SendPending(int max_attempts);
  // Writes positions that moved without a batch into the store's checkpoints.
  Status SyncStoreCheckpoints();
  // The store checkpoints of a positions snapshot (with each file's identity).
  std::vector<store::Checkpoint> CheckpointsOf(const std::map<std::string, int64_t>& positions) const;
  // Pipelined delivery into the store (async_store_): hands the cut batch to the store
  // sink's committer thread once the batch before it is committed; false when that one
  // failed (the cut batch then waits, as a failed batch does in TrySend).
  bool SubmitToStore();
  // Settles the batch in the store's hands: queues its positions once committed (they apply
  // once it is durable), resubmits it after a failure when the backoff allows. With `wait`,
  // blocks until it is committed or has failed. True when no batch is in flight any more.
  bool SettleInFlight(bool wait);
  // Applies the positions of the committed batches the store has made durable, in order.
  void ApplyDurable();
  // Has the store make every committed batch durable (it seals its open block), then
  // applies their positions. An error means those batches are lost (the store is broken).
  Status MakeDurable();

  PromtailConfig config_;
  std::vector<Sink*> sinks_;
  const Clock& clock_;
  ShipMetrics* metrics_;
  ShipperOptions options_;
  Positions positions_;
  std::vector<Job> jobs_;
  std::map<std::string, File> files_;  // by path

  // The batch being filled: slots [0, count_) of entries_ are live (slots are reused).
  std::vector<LogEntry> entries_;
  size_t count_ = 0;
  int64_t batch_bytes_ = 0;
  int64_t batch_started_ns_ = 0;
  // The batch cut and not yet delivered to every sink.
  bool pending_ = false;
  bool pending_full_ = false;  // cut because it was full: more lines are waiting
  std::vector<bool> acked_;
  std::map<std::string, int64_t> pending_positions_;
  int attempts_ = 0;
  int64_t next_attempt_ns_ = 0;

  int64_t next_rescan_ns_ = 0;
  int64_t last_rescan_ns_ = 0;
  int64_t next_sync_ns_ = 0;
  int64_t now_ns_ = 0;
  File* current_ = nullptr;  // the file being read (OnLine)
  PipelineEntry scratch_;    // reused for every line
  Throttle throttle_;        // set by limit stages that wait instead of dropping
  size_t last_read_ = 0;       // bytes read by the last ReadFile
  std::map<std::string, int64_t> store_checkpoints_;  // what the store holds
  // When resuming from the store's checkpoints: the identity of the file each names. A file
  // now at the path that is another one (rotated or replaced while we were down) is read
  // from its start, not from the offset.
  std::map<std::string, std::string> resume_identities_;
  // Pipelined delivery: the store is the only sink, so a cut batch goes to its committer
  // thread while the next one is read. The batch in its hands, and its positions snapshot:
  enum class InFlight { kNone, kRunning, kFailed };
  bool async_store_ = false;
  InFlight inflight_ = InFlight::kNone;
  std::vector<LogEntry> inflight_entries_;  // slots [0, inflight_count_) are the batch
  size_t inflight_count_ = 0;
  bool inflight_full_ = false;
  std::map<std::string, int64_t> inflight_positions_;
  std::vector<store::Checkpoint> inflight_checkpoints_;
  // Committed batches whose positions wait until the store has made them durable (its
  // ticket: StoreSink::ticket), oldest first: big batches share one block, synced once.
  struct Undurable {
    uint64_t ticket;
    std::map<std::string, int64_t> positions;
    std::vector<store::Checkpoint> checkpoints;  // empty for a rejected batch
  };
  std::deque<Undurable> undurable_;
  uint64_t bytes_read_ = 0;
  uint64_t entries_total_ = 0;
};

}  // namespace remediator::pipeline

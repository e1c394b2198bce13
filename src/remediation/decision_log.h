// The append-only JSONL decision log (docs/formats/decision-log.md).
//
// Group commit on two flusher threads that take turns: the one that owns the next round
// takes everything queued, writes it with one write() and one fdatasync(), hands the next
// round to the other thread and then reports the result to each caller — AppendAsync's
// callback, or Append's return. So the callers of one round are answered (on the webhook
// path: their answers are sent, the costly part) while the next round is already being
// synced; rounds are still written one after the other and answered in order. While a
// round syncs, new lines gather for the next one. Under a steady load (the callers of a
// round come back within a round trip) the owner of the next round lingers for them:
// until all are back, so one sync carries them all (bounded by half the last sync, at most
// 1 ms); or, when the last sync took less time than answering everybody and less than half
// of that time was its own CPU time (waiting for the disk, not working), until half are
// back, so the two halves' syncs and answers overlap (bounded by the time answering that
// many took, at most 1 ms). An idle log starts at once. At open a torn last
// line (a crash mid-write) is cut off. The file is reopened by Reopen() (SIGHUP) and, before
// each write, when the path no longer names the open file (logrotate renamed it away;
// noticed through inotify, confirmed by comparing inodes).
//
// Thread-safe.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <functional>
#include <mutex>
#include <thread>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace remediator::remediation {

class DecisionLog {
 public:
  // Opens (creating it and its folder when missing) and repairs a torn last line. `sync`
  // replaces fdatasync(2) (tests inject failures; returns 0 or -1 with errno set).
  using SyncFunction = std::function<int(int fd)>;
  static Result<std::unique_ptr<DecisionLog>> Open(const std::string& path, SyncFunction sync = nullptr);
  ~DecisionLog();

  DecisionLog(const DecisionLog&) = delete;
  DecisionLog& operator=(const DecisionLog&) = delete;

  // Appends `lines` (each a JSON object without the newline) and fsyncs. kUnavailable when
  // the write or fsync failed; then none of these lines are in the file.
  Status Append(const std::vector<std::string>& lines);
  Status Append(std::string_view line);

  // Queues `lines` and returns at once; `done` runs on a flusher thread once they are
  // written and synced (or failed; then none of them are in the file). Calls are written in
  // the order they were made, and their `done`s run in that order, one at a time. `done`
  // must not call back into the log synchronously.
  using DoneCallback = std::function<void(const Status&)>;
  void AppendAsync(const std::vector<std::string>& lines, DoneCallback done);

  // Between Hold() and Release() no new round starts (one in progress finishes): lines
  // appended meanwhile wait and then share one round. Holds nest; each needs its Release.
  void Hold();
  void Release();

  // Closes and reopens the path.
  Status Reopen();

  const std::string& path() const { return path_; }
  // Bytes cut off at open (0 when the file ended cleanly).
  int64_t repaired_bytes() const { return repaired_bytes_; }

 private:
  DecisionLog(std::string path, SyncFunction sync) : path_(std::move(path)), sync_(std::move(sync)) {}
  void FlushLoop();
  Status OpenFile();                        // REQUIRES: file_mu_ held
  Status ReopenIfRotated();                 // REQUIRES: file_mu_ held
  void WatchFile();                         // REQUIRES: file_mu_ held
  bool MaybeRotated();                      // REQUIRES: file_mu_ held
  Status WriteAndSync(const std::string&);  // REQUIRES: file_mu_ held

  const std::string path_;
  const SyncFunction sync_;
  int64_t repaired_bytes_ = 0;

  std::mutex file_mu_;  // guards the five below
  int fd_ = -1;
  dev_t dev_ = 0;
  ino_t ino_ = 0;
  int inotify_fd_ = -1;  // watches the open file for renames and unlinks (-1: none)
  int watch_ = -1;

  std::mutex queue_mu_;  // guards everything below but the threads
  std::condition_variable round_cv_;   // an idle flusher waits for a round to start
  std::condition_variable linger_cv_;  // the owner of the next round lingers
  std::condition_variable answer_cv_;  // a flusher waits for its turn to answer
  std::string queued_;                   // lines for the next round, newline-terminated
  std::vector<DoneCallback> callbacks_;  // their callers, in order
  int holds_ = 0;                        // Hold() calls not yet released
  bool owned_ = false;  // a flusher owns the next round (lingering, writing or syncing)
  bool lingering_ = false;               // ... and lingers until linger_until_ callers
  bool linger_expired_ = false;          // ... past its deadline, waiting for Release
  size_t linger_until_ = 0;              // callers the next round waits for (0: none)
  int64_t linger_budget_ns_ = 0;         // ... for at most this long
  std::chrono::steady_clock::time_point linger_valid_until_;  // ... if it starts before this
  int64_t answer_ns_per_caller_ = 0;     // how long answering took, per caller (smoothed)
  uint64_t rounds_taken_ = 0;            // rounds started; rounds are numbered from 1
  uint64_t rounds_answered_ = 0;         // rounds whose callers were all answered
  bool stopping_ = false;
  std::thread flushers_[2];
};

}  // namespace remediator::remediation

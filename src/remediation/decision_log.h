// The append-only JSONL decision log (docs/formats/decision-log.md).
//
// Group commit on one flusher thread: appended lines queue up; the flusher takes everything
// queued, writes it with one write() and one fdatasync(), then reports the result to each
// caller — AppendAsync's callback, or Append's return. While it syncs, new lines gather for
// the next round, so a caller waits for at most the sync in progress plus its own. Under a
// steady load (lines already waiting when a round ends) the flusher lingers up to half a
// sync (at most 1 ms) for the callers it just answered, so both groups share the next
// round. At open a torn last line (a crash mid-write) is cut off. The file is reopened by
// Reopen() (SIGHUP) and, before each write, when the path no longer names the open file
// (logrotate renamed it away; noticed through inotify, confirmed by comparing inodes).
//
// Thread-safe.
#pragma once

#include <sys/types.h>

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
  // Opens (creating it and its folder when missing) and repairs a torn last line.
  static Result<std::unique_ptr<DecisionLog>> Open(const std::string& path);
  ~DecisionLog();

  DecisionLog(const DecisionLog&) = delete;
  DecisionLog& operator=(const DecisionLog&) = delete;

  // Appends `lines` (each a JSON object without the newline) and fsyncs. kUnavailable when
  // the write or fsync failed; then none of these lines are in the file.
  Status Append(const std::vector<std::string>& lines);
  Status Append(std::string_view line);

  // Queues `lines` and returns at once; `done` runs on the flusher thread once they are
  // written and synced (or failed; then none of them are in the file). Calls are written in
  // the order they were made. `done` must not call back into the log synchronously.
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
  explicit DecisionLog(std::string path) : path_(std::move(path)) {}
  void FlushLoop();
  Status OpenFile();                        // REQUIRES: file_mu_ held
  Status ReopenIfRotated();                 // REQUIRES: file_mu_ held
  void WatchFile();                         // REQUIRES: file_mu_ held
  bool MaybeRotated();                      // REQUIRES: file_mu_ held
  Status WriteAndSync(const std::string&);  // REQUIRES: file_mu_ held

  const std::string path_;
  int64_t repaired_bytes_ = 0;

  std::mutex file_mu_;  // guards the five below
  int fd_ = -1;
  dev_t dev_ = 0;
  ino_t ino_ = 0;
  int inotify_fd_ = -1;  // watches the open file for renames and unlinks (-1: none)
  int watch_ = -1;

  std::mutex queue_mu_;  // guards the four below
  std::condition_variable queue_cv_;
  std::string queued_;                   // lines for the next round, newline-terminated
  std::vector<DoneCallback> callbacks_;  // their callers, in order
  int holds_ = 0;                        // Hold() calls not yet released
  size_t linger_until_ = 0;              // >0: the flusher lingers until this many callers
  bool stopping_ = false;
  std::thread flusher_;
};

}  // namespace remediator::remediation

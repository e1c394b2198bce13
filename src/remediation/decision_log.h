// The append-only JSONL decision log (docs/formats/decision-log.md).
//
// Append() returns only after its lines are written whole and fsynced. Concurrent callers
// share one write + fdatasync (group commit): lines queue into the open batch; when no flush
// is running, one of its callers (the leader) takes the batch, writes and syncs it, wakes
// exactly that batch's callers and hands the next batch to one of its callers. So a caller
// waits for at most the flush in progress plus its own, and no caller flushes for others
// after its own lines are durable. At open a torn last line (a crash mid-write) is cut off. The file
// is reopened by Reopen() (SIGHUP) and, before each write, when the path no longer names
// the open file (logrotate renamed it away).
//
// Thread-safe.
#pragma once

#include <sys/types.h>

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
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

  // Closes and reopens the path.
  Status Reopen();

  const std::string& path() const { return path_; }
  // Bytes cut off at open (0 when the file ended cleanly).
  int64_t repaired_bytes() const { return repaired_bytes_; }

 private:
  struct Batch {
    std::string data;
    bool done = false;     // written and synced (or failed): status holds the result
    Status status;
    std::condition_variable cv;  // its callers wait here (done, or the lead handed over)
  };

  explicit DecisionLog(std::string path) : path_(std::move(path)) {}
  Status OpenFile();                        // REQUIRES: file_mu_ held
  Status ReopenIfRotated();                 // REQUIRES: file_mu_ held
  Status WriteAndSync(const std::string&);  // REQUIRES: file_mu_ held

  const std::string path_;
  int64_t repaired_bytes_ = 0;

  std::mutex file_mu_;  // guards fd_, dev_, ino_
  int fd_ = -1;
  dev_t dev_ = 0;
  ino_t ino_ = 0;

  std::mutex queue_mu_;  // guards pending_, flushing_ and every Batch's flags
  std::shared_ptr<Batch> pending_;  // the open batch new lines join; null when none
  bool flushing_ = false;           // a leader is writing a batch
};

}  // namespace remediator::remediation

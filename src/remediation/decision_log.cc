#include "remediation/decision_log.h"

#include <fcntl.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>

#include <fmt/format.h>

namespace remediator::remediation {
namespace {

Status Errno(std::string_view what, const std::string& path) {
  return Unavailable(fmt::format("decision log {}: {}: {}", path, what, std::strerror(errno)));
}

// Cuts a torn last line (bytes after the last '\n') off the file open as `fd`.
Result<int64_t> RepairTail(int fd, const std::string& path) {
  struct stat st;
  if (::fstat(fd, &st) != 0) return Errno("fstat", path);
  off_t size = st.st_size;
  if (size == 0) return int64_t{0};
  constexpr off_t kChunk = 64 * 1024;
  char buf[kChunk];
  off_t end = size;
  while (end > 0) {
    off_t start = end > kChunk ? end - kChunk : 0;
    ssize_t n = ::pread(fd, buf, static_cast<size_t>(end - start), start);
    if (n != end - start) return Errno("read", path);
    for (ssize_t i = n - 1; i >= 0; --i) {
      if (buf[i] == '\n') {
        off_t keep = start + i + 1;
        if (keep == size) return int64_t{0};
        if (::ftruncate(fd, keep) != 0 || ::fsync(fd) != 0) return Errno("truncate", path);
        return static_cast<int64_t>(size - keep);
      }
    }
    end = start;
  }
  // No newline at all: the whole file is one torn line.
  if (::ftruncate(fd, 0) != 0 || ::fsync(fd) != 0) return Errno("truncate", path);
  return static_cast<int64_t>(size);
}

// CPU time of the calling thread (a sync's own cost, apart from waiting for the disk).
int64_t ThreadCpuNs() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

void SyncFolder(const std::string& path) {
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  const char* dir = parent.empty() ? "." : parent.c_str();
  int dfd = ::open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

}  // namespace

Result<std::unique_ptr<DecisionLog>> DecisionLog::Open(const std::string& path, SyncFunction sync) {
  if (sync == nullptr) sync = [](int fd) { return ::fdatasync(fd); };
  std::unique_ptr<DecisionLog> log(new DecisionLog(path, std::move(sync)));
  std::error_code ec;
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  std::lock_guard<std::mutex> lock(log->file_mu_);
  REMEDIATOR_RETURN_IF_ERROR(log->OpenFile());
  Result<int64_t> repaired = RepairTail(log->fd_, path);
  if (!repaired.ok()) return repaired.status();
  log->repaired_bytes_ = *repaired;
  for (std::thread& t : log->flushers_) t = std::thread([raw = log.get()] { raw->FlushLoop(); });
  return log;
}

DecisionLog::~DecisionLog() {
  {
    std::lock_guard<std::mutex> lock(queue_mu_);
    stopping_ = true;
  }
  round_cv_.notify_all();
  linger_cv_.notify_all();
  for (std::thread& t : flushers_) {
    if (t.joinable()) t.join();  // writes what is still queued first
  }
  if (fd_ >= 0) ::close(fd_);
  if (inotify_fd_ >= 0) ::close(inotify_fd_);
}

Status DecisionLog::OpenFile() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  bool existed = ::access(path_.c_str(), F_OK) == 0;
  fd_ = ::open(path_.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd_ < 0) return Errno("open", path_);
  struct stat st;
  if (::fstat(fd_, &st) != 0) return Errno("fstat", path_);
  dev_ = st.st_dev;
  ino_ = st.st_ino;
  if (!existed) SyncFolder(path_);
  WatchFile();
  return Status::Ok();
}

void DecisionLog::WatchFile() {
  if (inotify_fd_ < 0) inotify_fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (inotify_fd_ < 0) return;  // no inotify: ReopenIfRotated stats every round
  if (watch_ >= 0) ::inotify_rm_watch(inotify_fd_, watch_);
  // A rename (logrotate), an unlink or a rename over it (the link count, IN_ATTRIB).
  watch_ = ::inotify_add_watch(inotify_fd_, path_.c_str(), IN_MOVE_SELF | IN_ATTRIB | IN_DELETE_SELF);
}

bool DecisionLog::MaybeRotated() {
  if (inotify_fd_ < 0 || watch_ < 0) return true;
  alignas(inotify_event) char buf[4096];
  bool any = false;
  for (;;) {
    ssize_t n = ::read(inotify_fd_, buf, sizeof buf);
    if (n > 0) {
      any = true;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return any || (n < 0 && errno != EAGAIN);  // a read error: check the path to be safe
  }
}

Status DecisionLog::ReopenIfRotated() {
  // The inotify watch saw nothing happen to the open file: the path still names it (one
  // non-blocking read instead of a stat() path walk per round). Else compare the inodes.
  if (fd_ >= 0 && !MaybeRotated()) return Status::Ok();
  struct stat st;
  if (fd_ >= 0 && ::stat(path_.c_str(), &st) == 0 && st.st_dev == dev_ && st.st_ino == ino_) {
    return Status::Ok();
  }
  return OpenFile();
}

Status DecisionLog::Reopen() {
  std::lock_guard<std::mutex> lock(file_mu_);
  return OpenFile();
}

Status DecisionLog::WriteAndSync(const std::string& data) {
  REMEDIATOR_RETURN_IF_ERROR(ReopenIfRotated());
  // Leave no half line behind when the write or the sync fails: the caller reports failure
  // for all of these lines, so the `written` bytes at the end (ours: O_APPEND, one writer)
  // are cut off again. (Sized only on failure: no fstat per round.)
  auto cut = [this](size_t written) {
    struct stat st;
    if (written > 0 && ::fstat(fd_, &st) == 0 && st.st_size >= static_cast<off_t>(written)) {
      if (::ftruncate(fd_, st.st_size - static_cast<off_t>(written)) != 0) {
      }
    }
  };
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd_, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      Status err = Errno("write", path_);
      cut(done);
      return err;
    }
    done += static_cast<size_t>(n);
  }
  if (sync_(fd_) != 0) {
    Status err = Errno("fsync", path_);
    cut(done);
    return err;
  }
  return Status::Ok();
}

Status DecisionLog::Append(std::string_view line) {
  std::vector<std::string> lines;
  lines.emplace_back(line);
  return Append(lines);
}

void DecisionLog::AppendAsync(const std::vector<std::string>& lines, DoneCallback done) {
  if (lines.empty()) {
    done(Status::Ok());
    return;
  }
  bool wake_round = false;
  bool wake_linger = false;
  {
    std::lock_guard<std::mutex> lock(queue_mu_);
    for (const std::string& l : lines) {
      queued_ += l;
      queued_ += '\n';
    }
    callbacks_.push_back(std::move(done));
    // One wake-up each: the first line for an idle flusher, the count a lingering one waits for.
    if (holds_ == 0) {
      wake_round = !owned_ && callbacks_.size() == 1;
      wake_linger = lingering_ && callbacks_.size() == linger_until_;
    }
  }
  if (wake_round) round_cv_.notify_one();
  if (wake_linger) linger_cv_.notify_one();
}

void DecisionLog::Hold() {
  std::lock_guard<std::mutex> lock(queue_mu_);
  ++holds_;
}

void DecisionLog::Release() {
  bool wake_round = false;
  bool wake_linger = false;
  {
    std::lock_guard<std::mutex> lock(queue_mu_);
    if (--holds_ == 0 && !callbacks_.empty()) {
      // A lingering flusher only cares once its count is reached or its time is up (else
      // it would wake up after every pass of the caller just to wait again).
      wake_linger = lingering_ && (callbacks_.size() >= linger_until_ || linger_expired_);
      wake_round = !owned_;
    }
  }
  if (wake_round) round_cv_.notify_one();
  if (wake_linger) linger_cv_.notify_one();
}

Status DecisionLog::Append(const std::vector<std::string>& lines) {
  if (lines.empty()) return Status::Ok();
  struct Waiter {
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    Status status;
  } w;
  AppendAsync(lines, [&w](const Status& st) {
    std::lock_guard<std::mutex> lock(w.mu);
    w.status = st;
    w.done = true;
    w.cv.notify_one();  // under the lock: `w` lives on the caller's stack
  });
  std::unique_lock<std::mutex> lock(w.mu);
  w.cv.wait(lock, [&] { return w.done; });
  return w.status;
}

void DecisionLog::FlushLoop() {
  using Clock = std::chrono::steady_clock;
  auto since = [](Clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t).count();
  };
  std::string data;
  std::vector<DoneCallback> callbacks;
  std::unique_lock<std::mutex> lock(queue_mu_);
  for (;;) {
    // Own the next round once there is something to write and the other flusher is not
    // writing or syncing (it may be answering its callers meanwhile).
    round_cv_.wait(lock, [&] {
      return (stopping_ && callbacks_.empty()) ||
             (!owned_ && !callbacks_.empty() && (holds_ == 0 || stopping_));
    });
    if (callbacks_.empty()) return;  // stopping, nothing left
    owned_ = true;
    if (!stopping_ && callbacks_.size() < linger_until_ && Clock::now() < linger_valid_until_) {
      // Under load: wait for the callers of the last round (see the header).
      lingering_ = true;
      auto ready = [&] { return stopping_ || (holds_ == 0 && callbacks_.size() >= linger_until_); };
      if (!linger_cv_.wait_for(lock, std::chrono::nanoseconds(linger_budget_ns_), ready)) {
        linger_expired_ = true;  // time is up; a pass of the caller in progress ends first
        linger_cv_.wait(lock, [&] { return stopping_ || holds_ == 0; });
      }
      lingering_ = false;
      linger_expired_ = false;
    }
    linger_until_ = 0;
    data.swap(queued_);  // the emptied buffers keep their capacity for the next round
    callbacks.swap(callbacks_);
    uint64_t round = ++rounds_taken_;
    lock.unlock();

    Status st;
    auto started = Clock::now();
    int64_t cpu_before = ThreadCpuNs();
    {
      std::lock_guard<std::mutex> file_lock(file_mu_);
      st = WriteAndSync(data);
    }
    int64_t sync_ns = since(started);
    int64_t sync_cpu_ns = ThreadCpuNs() - cpu_before;

    lock.lock();
    // The next round may start on the other flusher while this one answers. Under a steady
    // load this round's callers come back: how many the next round waits for, and how long.
    owned_ = false;
    size_t in_flight = callbacks_.size() + callbacks.size();
    int64_t answer_all_ns = answer_ns_per_caller_ * static_cast<int64_t>(in_flight);
    // Overlapping pays when the answers of one half can hide the other half's sync, and
    // when the sync's CPU time (an extra sync per cycle) is well below the idle wait it
    // saves (half: a margin for the extra round's write, wake-ups and smaller batches).
    if (sync_ns < answer_all_ns && sync_cpu_ns < sync_ns / 2) {  // half, while the others are answered
      linger_until_ = (in_flight + 1) / 2;
      linger_budget_ns_ = std::min<int64_t>(answer_all_ns / 2, 1'000'000);
    } else {  // one sync for all of them
      linger_until_ = in_flight;
      linger_budget_ns_ = std::min<int64_t>(sync_ns / 2, 1'000'000);
    }
    // Only for a round that starts while they can still be on their way back.
    linger_valid_until_ = Clock::now() + std::chrono::nanoseconds(answer_all_ns + 1'000'000);
    if (stopping_) {
      round_cv_.notify_all();  // the other flusher may be waiting to see the queue empty
    } else if (!callbacks_.empty() && holds_ == 0) {
      round_cv_.notify_one();
    }
    // Answer in round order (the other flusher may still be answering the round before).
    answer_cv_.wait(lock, [&] { return rounds_answered_ == round - 1; });
    lock.unlock();

    started = Clock::now();
    for (DoneCallback& cb : callbacks) cb(st);
    int64_t per_caller = since(started) / static_cast<int64_t>(callbacks.size());
    data.clear();
    callbacks.clear();

    lock.lock();
    answer_ns_per_caller_ = answer_ns_per_caller_ == 0 ? per_caller
                                                       : (3 * answer_ns_per_caller_ + per_caller) / 4;
    rounds_answered_ = round;
    answer_cv_.notify_all();
  }
}

}  // namespace remediator::remediation

#include "pipeline/sinks/store_sink.h"

namespace remediator::pipeline::sinks {

StoreSink::~StoreSink() {
  {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !submitted_ || done_; });
    stop_ = true;
  }
  cv_.notify_all();
  if (committer_.joinable()) committer_.join();
}

void StoreSink::Submit(std::span<const LogEntry> batch, std::vector<store::Checkpoint> checkpoints, bool backlog) {
  {
    std::lock_guard lock(mu_);
    batch_ = batch;
    checkpoints_ = std::move(checkpoints);
    backlog_ = backlog;
    submitted_ = true;
    done_ = false;
    if (!committer_.joinable()) committer_ = std::thread([this] { RunCommitter(); });
  }
  cv_.notify_all();
}

bool StoreSink::Done() {
  std::lock_guard lock(mu_);
  return !submitted_ || done_;
}

Status StoreSink::Wait() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return !submitted_ || done_; });
  if (!submitted_) return Status::Ok();
  submitted_ = false;
  done_ = false;
  batch_ = {};
  waited_ticket_ = ticket_;
  return std::move(status_);
}

void StoreSink::RunCommitter() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stop_ || (submitted_ && !done_); });
    if (stop_) return;
    const std::span<const LogEntry> batch = batch_;
    const std::vector<store::Checkpoint> checkpoints = std::move(checkpoints_);
    const bool backlog = backlog_;
    lock.unlock();
    uint64_t ticket = 0;
    Status st = store_.AppendDeferred(batch, checkpoints, ticket, backlog);
    lock.lock();
    status_ = std::move(st);
    ticket_ = ticket;
    done_ = true;
    cv_.notify_all();
  }
}

}  // namespace remediator::pipeline::sinks

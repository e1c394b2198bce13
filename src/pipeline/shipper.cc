#include "pipeline/shipper.h"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "pipeline/config_read.h"
#include "pipeline/glob.h"
#include "pipeline/sinks/store_sink.h"

namespace remediator::pipeline {

Shipper::Shipper(const PromtailConfig& config, std::vector<Sink*> sinks, const Clock& clock,
                 ShipMetrics* metrics, ShipperOptions options)
    : config_(config), sinks_(std::move(sinks)), clock_(clock), metrics_(metrics), options_(std::move(options)) {}

Shipper::~Shipper() {
  // The committer thread may still read the batch in flight, which this object owns.
  if (inflight_ == InFlight::kRunning) (void)options_.store_sink->Wait();
}

Result<std::unique_ptr<Shipper>> Shipper::Create(const PromtailConfig& config, std::vector<Sink*> sinks,
                                                 const Clock& clock, ShipMetrics* metrics,
                                                 ShipperOptions options) {
  // Batch and retry settings: the strictest of the clients, else Promtail's defaults.
  ClientConfig defaults;
  int64_t wait = defaults.batch_wait_ns, size = defaults.batch_size_bytes;
  int64_t rmin = defaults.backoff.min_period_ns, rmax = defaults.backoff.max_period_ns;
  if (!config.clients.empty()) {
    wait = size = rmin = rmax = INT64_MAX;
    for (const ClientConfig& c : config.clients) {
      wait = std::min(wait, c.batch_wait_ns);
      size = std::min(size, c.batch_size_bytes);
      rmin = std::min(rmin, c.backoff.min_period_ns);
      rmax = std::min(rmax, c.backoff.max_period_ns);
    }
  }
  if (options.batch_wait_ns < 0) options.batch_wait_ns = wait;
  if (options.batch_bytes < 0) options.batch_bytes = size;
  if (options.retry_min_ns < 0) options.retry_min_ns = rmin;
  if (options.retry_max_ns < 0) options.retry_max_ns = rmax;
  auto s = std::unique_ptr<Shipper>(new Shipper(config, std::move(sinks), clock, metrics, std::move(options)));
  REMEDIATOR_ASSIGN_OR_RETURN(s->positions_,
                              Positions::Load(config.positions.filename, config.positions.ignore_invalid_yaml));
  if (s->options_.store_sink != nullptr) {
    for (const store::Checkpoint& cp : s->options_.store_sink->Checkpoints()) {
      s->store_checkpoints_[cp.source] = cp.offset;
      if (s->sinks_.size() == 1) {
        s->positions_.Set(cp.source, cp.offset);
        if (!cp.identity.empty()) s->resume_identities_[cp.source] = cp.identity;
      }
    }
    s->async_store_ = s->sinks_.size() == 1 && !s->options_.dry_run;
  }
  for (const ScrapeConfig& sc : s->config_.scrape_configs) {
    StageContext ctx;
    ctx.config = config.ctx;
    ctx.clock = &clock;
    ctx.metrics = metrics;
    ctx.job_name = sc.job_name;
    ctx.throttle = &s->throttle_;
    REMEDIATOR_ASSIGN_OR_RETURN(std::unique_ptr<StagePipeline> p,
                                StagePipeline::Create(ctx, sc.pipeline_stages, sc.stages_path));
    p->SetOutput(s.get());
    s->jobs_.push_back(Job{&sc, std::move(p)});
  }
  s->acked_.assign(s->sinks_.size(), false);
  int64_t now = clock.NowNs();
  s->next_sync_ns_ = now + config.positions.sync_period_ns;
  s->next_rescan_ns_ = now;  // at the first Step
  return s;
}

void Shipper::Rescan() {
  std::set<std::string> seen;
  std::set<std::string> literal;  // targets naming one path: tailed even while missing
  for (size_t j = 0; j < jobs_.size(); ++j) {
    for (const StaticTarget& t : jobs_[j].config->targets) {
      std::vector<std::string> paths;
      if (IsLiteralGlob(t.path_glob)) {
        paths.push_back(t.path_glob);
        literal.insert(t.path_glob);
      } else {
        paths = GlobFiles(t.path_glob);
      }
      for (const std::string& path : paths) {
        if (!t.path_exclude.empty() && GlobMatch(t.path_exclude, path)) continue;
        if (!seen.insert(path).second) continue;  // the first target that matches wins
        if (files_.count(path)) continue;
        int64_t start = positions_.Get(path);
        if (auto id = resume_identities_.find(path); id != resume_identities_.end()) {
          if (start > 0 && !FileTailer::IsFileAt(id->second, path)) start = 0;  // another file now
          resume_identities_.erase(id);
        }
        File f;
        f.tailer = std::make_unique<FileTailer>(path, start, options_.tailer);
        f.job = j;
        f.labels = t.labels;
        SetLabel(f.labels, "filename", path);
        files_.emplace(path, std::move(f));
      }
    }
  }
  // Files that are gone and fully read stop being tailed; their positions go (Promtail's
  // cleanup). A file that still exists but no longer matches is dropped too. A literal
  // path stays: its tailer picks up a file that appears there at its next poll, so a file
  // created and rotated away between two re-scans is not missed.
  for (auto it = files_.begin(); it != files_.end();) {
    bool gone = it->second.tailer->deleted() || !seen.count(it->first);
    if (literal.count(it->first) && seen.count(it->first)) {
      ++it;
    } else if (gone && ::access(it->first.c_str(), F_OK) != 0) {
      positions_.Remove(it->first);
      pending_positions_.erase(it->first);
      it = files_.erase(it);
    } else if (!seen.count(it->first)) {
      it = files_.erase(it);
    } else {
      ++it;
    }
  }
  // A saved position of a file that is not there any more (deleted while we were down) must
  // not be applied to a new file that appears at the path later.
  std::vector<std::string> stale;
  for (const auto& [path, off] : positions_.all()) {
    if (!files_.count(path) && ::access(path.c_str(), F_OK) != 0) stale.push_back(path);
  }
  for (const std::string& path : stale) positions_.Remove(path);
}

void Shipper::OnLine(std::string_view line, bool truncated) {
  if (truncated && metrics_ != nullptr) metrics_->AddTruncated();
  PipelineEntry& e = scratch_;
  // Grown to the line's size plus an eighth (assign would double the buffer): the buffer
  // goes on into a batch slot (Consume), which hands back the one it had.
  // (Cleared first: reserve would copy the previous line into the new buffer.)
  if (line.size() > e.entry.line.capacity()) {
    e.entry.line.clear();
    e.entry.line.reserve(line.size() + line.size() / 8);
  }
  e.entry.line.assign(line);
  e.entry.labels = current_->labels;
  e.entry.timestamp_ns = now_ns_;
  e.entry.structured_metadata.clear();
  e.read_time_ns = now_ns_;
  e.extracted.Clear();
  jobs_[current_->job].pipeline->Process(e);
}

void Shipper::Consume(PipelineEntry& e) {
  if (count_ == entries_.size()) entries_.emplace_back();
  LogEntry& slot = entries_[count_++];
  slot.timestamp_ns = e.entry.timestamp_ns;
  // The line's buffer is taken, and the slot's old one handed back for the next line (no
  // copy), unless the line is much shorter than its buffer (an output stage shortened it):
  // a kept 1 KB buffer per short line would add up, so such a line is copied into a slot
  // of its size plus an eighth. Buffers grow by an eighth, never double (OnLine), so
  // swapping costs little memory. The label sets are taken too (Consume may modify the
  // entry): the slot's old ones are overwritten with the next line's.
  if (e.entry.line.size() * 2 >= e.entry.line.capacity()) {
    slot.line.swap(e.entry.line);
  } else if (e.entry.line.size() > slot.line.capacity() || slot.line.capacity() > 2 * e.entry.line.size() + 64) {
    std::string fitted;
    fitted.reserve(e.entry.line.size() + e.entry.line.size() / 8);
    fitted.assign(e.entry.line);
    slot.line.swap(fitted);
  } else {
    slot.line.assign(e.entry.line);
  }
  slot.labels.swap(e.entry.labels);
  slot.structured_metadata.swap(e.entry.structured_metadata);
  if (count_ == 1) batch_started_ns_ = now_ns_;
  batch_bytes_ += static_cast<int64_t>(slot.line.size());
  ++entries_total_;
  if (options_.print) options_.print(slot);
}

std::map<std::string, int64_t> Shipper::Snapshot() const {
  std::map<std::string, int64_t> m;
  for (const auto& [path, f] : files_) m[path] = f.tailer->position();
  return m;
}

void Shipper::ApplyPositions(const std::map<std::string, int64_t>& snapshot) {
  if (options_.dry_run) return;
  for (const auto& [path, off] : snapshot) {
    if (off < 0) {
      positions_.Remove(path);  // nothing at the path: whatever comes there is read from 0
    } else if (files_.count(path)) {
      positions_.Set(path, off);
    }
  }
}

void Shipper::CutBatch() {
  pending_ = true;
  pending_full_ = BatchFull();
  acked_.assign(sinks_.size(), false);
  pending_positions_ = Snapshot();
  if (inflight_ != InFlight::kFailed) {  // else the backoff of the failed batch goes on
    attempts_ = 0;
    next_attempt_ns_ = now_ns_;
  }
}

std::vector<store::Checkpoint> Shipper::CheckpointsOf(const std::map<std::string, int64_t>& positions) const {
  std::vector<store::Checkpoint> cps;
  cps.reserve(positions.size());
  for (const auto& [path, off] : positions) {
    auto f = files_.find(path);
    cps.push_back(store::Checkpoint{path, f == files_.end() ? "" : f->second.tailer->identity(),
                                    std::max<int64_t>(off, 0)});
  }
  return cps;
}

bool Shipper::SubmitToStore() {
  if (!SettleInFlight(true)) return false;
  ++attempts_;
  entries_.swap(inflight_entries_);
  inflight_count_ = count_;
  inflight_full_ = pending_full_;
  inflight_positions_ = std::move(pending_positions_);
  inflight_checkpoints_ = CheckpointsOf(inflight_positions_);
  options_.store_sink->Submit(std::span<const LogEntry>(inflight_entries_.data(), inflight_count_),
                              inflight_checkpoints_, inflight_full_);
  inflight_ = InFlight::kRunning;
  pending_ = false;
  pending_positions_.clear();
  count_ = 0;
  batch_bytes_ = 0;
  return true;
}

bool Shipper::SettleInFlight(bool wait) {
  if (inflight_ == InFlight::kFailed) {
    if (now_ns_ < next_attempt_ns_) return false;
    ++attempts_;
    options_.store_sink->Submit(std::span<const LogEntry>(inflight_entries_.data(), inflight_count_),
                                inflight_checkpoints_, inflight_full_);
    inflight_ = InFlight::kRunning;
  }
  if (inflight_ == InFlight::kNone) return true;
  if (!wait && !options_.store_sink->Done()) return false;
  const Status st = options_.store_sink->Wait();
  const std::string_view name = options_.store_sink->name();
  if (st.ok() || st.code() == StatusCode::kInvalidArgument) {
    if (st.ok()) {
      if (metrics_ != nullptr) metrics_->AddSent(name, inflight_count_);
    } else {
      inflight_checkpoints_.clear();  // not in the store
      if (metrics_ != nullptr) metrics_->AddDropped(name, inflight_count_);
      fmt::print(stderr, "remediator ship: {} rejected a batch of {} entries: {}\n", name, inflight_count_,
                 st.message());
    }
    // A rejected batch's ticket is the last accepted one: its positions wait for those.
    undurable_.push_back(Undurable{options_.store_sink->ticket(), std::move(inflight_positions_),
                                   std::move(inflight_checkpoints_)});
    ApplyDurable();
    inflight_ = InFlight::kNone;
    inflight_count_ = 0;
    inflight_positions_.clear();
    attempts_ = 0;
    return true;
  }
  inflight_ = InFlight::kFailed;
  if (metrics_ != nullptr) metrics_->AddRetried(name, inflight_count_);
  if (attempts_ == 1 || attempts_ % 10 == 0) {
    fmt::print(stderr, "remediator ship: {} failed, will retry: {}\n", name, st.ToString());
  }
  ScheduleRetry();
  return false;
}

void Shipper::ApplyDurable() {
  const uint64_t durable = options_.store_sink->durable_ticket();
  while (!undurable_.empty() && undurable_.front().ticket <= durable) {
    const Undurable& u = undurable_.front();
    for (const store::Checkpoint& cp : u.checkpoints) store_checkpoints_[cp.source] = cp.offset;
    ApplyPositions(u.positions);
    undurable_.pop_front();
  }
}

Status Shipper::MakeDurable() {
  if (undurable_.empty()) return Status::Ok();
  Status st = options_.store_sink->MakeDurable();
  ApplyDurable();
  return st;
}

void Shipper::ScheduleRetry() {
  int64_t delay = options_.retry_min_ns;
  for (int k = 1; k < attempts_ && delay < options_.retry_max_ns; ++k) delay *= 2;
  next_attempt_ns_ = now_ns_ + std::min(delay, options_.retry_max_ns);
}

bool Shipper::TrySend() {
  if (async_store_) return SubmitToStore();
  std::span<const LogEntry> batch(entries_.data(), count_);
  bool all = true;
  ++attempts_;
  for (size_t i = 0; i < sinks_.size(); ++i) {
    if (acked_[i] || options_.dry_run || count_ == 0) continue;
    Status st;
    if (options_.store_sink != nullptr && static_cast<Sink*>(options_.store_sink) == sinks_[i]) {
      const std::vector<store::Checkpoint> cps = CheckpointsOf(pending_positions_);
      st = options_.store_sink->SendWithCheckpoints(batch, cps);
      if (st.ok()) {
        for (const store::Checkpoint& cp : cps) store_checkpoints_[cp.source] = cp.offset;
      }
    } else {
      st = sinks_[i]->Send(batch);
    }
    if (st.ok()) {
      acked_[i] = true;
      if (metrics_ != nullptr) metrics_->AddSent(sinks_[i]->name(), count_);
    } else if (st.code() == StatusCode::kInvalidArgument) {
      acked_[i] = true;  // rejected for good: dropped, counted, logged
      if (metrics_ != nullptr) metrics_->AddDropped(sinks_[i]->name(), count_);
      fmt::print(stderr, "remediator ship: {} rejected a batch of {} entries: {}\n", sinks_[i]->name(),
                 count_, st.message());
    } else {
      all = false;
      if (metrics_ != nullptr) metrics_->AddRetried(sinks_[i]->name(), count_);
      if (attempts_ == 1 || attempts_ % 10 == 0) {
        fmt::print(stderr, "remediator ship: {} failed, will retry: {}\n", sinks_[i]->name(), st.ToString());
      }
    }
  }
  if (!all) {
    ScheduleRetry();
    return false;
  }
  Commit();
  return true;
}

void Shipper::Commit() {
  ApplyPositions(pending_positions_);
  pending_ = false;
  pending_positions_.clear();
  count_ = 0;
  batch_bytes_ = 0;
}

Status Shipper::SyncPositions() {
  if (options_.dry_run) return Status::Ok();
  return positions_.Save();
}

void Shipper::ReadFile(const std::string& path, File& f) {
  current_ = &f;
  uint64_t lines_before = f.tailer->lines_read();
  size_t n = f.tailer->Poll(*this, options_.read_budget_per_file, now_ns_);
  current_ = nullptr;
  if (n > 0) {
    bytes_read_ += n;
    if (metrics_ != nullptr) metrics_->AddFileRead(path, n, f.tailer->lines_read() - lines_before);
  }
  last_read_ = n;
}

Result<bool> Shipper::Step() {
  now_ns_ = clock_.NowNs();
  bool worked = false;
  if (now_ns_ >= next_rescan_ns_) {
    Rescan();
    last_rescan_ns_ = now_ns_;
    next_rescan_ns_ = now_ns_ + config_.target_sync_period_ns;
  }
  if (pending_ || now_ns_ < throttle_.until_ns()) {
    // Not reading now, but looking: a file that appears at a path and is rotated away
    // before reading resumes is kept open (and read later), not lost.
    for (auto& [path, f] : files_) f.tailer->Refresh();
  }
  if (pending_) {
    if (now_ns_ < next_attempt_ns_) return false;
    worked = true;
    if (!TrySend()) return true;
  }
  if (inflight_ != InFlight::kNone) SettleInFlight(false);  // a commit that ended meanwhile
  for (auto& [path, f] : files_) {
    if (now_ns_ < throttle_.until_ns()) break;  // a limit stage asked to wait
    ReadFile(path, f);
    if (last_read_ > 0) worked = true;
    if (BatchFull()) {
      CutBatch();
      if (!TrySend()) return true;
    }
  }
  for (Job& j : jobs_) j.pipeline->Tick(now_ns_);
  if (count_ > 0 && (BatchFull() || now_ns_ - batch_started_ns_ >= options_.batch_wait_ns)) {
    CutBatch();
    worked = true;
    TrySend();
  } else if (count_ == 0 && !pending_ && inflight_ == InFlight::kNone) {
    // Nothing waits: what was read is all delivered (or dropped by stages), once the store
    // has made it durable.
    REMEDIATOR_RETURN_IF_ERROR(MakeDurable());
    ApplyPositions(Snapshot());
  } else if (!worked && inflight_ == InFlight::kRunning) {
    SettleInFlight(true);  // nothing else to do: let the commit end, so its positions apply
    worked = true;
  }
  if (now_ns_ >= next_sync_ns_) {
    next_sync_ns_ = now_ns_ + config_.positions.sync_period_ns;
    REMEDIATOR_RETURN_IF_ERROR(SyncPositions());
  }
  return worked;
}

Status Shipper::SendPending(int max_attempts) {
  Status last;
  for (int i = 0; (pending_ || inflight_ != InFlight::kNone) && i < max_attempts; ++i) {
    if ((!pending_ || TrySend()) && SettleInFlight(true) && !pending_) return Status::Ok();
    last = Unavailable(fmt::format("a batch of {} entries could not be delivered after {} attempts",
                                   pending_ ? count_ : inflight_count_, i + 1));
    // Wait out the backoff, bounded, in real time (this is the end of a run).
    int64_t wait = std::min<int64_t>(next_attempt_ns_ - now_ns_, kNanosPerSecond);
    if (wait > 0 && i + 1 < max_attempts) ::usleep(static_cast<useconds_t>(wait / 1000));
    now_ns_ = clock_.NowNs();
  }
  return pending_ || inflight_ != InFlight::kNone ? last : Status::Ok();
}

Status Shipper::Flush(int max_attempts) {
  now_ns_ = clock_.NowNs();
  // What is cut goes first: entries read below must not join a batch whose positions are
  // already fixed.
  REMEDIATOR_RETURN_IF_ERROR(SendPending(max_attempts));
  // Catch up with the paths, so the positions saved name the files now at the paths: read
  // files that were rotated away or deleted to their end, notice truncations.
  for (auto& [path, f] : files_) {
    f.tailer->Refresh();
    while (f.tailer->behind()) {
      ReadFile(path, f);
      if (BatchFull()) {
        CutBatch();
        REMEDIATOR_RETURN_IF_ERROR(SendPending(max_attempts));
      }
      if (last_read_ == 0 && f.tailer->behind()) break;  // cannot read: give up on it
    }
  }
  for (Job& j : jobs_) j.pipeline->Close();
  if (count_ > 0) CutBatch();
  REMEDIATOR_RETURN_IF_ERROR(SendPending(max_attempts));
  REMEDIATOR_RETURN_IF_ERROR(MakeDurable());
  ApplyPositions(Snapshot());
  REMEDIATOR_RETURN_IF_ERROR(SyncStoreCheckpoints());
  return SyncPositions();
}

Status Shipper::SyncStoreCheckpoints() {
  if (options_.store_sink == nullptr || options_.dry_run) return Status::Ok();
  // Positions that moved without a batch (lines dropped by stages, files deleted) reach the
  // store's checkpoints too, so a restart from them starts where the positions file would.
  std::map<std::string, int64_t> moved;
  for (const auto& [path, off] : store_checkpoints_) {
    int64_t want = std::max<int64_t>(positions_.Get(path), 0);
    if (want != off) moved[path] = want;
  }
  for (const auto& [path, off] : positions_.all()) {
    if (!store_checkpoints_.count(path) && off > 0) moved[path] = off;
  }
  if (moved.empty()) return Status::Ok();
  const std::vector<store::Checkpoint> cps = CheckpointsOf(moved);
  REMEDIATOR_RETURN_IF_ERROR(options_.store_sink->SendWithCheckpoints({}, cps));
  for (const store::Checkpoint& cp : cps) store_checkpoints_[cp.source] = cp.offset;
  return Status::Ok();
}

Status Shipper::RunOnce(int max_attempts, const std::function<void(const ShipProgress&)>& progress) {
  int failures = 0;
  while (true) {
    REMEDIATOR_ASSIGN_OR_RETURN(bool worked, Step());
    if (progress) progress(this->progress());
    if (pending_) {
      if (++failures >= max_attempts) break;
      int64_t wait = std::min<int64_t>(next_attempt_ns_ - clock_.NowNs(), kNanosPerSecond);
      if (wait > 0) ::usleep(static_cast<useconds_t>(wait / 1000));
      continue;
    }
    if (!worked) break;
  }
  REMEDIATOR_RETURN_IF_ERROR(SendPending(max_attempts));
  // End of input: lines without a final newline count as lines.
  for (auto& [path, f] : files_) {
    current_ = &f;
    uint64_t lines_before = f.tailer->lines_read();
    f.tailer->FlushPartial(*this);
    current_ = nullptr;
    uint64_t flushed = f.tailer->lines_read() - lines_before;
    if (flushed > 0 && metrics_ != nullptr) metrics_->AddFileRead(path, 0, flushed);
  }
  return Flush(max_attempts);
}

ShipProgress Shipper::progress() const {
  ShipProgress p;
  p.bytes_read = bytes_read_;
  p.entries = entries_total_;
  for (const auto& [path, f] : files_) p.bytes_remaining += f.tailer->remaining_bytes();
  return p;
}

int64_t Shipper::NextDeadlineNs() const {
  int64_t d = std::min(next_rescan_ns_, next_sync_ns_);
  if (pending_ || inflight_ == InFlight::kFailed) d = std::min(d, next_attempt_ns_);
  if (throttle_.until_ns() > 0) d = std::min(d, std::max(throttle_.until_ns(), clock_.NowNs()));
  if (count_ > 0) d = std::min(d, batch_started_ns_ + options_.batch_wait_ns);
  return d;
}

Status Shipper::Run(const std::atomic<bool>& stop) {
  int ino = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  std::set<std::string> watched;
  auto watch_dirs = [&] {
    if (ino < 0) return;
    std::set<std::string> dirs;
    for (const ScrapeConfig& sc : config_.scrape_configs) {
      for (const StaticTarget& t : sc.targets) dirs.insert(GlobBaseDir(t.path_glob));
    }
    for (const auto& [path, f] : files_) dirs.insert(DirName(path));
    for (const std::string& d : dirs) {
      if (watched.count(d)) continue;
      if (::inotify_add_watch(ino, d.c_str(), IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM |
                                                  IN_DELETE | IN_CLOSE_WRITE | IN_ATTRIB) >= 0) {
        watched.insert(d);
      }
    }
  };
  Status result;
  while (!stop.load()) {
    Result<bool> worked = Step();
    if (!worked.ok()) {
      result = worked.status();
      break;
    }
    watch_dirs();
    if (*worked) continue;  // more may be waiting
    int64_t wait_ns = std::min(NextDeadlineNs() - clock_.NowNs(), config_.poll_period_ns);
    if (ino < 0) wait_ns = config_.poll_period_ns;  // polling fallback
    int timeout_ms = static_cast<int>(std::clamp<int64_t>(wait_ns / kNanosPerMilli, 1, 1000));
    if (ino >= 0) {
      pollfd pfd{ino, POLLIN, 0};
      if (::poll(&pfd, 1, timeout_ms) > 0) {
        alignas(inotify_event) char buf[4096];
        ssize_t n;
        while ((n = ::read(ino, buf, sizeof(buf))) > 0) {
          for (ssize_t off = 0; off + static_cast<ssize_t>(sizeof(inotify_event)) <= n;) {
            const auto* ev = reinterpret_cast<const inotify_event*>(buf + off);
            // A new name in a watched folder: discover it now, not at the next re-scan.
            // (At most once per poll period: globs with ** walk folders.)
            if ((ev->mask & (IN_CREATE | IN_MOVED_TO)) != 0) {
              next_rescan_ns_ = std::min(next_rescan_ns_, last_rescan_ns_ + config_.poll_period_ns);
            }
            off += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
          }
        }
      }
    } else {
      ::poll(nullptr, 0, timeout_ms);
    }
  }
  if (ino >= 0) ::close(ino);
  Status st = Flush(3);
  return result.ok() ? st : result;
}

}  // namespace remediator::pipeline

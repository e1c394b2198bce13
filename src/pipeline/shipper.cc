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

Shipper::~Shipper() = default;

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
  if (s->options_.store_sink != nullptr && s->sinks_.size() == 1) {
    for (const store::Checkpoint& cp : s->options_.store_sink->Checkpoints()) {
      s->positions_.Set(cp.source, cp.offset);
    }
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
  for (size_t j = 0; j < jobs_.size(); ++j) {
    for (const StaticTarget& t : jobs_[j].config->targets) {
      for (const std::string& path : GlobFiles(t.path_glob)) {
        if (!t.path_exclude.empty() && GlobMatch(t.path_exclude, path)) continue;
        if (!seen.insert(path).second) continue;  // the first target that matches wins
        if (files_.count(path)) continue;
        File f;
        f.tailer = std::make_unique<FileTailer>(path, positions_.Get(path), options_.tailer);
        f.job = j;
        f.labels = t.labels;
        SetLabel(f.labels, "filename", path);
        files_.emplace(path, std::move(f));
      }
    }
  }
  // Files that are gone and fully read stop being tailed; their positions go (Promtail's
  // cleanup). A file that still exists but no longer matches is dropped too.
  for (auto it = files_.begin(); it != files_.end();) {
    bool gone = it->second.tailer->deleted() || !seen.count(it->first);
    if (gone && ::access(it->first.c_str(), F_OK) != 0) {
      positions_.Remove(it->first);
      pending_positions_.erase(it->first);
      it = files_.erase(it);
    } else if (!seen.count(it->first)) {
      it = files_.erase(it);
    } else {
      ++it;
    }
  }
}

void Shipper::OnLine(std::string_view line, bool truncated) {
  if (truncated && metrics_ != nullptr) metrics_->AddTruncated();
  PipelineEntry& e = scratch_;
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
  slot.line.assign(e.entry.line);
  slot.labels = e.entry.labels;
  slot.structured_metadata = e.entry.structured_metadata;
  if (count_ == 1) batch_started_ns_ = now_ns_;
  batch_bytes_ += static_cast<int64_t>(e.entry.line.size());
  ++entries_total_;
  if (options_.print) options_.print(slot);
}

std::map<std::string, int64_t> Shipper::Snapshot() const {
  std::map<std::string, int64_t> m;
  for (const auto& [path, f] : files_) {
    if (!f.tailer->deleted()) m[path] = f.tailer->committed_offset();
  }
  return m;
}

void Shipper::CutBatch() {
  pending_ = true;
  acked_.assign(sinks_.size(), false);
  pending_positions_ = Snapshot();
  attempts_ = 0;
  next_attempt_ns_ = now_ns_;
}

bool Shipper::TrySend() {
  std::span<const LogEntry> batch(entries_.data(), count_);
  bool all = true;
  ++attempts_;
  for (size_t i = 0; i < sinks_.size(); ++i) {
    if (acked_[i] || options_.dry_run || count_ == 0) continue;
    Status st;
    if (options_.store_sink != nullptr && static_cast<Sink*>(options_.store_sink) == sinks_[i]) {
      std::vector<store::Checkpoint> cps;
      cps.reserve(pending_positions_.size());
      for (const auto& [path, off] : pending_positions_) cps.push_back(store::Checkpoint{path, "", off});
      st = options_.store_sink->SendWithCheckpoints(batch, cps);
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
    int64_t delay = options_.retry_min_ns;
    for (int k = 1; k < attempts_ && delay < options_.retry_max_ns; ++k) delay *= 2;
    next_attempt_ns_ = now_ns_ + std::min(delay, options_.retry_max_ns);
    return false;
  }
  Commit();
  return true;
}

void Shipper::Commit() {
  if (!options_.dry_run) {
    for (const auto& [path, off] : pending_positions_) {
      if (files_.count(path)) positions_.Set(path, off);
    }
  }
  pending_ = false;
  pending_positions_.clear();
  count_ = 0;
  batch_bytes_ = 0;
}

Status Shipper::SyncPositions() {
  if (options_.dry_run) return Status::Ok();
  return positions_.Save();
}

Result<bool> Shipper::Step() {
  now_ns_ = clock_.NowNs();
  bool worked = false;
  if (pending_) {
    if (now_ns_ < next_attempt_ns_) return false;
    worked = true;
    if (!TrySend()) return true;
  }
  if (now_ns_ >= next_rescan_ns_) {
    Rescan();
    next_rescan_ns_ = now_ns_ + config_.target_sync_period_ns;
  }
  for (auto& [path, f] : files_) {
    if (now_ns_ < throttle_.until_ns()) break;  // a limit stage asked to wait
    current_ = &f;
    uint64_t lines_before = f.tailer->lines_read();
    size_t n = f.tailer->Poll(*this, options_.read_budget_per_file, now_ns_);
    current_ = nullptr;
    if (n > 0) {
      worked = true;
      bytes_read_ += n;
      if (metrics_ != nullptr) metrics_->AddFileRead(path, n, f.tailer->lines_read() - lines_before);
    }
    if (batch_bytes_ >= options_.batch_bytes) {
      CutBatch();
      if (!TrySend()) return true;
    }
  }
  for (Job& j : jobs_) j.pipeline->Tick(now_ns_);
  if (count_ > 0 && (batch_bytes_ >= options_.batch_bytes || now_ns_ - batch_started_ns_ >= options_.batch_wait_ns)) {
    CutBatch();
    worked = true;
    TrySend();
  } else if (count_ == 0 && !pending_) {
    // Nothing waits: what was read is all delivered (or dropped by stages).
    if (!options_.dry_run) {
      for (const auto& [path, off] : Snapshot()) positions_.Set(path, off);
    }
  }
  if (now_ns_ >= next_sync_ns_) {
    next_sync_ns_ = now_ns_ + config_.positions.sync_period_ns;
    REMEDIATOR_RETURN_IF_ERROR(SyncPositions());
  }
  return worked;
}

Status Shipper::Flush(int max_attempts) {
  now_ns_ = clock_.NowNs();
  for (Job& j : jobs_) j.pipeline->Close();
  if (!pending_ && count_ > 0) CutBatch();
  Status last;
  for (int i = 0; pending_ && i < max_attempts; ++i) {
    if (TrySend()) break;
    last = Unavailable(fmt::format("a batch of {} entries could not be delivered after {} attempts", count_, i + 1));
    // Wait out the backoff, bounded, in real time (Flush is the end of a run).
    int64_t wait = std::min<int64_t>(next_attempt_ns_ - now_ns_, kNanosPerSecond);
    if (wait > 0) ::usleep(static_cast<useconds_t>(wait / 1000));
    now_ns_ = clock_.NowNs();
  }
  if (pending_) return last;
  if (count_ == 0 && !options_.dry_run) {
    for (const auto& [path, off] : Snapshot()) positions_.Set(path, off);
  }
  return SyncPositions();
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
  // End of input: lines without a final newline count as lines.
  for (auto& [path, f] : files_) {
    current_ = &f;
    f.tailer->FlushPartial(*this);
    current_ = nullptr;
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
  if (pending_) d = std::min(d, next_attempt_ns_);
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
        char buf[4096];
        while (::read(ino, buf, sizeof(buf)) > 0) {
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

// ingest: pushes a Traefik JSON access log through a Promtail-style stage pipeline into the
// embedded store, the way `remediator ship --once` would, and reports throughput, CPU,
// peak RSS and the store's size after sealing.
//
//   ingest --file access.log --store DIR [--pipeline bench|seed] [--batch-bytes 1572864]
//          [--batch-entries 1536] [--block-bytes 2097152] [--zstd-level 1] [--seal-threads 2]
//          [--deferred-block-bytes 33554432] [--section-bytes 262144] [--section-buffer-bytes 4194304]
//          [--job traefik-access] [--json-columns 1|0]
//
// --pipeline bench: json (StartUTC, ServiceName) + timestamp (RFC3339Nano) + labels (service)
// --pipeline seed:  the seed's traefik-access job (json of 7 fields, timestamp, labels
//                   method/status/service, output path)
// (both from src/pipeline/seed_stages.h). Two threads: this one reads and runs the stages
// into one batch while a committer thread appends the previous batch (with the checkpoint
// of the file offset it ends at) to the store, so parsing overlaps compression and fsync.
// Batches go in with Store::AppendDeferred, as ship's do: big ones share an open block of
// --deferred-block-bytes of lines, synced once (0: a block and an fdatasync per batch), and a
// stream's lines wait until they reach --section-bytes (at most --section-buffer-bytes of all
// streams wait) to be compressed as one section (0: each batch's at once).
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "pipeline/seed_stages.h"
#include "pipeline/stage_pipeline.h"
#include "store/store.h"

namespace {

using remediator::LogEntry;
using remediator::Status;
using remediator::pipeline::EntryConsumer;
using remediator::pipeline::PipelineEntry;

// Collects what leaves the pipeline into batches and hands each full batch to a committer
// thread, which appends it with its checkpoint; at most one batch is being committed while
// the next one fills. Entry slots are reused: a slot swaps buffers with the pipeline's
// scratch entry, so the steady state allocates nothing per line.
class Batcher final : public EntryConsumer {
 public:
  Batcher(remediator::store::Store& store, size_t batch_bytes, size_t batch_entries)
      : store_(store), batch_bytes_(batch_bytes), batch_entries_(batch_entries), committer_([this] { Run(); }) {}
  ~Batcher() override {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    committer_.join();
  }

  void Consume(PipelineEntry& e) override {
    if (count_ == filling_.size()) filling_.emplace_back();
    LogEntry& slot = filling_[count_++];
    slot.timestamp_ns = e.entry.timestamp_ns;
    // Swap buffers rather than copy, unless the line is much shorter than its buffer (an
    // output stage shortened it): a kept 1 KB buffer per short line would add up.
    if (e.entry.line.size() * 2 >= e.entry.line.capacity()) {
      slot.line.swap(e.entry.line);
    } else {
      slot.line.assign(e.entry.line);
    }
    slot.labels.swap(e.entry.labels);
    slot.structured_metadata.swap(e.entry.structured_metadata);
    bytes_ += slot.line.size();
    ++entries_;
  }
  // Called after each line with the file offset after it: hands the batch over when full.
  Status MaybeFlush(int64_t offset, bool force) {
    if (!force && bytes_ < batch_bytes_ && count_ < batch_entries_) return Status::Ok();
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !busy_; });
    if (!status_.ok()) return status_;
    filling_.swap(committing_);
    committing_count_ = count_;
    committing_offset_ = offset;
    count_ = 0;
    bytes_ = 0;
    busy_ = true;
    cv_.notify_all();
    return Status::Ok();
  }
  // Waits for the batch being committed.
  Status Drain() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !busy_; });
    return status_;
  }
  uint64_t entries() const { return entries_; }

 private:
  void Run() {
    std::unique_lock lock(mu_);
    for (;;) {
      cv_.wait(lock, [&] { return busy_ || stop_; });
      if (!busy_) return;
      lock.unlock();
      std::vector<remediator::store::Checkpoint> cps = {{"bench", "file", committing_offset_}};
      uint64_t ticket = 0;
      Status st =
          store_.AppendDeferred(std::span<const LogEntry>(committing_.data(), committing_count_), cps, ticket);
      lock.lock();
      if (!st.ok() && status_.ok()) status_ = st;
      busy_ = false;
      cv_.notify_all();
    }
  }

  remediator::store::Store& store_;
  const size_t batch_bytes_, batch_entries_;
  std::vector<LogEntry> filling_;  // slots [0, count_) live
  size_t count_ = 0;
  size_t bytes_ = 0;
  uint64_t entries_ = 0;

  std::mutex mu_;
  std::condition_variable cv_;
  bool busy_ = false, stop_ = false;
  Status status_;
  std::vector<LogEntry> committing_;  // owned by the committer while busy_
  size_t committing_count_ = 0;
  int64_t committing_offset_ = 0;
  std::thread committer_;  // last: starts after the members above exist
};

double CpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

long PeakRssKiB() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

}  // namespace

int main(int argc, char** argv) {
  std::string file, dir, pipeline = "bench", job = "traefik-access";
  size_t batch_bytes = 1536 << 10, batch_entries = 1536, block_bytes = 2 << 20, deferred_block_bytes = 32 << 20,
         section_bytes = 256 << 10, section_buffer_bytes = 4 << 20;
  int level = 1, seal_threads = 2;
  bool json_columns = true;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view k = argv[i];
    const char* v = argv[i + 1];
    if (k == "--file") file = v;
    else if (k == "--store") dir = v;
    else if (k == "--pipeline") pipeline = v;
    else if (k == "--job") job = v;
    else if (k == "--batch-bytes") batch_bytes = std::stoul(v);
    else if (k == "--batch-entries") batch_entries = std::stoul(v);
    else if (k == "--block-bytes") block_bytes = std::stoul(v);
    else if (k == "--zstd-level") level = std::stoi(v);
    else if (k == "--seal-threads") seal_threads = std::stoi(v);
    else if (k == "--deferred-block-bytes") deferred_block_bytes = std::stoul(v);
    else if (k == "--section-bytes") section_bytes = std::stoul(v);
    else if (k == "--section-buffer-bytes") section_buffer_bytes = std::stoul(v);
    else if (k == "--json-columns") json_columns = std::string_view(v) != "0";
    else {
      fmt::print(stderr, "ingest: unknown option {}\n", k);
      return 2;
    }
  }
  if (file.empty() || dir.empty() || (pipeline != "bench" && pipeline != "seed")) {
    fmt::print(stderr, "usage: ingest --file FILE --store DIR [--pipeline bench|seed]\n");
    return 2;
  }
  std::filesystem::remove_all(dir);
  remediator::store::StoreOptions opts;
  opts.dir = dir;
  opts.block_bytes = block_bytes;
  opts.zstd_level = level;
  opts.seal_threads = seal_threads;
  opts.deferred_block_bytes = deferred_block_bytes;
  opts.section_bytes = section_bytes;
  opts.section_buffer_bytes = section_buffer_bytes;
  opts.json_columns = json_columns;
  auto store = remediator::store::Store::Open(opts);
  if (!store.ok()) {
    fmt::print(stderr, "ingest: {}\n", store.status().ToString());
    return 1;
  }
  remediator::SystemClock clock;
  remediator::pipeline::StageContext ctx;
  ctx.config.file = "<bench>";
  ctx.clock = &clock;
  ctx.job_name = job;
  auto stages = remediator::pipeline::StagePipeline::FromYaml(
      ctx, pipeline == "seed" ? remediator::pipeline::kSeedTraefikStages : remediator::pipeline::kBenchTraefikStages);
  if (!stages.ok()) {
    fmt::print(stderr, "ingest: {}\n", stages.status().ToString());
    return 1;
  }
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    fmt::print(stderr, "ingest: open {}: {}\n", file, std::strerror(errno));
    return 1;
  }
  const remediator::Labels base = remediator::MakeLabels({{"job", job}, {"filename", file}});
  const auto t0 = std::chrono::steady_clock::now();
  const double cpu0 = CpuSeconds();
  uint64_t lines = 0, bytes = 0, entries = 0;
  {
    Batcher batcher(**store, batch_bytes, batch_entries);
    (*stages)->SetOutput(&batcher);
    std::string buf(1 << 20, '\0');
    size_t have = 0;
    int64_t offset = 0;
    PipelineEntry pe;
    for (;;) {
      const ssize_t n = ::read(fd, buf.data() + have, buf.size() - have);
      if (n < 0) return 1;
      if (n == 0) break;
      have += static_cast<size_t>(n);
      const int64_t read_time = clock.NowNs();  // one read time per chunk, as the tailer has per poll
      size_t start = 0;
      for (;;) {
        const void* nl = std::memchr(buf.data() + start, '\n', have - start);
        if (nl == nullptr) break;
        const size_t end = static_cast<size_t>(static_cast<const char*>(nl) - buf.data());
        pe.entry.line.assign(buf.data() + start, end - start);
        pe.entry.labels = base;
        pe.entry.structured_metadata.clear();
        pe.entry.timestamp_ns = read_time;
        pe.read_time_ns = pe.entry.timestamp_ns;
        pe.extracted.Clear();
        (*stages)->Process(pe);
        ++lines;
        bytes += end - start + 1;
        offset += static_cast<int64_t>(end - start + 1);
        start = end + 1;
        if (auto st = batcher.MaybeFlush(offset, false); !st.ok()) {
          fmt::print(stderr, "ingest: {}\n", st.ToString());
          return 1;
        }
      }
      std::memmove(buf.data(), buf.data() + start, have - start);
      have -= start;
      if (have == buf.size()) buf.resize(buf.size() * 2);  // a line longer than the buffer
    }
    ::close(fd);
    (*stages)->Close();
    Status st = batcher.MaybeFlush(offset, true);
    if (st.ok()) st = batcher.Drain();
    if (!st.ok()) {
      fmt::print(stderr, "ingest: {}\n", st.ToString());
      return 1;
    }
    entries = batcher.entries();
  }
  if (auto st = (*store)->Close(); !st.ok()) {
    fmt::print(stderr, "ingest: {}\n", st.ToString());
    return 1;
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = CpuSeconds() - cpu0;
  const auto stats = (*store)->Stats();
  uint64_t on_disk = 0;
  for (const auto& f : std::filesystem::directory_iterator(dir)) on_disk += f.file_size();
  fmt::print("ingest tool, pipeline {}: {} lines, {:.1f} MB in {:.2f} s wall, {:.2f} CPU-s\n", pipeline, lines,
             static_cast<double>(bytes) / 1e6, wall, cpu);
  fmt::print("  {:.0f} lines/s, {:.1f} MB/s, {:.0f} lines per CPU-second, peak RSS {:.1f} MiB\n",
             static_cast<double>(lines) / wall, static_cast<double>(bytes) / 1e6 / wall,
             static_cast<double>(lines) / cpu, static_cast<double>(PeakRssKiB()) / 1024.0);
  fmt::print("  stored {} entries in {} streams, {} blocks; store {:.1f} MB = 1/{:.1f} of the raw bytes\n", entries,
             stats.streams, stats.blocks, static_cast<double>(on_disk) / 1e6,
             static_cast<double>(bytes) / static_cast<double>(on_disk ? on_disk : 1));
  return 0;
}

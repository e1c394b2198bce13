// ingest: pushes a Traefik JSON access log through a Promtail-style stage pipeline into the
// embedded store, the way `remediator ship --once` would, and reports throughput, CPU,
// peak RSS and the store's size after sealing.
//
//   ingest --file access.log --store DIR [--pipeline bench|seed] [--batch-bytes 1048576]
//          [--block-bytes 4194304] [--zstd-level 1]
//
// --pipeline bench: json (StartUTC, ServiceName) + timestamp (RFC3339Nano) + labels (service)
// --pipeline seed:  the seed's traefik-access job (json of 7 fields, timestamp, labels
//                   method/status/service, output path)
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "pipeline/stage_pipeline.h"
#include "store/store.h"

namespace {

using remediator::LogEntry;
using remediator::MakeLabels;
using remediator::pipeline::EntryConsumer;
using remediator::pipeline::PipelineEntry;

constexpr const char* kBenchStages = R"(
- json:
    expressions:
      StartUTC: StartUTC
      ServiceName: ServiceName
- timestamp:
    source: StartUTC
    format: RFC3339Nano
- labels:
    service: ServiceName
)";

constexpr const char* kSeedStages = R"(
- json:
    expressions:
      timestamp: StartUTC
      method: RequestMethod
      path: RequestPath
      status: DownstreamStatus
      duration: Duration
      service: ServiceName
      client_addr: ClientAddr
- timestamp:
    source: timestamp
    format: RFC3339Nano
- labels:
    method:
    status:
    service:
- output:
    source: path
)";

// Collects what leaves the pipeline and appends it to the store in batches, each with the
// checkpoint of the file offset it covers.
class Batcher final : public EntryConsumer {
 public:
  Batcher(remediator::store::Store& store, size_t batch_bytes) : store_(store), batch_bytes_(batch_bytes) {}
  void Consume(PipelineEntry& e) override {
    bytes_ += e.entry.line.size();
    batch_.push_back(std::move(e.entry));
    ++entries_;
  }
  // Called after each line with the offset after it.
  remediator::Status MaybeFlush(int64_t offset, bool force) {
    // A batch ends at --batch-bytes of lines or 8192 entries, whichever comes first (short
    // lines with their label sets would otherwise make a byte-bounded batch large in memory).
    if (!force && bytes_ < batch_bytes_ && batch_.size() < 8192) return remediator::Status::Ok();
    std::vector<remediator::store::Checkpoint> cps = {{"bench", "file", offset}};
    remediator::Status st = store_.Append(batch_, cps);
    batch_.clear();
    bytes_ = 0;
    return st;
  }
  uint64_t entries() const { return entries_; }

 private:
  remediator::store::Store& store_;
  size_t batch_bytes_;
  std::vector<LogEntry> batch_;
  size_t bytes_ = 0;
  uint64_t entries_ = 0;
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
  std::string file, dir, pipeline = "bench";
  size_t batch_bytes = 1 << 20, block_bytes = 4 << 20;
  int level = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view k = argv[i];
    const char* v = argv[i + 1];
    if (k == "--file") file = v;
    else if (k == "--store") dir = v;
    else if (k == "--pipeline") pipeline = v;
    else if (k == "--batch-bytes") batch_bytes = std::stoul(v);
    else if (k == "--block-bytes") block_bytes = std::stoul(v);
    else if (k == "--zstd-level") level = std::stoi(v);
    else {
      fmt::print(stderr, "ingest: unknown option {}\n", k);
      return 2;
    }
  }
  if (file.empty() || dir.empty()) {
    fmt::print(stderr, "usage: ingest --file FILE --store DIR [--pipeline bench|seed]\n");
    return 2;
  }
  std::filesystem::remove_all(dir);
  remediator::store::StoreOptions opts;
  opts.dir = dir;
  opts.block_bytes = block_bytes;
  opts.zstd_level = level;
  auto store = remediator::store::Store::Open(opts);
  if (!store.ok()) {
    fmt::print(stderr, "ingest: {}\n", store.status().ToString());
    return 1;
  }
  auto yaml = remediator::ParseYaml(pipeline == "seed" ? kSeedStages : kBenchStages, "<bench>");
  if (!yaml.ok()) {
    fmt::print(stderr, "ingest: {}\n", yaml.status().ToString());
    return 1;
  }
  remediator::SystemClock clock;
  remediator::pipeline::StageContext ctx;
  ctx.config.file = "<bench>";
  ctx.clock = &clock;
  ctx.job_name = "traefik";
  auto stages = remediator::pipeline::StagePipeline::Create(ctx, *yaml, "pipeline_stages");
  if (!stages.ok()) {
    fmt::print(stderr, "ingest: {}\n", stages.status().ToString());
    return 1;
  }
  Batcher batcher(**store, batch_bytes);
  (*stages)->SetOutput(&batcher);

  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    fmt::print(stderr, "ingest: open {}: {}\n", file, std::strerror(errno));
    return 1;
  }
  const remediator::Labels base = MakeLabels({{"job", "traefik"}, {"filename", file}});
  const auto t0 = std::chrono::steady_clock::now();
  const double cpu0 = CpuSeconds();
  std::string buf(1 << 20, '\0');
  size_t have = 0;
  int64_t offset = 0;
  uint64_t lines = 0, bytes = 0;
  PipelineEntry pe;
  for (;;) {
    const ssize_t n = ::read(fd, buf.data() + have, buf.size() - have);
    if (n < 0) return 1;
    if (n == 0) break;
    have += static_cast<size_t>(n);
    size_t start = 0;
    for (;;) {
      const void* nl = std::memchr(buf.data() + start, '\n', have - start);
      if (nl == nullptr) break;
      const size_t end = static_cast<size_t>(static_cast<const char*>(nl) - buf.data());
      pe.entry.line.assign(buf.data() + start, end - start);
      pe.entry.labels = base;
      pe.entry.timestamp_ns = clock.NowNs();
      pe.read_time_ns = pe.entry.timestamp_ns;
      pe.extracted = {};
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
  if (auto st = batcher.MaybeFlush(offset, true); !st.ok()) return 1;
  if (auto st = (*store)->Close(); !st.ok()) {
    fmt::print(stderr, "ingest: {}\n", st.ToString());
    return 1;
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = CpuSeconds() - cpu0;
  const auto stats = (*store)->Stats();
  uint64_t on_disk = 0;
  for (const auto& f : std::filesystem::directory_iterator(dir)) on_disk += f.file_size();
  fmt::print("pipeline {}: {} lines, {:.1f} MB in {:.2f} s wall, {:.2f} CPU-s\n", pipeline, lines,
             static_cast<double>(bytes) / 1e6, wall, cpu);
  fmt::print("  {:.0f} lines/s, {:.1f} MB/s, {:.0f} lines per CPU-second, peak RSS {:.1f} MiB\n",
             static_cast<double>(lines) / wall, static_cast<double>(bytes) / 1e6 / wall,
             static_cast<double>(lines) / cpu, static_cast<double>(PeakRssKiB()) / 1024.0);
  fmt::print("  stored {} entries in {} streams, {} blocks; store {:.1f} MB = 1/{:.1f} of the raw bytes\n",
             batcher.entries(), stats.streams, stats.blocks, static_cast<double>(on_disk) / 1e6,
             static_cast<double>(bytes) / static_cast<double>(on_disk ? on_disk : 1));
  return 0;
}

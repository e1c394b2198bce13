// SplitCompactJsonObject speed: ns per line and bytes per second on the first ~20 MB of
// lines of the Traefik bench file (skipped with a message when it is absent), and on a few
// synthetic lines (accepted and rejected).
//   ./build/bench/json_split_bench [--benchmark_filter=...]
// On a busy machine: --benchmark_repetitions=40 --benchmark_min_time=0.01 and read the _min
// rows' per_line (the best repetition; the _min of bytes_per_second is the worst one, so take
// GB/s as bytes/line / per_line).
// Environment: REMEDIATOR_JSON_SPLIT_FILE overrides the file.
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "store/json_split.h"

namespace {

using remediator::store::JsonMember;
using remediator::store::JsonSplitPath;
using remediator::store::SplitCompactJsonObjectWith;

constexpr size_t kFileBytes = size_t{20} << 20;

const std::vector<std::string>& FileLines() {
  static const std::vector<std::string> lines = [] {
    const char* env = std::getenv("REMEDIATOR_JSON_SPLIT_FILE");
    std::ifstream in(env != nullptr ? env : "/tmp/remediator-bench/traefik-1073741824.jsonl");
    std::vector<std::string> out;
    size_t bytes = 0;
    for (std::string line; bytes < kFileBytes && std::getline(in, line);) {
      bytes += line.size();
      out.push_back(std::move(line));
    }
    return out;
  }();
  return lines;
}

// Splits every line of `lines` once per iteration (by the walk state.range(0) names, default
// kAuto); counts ns/line and bytes/s.
void Run(benchmark::State& state, const std::vector<std::string>& lines) {
  const auto path = static_cast<JsonSplitPath>(state.range(0));
  std::vector<JsonMember> members;
  size_t bytes = 0, accepted = 0, member_count = 0;
  for (const std::string& l : lines) bytes += l.size();
  for (auto _ : state) {
    accepted = 0;
    member_count = 0;
    for (const std::string& l : lines) {
      const bool ok = SplitCompactJsonObjectWith(l, members, path);
      accepted += ok;
      member_count += members.size();
      benchmark::DoNotOptimize(members.data());
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
  // CPU time per line, printed with its unit (e.g. 300ns).
  state.counters["per_line"] = benchmark::Counter(static_cast<double>(state.iterations() * lines.size()),
                                                  benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["accepted"] = static_cast<double>(accepted) / static_cast<double>(lines.size());
  state.counters["bytes/line"] = static_cast<double>(bytes) / static_cast<double>(lines.size());
  state.counters["members/line"] = static_cast<double>(member_count) / static_cast<double>(lines.size());
}

void BM_TraefikFile(benchmark::State& state) {
  const std::vector<std::string>& lines = FileLines();
  if (lines.empty()) {
    state.SkipWithError("no bench file: generate /tmp/remediator-bench/traefik-1073741824.jsonl (bench/run-all) "
                        "or set REMEDIATOR_JSON_SPLIT_FILE");
    return;
  }
  Run(state, lines);
}
// The fastest repetition (run with --benchmark_repetitions=N on a busy machine).
double Min(const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); }

// Arg: 0 = kAuto (SplitCompactJsonObject), 1 = the general walk only, 2 = the flat walk only.
BENCHMARK(BM_TraefikFile)->Unit(benchmark::kMillisecond)->Arg(0)->Arg(1)->Arg(2)->ComputeStatistics("min", Min);

// One synthetic line repeated 100 times (in the L2 cache).
void Synthetic(benchmark::State& state, const std::string& line) { Run(state, std::vector<std::string>(100, line)); }

const std::string kTraefik =
    R"({"ClientAddr":"192.168.1.32:30784","ClientHost":"192.168.1.32","ClientPort":"30784","DownstreamContentSize":56720,)"
    R"("DownstreamStatus":200,"Duration":22959588,"OriginContentSize":56720,"OriginDuration":22869055,"OriginStatus":200,)"
    R"("Overhead":90533,"RequestAddr":"auth.home.example.org","RequestContentSize":0,"RequestCount":1,)"
    R"("RequestHost":"auth.home.example.org","RequestMethod":"DELETE","RequestPath":"/api/firstfactor","RequestPort":"-",)"
    R"("RequestProtocol":"HTTP/2.0","RequestScheme":"https","RetryAttempts":0,"RouterName":"websecure-authelia@docker",)"
    R"("ServiceAddr":"10.89.0.27:9091","ServiceName":"authelia@docker","ServiceURL":"http://10.89.0.27:9091",)"
    R"("StartLocal":"2026-01-01T01:00:00.000000465+01:00","StartUTC":"2026-01-01T00:00:00.000000465Z",)"
    R"("TLSCipher":"TLS_AES_128_GCM_SHA256","TLSVersion":"1.3","entryPointName":"websecure","level":"info","msg":"",)"
    R"("request_User-Agent":"Grafana/11.3.1","request_X-Real-Ip":"192.168.1.32","time":"2026-01-01T01:00:00+01:00"})";

void BM_SyntheticTraefik(benchmark::State& state) { Synthetic(state, kTraefik); }
BENCHMARK(BM_SyntheticTraefik)->Arg(0)->ComputeStatistics("min", Min);

// A decision-log-like line: nested objects and arrays, floats, escapes and UTF-8.
void BM_SyntheticNested(benchmark::State& state) {
  Synthetic(state,
            R"({"ts":"2026-01-01T00:00:00Z","rule":"restart-api","alert":{"labels":{"alertname":"HighErrorRate",)"
            R"("service":"api","severity":"page"},"annotations":{"summary":"5xx ratio \u003e 5% \u2014 caf)"
            "\xc3\xa9"
            R"( \"api\""}},"guards":[{"name":"rate_limit","ok":true,"score":0.93},{"name":"cooldown","ok":false,)"
            R"("remaining_s":12.5e0}],"action":{"argv":["systemctl","restart","api"],"exit":0,"took_ms":1532},"dry_run":null})");
}
BENCHMARK(BM_SyntheticNested)->Arg(0)->ComputeStatistics("min", Min);

// The bad-input paths: the Traefik line with a trailing space (walked to the end, then
// rejected) and with a trailing newline (rejected by the byte classes, before the walk).
void BM_SyntheticRejectedSpace(benchmark::State& state) { Synthetic(state, kTraefik + " "); }
BENCHMARK(BM_SyntheticRejectedSpace)->Arg(0)->ComputeStatistics("min", Min);
void BM_SyntheticRejectedNewline(benchmark::State& state) { Synthetic(state, kTraefik + "\n"); }
BENCHMARK(BM_SyntheticRejectedNewline)->Arg(0)->ComputeStatistics("min", Min);

}  // namespace

BENCHMARK_MAIN();

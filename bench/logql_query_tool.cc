// logql_query: times LogQL queries over one file through the engine, for bench/compare-logql.sh.
//
//   logql_query --file PATH --labels '{job="traefik-access"}' --time-field StartUTC
//               --start RFC3339 --end RFC3339 --step 1h [--limit 1000] [--runs 3] QUERY...
//
// Prints one line per query: the median wall time of the runs over one opened source (warm:
// the file mapped, and with --index its full index built first) and MB/s over the file
// size (MB = 10^6 bytes), plus the result size. Then, per query, the end-to-end figure of a
// first query as `remediator query --file` runs it once: open + read + query + unmap,
// median of the runs ("e2e" lines).
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/duration.h"
#include "core/time_format.h"
#include "logql/eval/engine.h"
#include "logql/source/file_source.h"
#include "logql/syntax/parse.h"

using namespace remediator;

static double CpuSeconds() {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

int main(int argc, char** argv) {
  std::string file, labels = "{job=\"traefik-access\"}", time_field = "StartUTC", start, end, step = "1h";
  int64_t limit = 1000;
  int runs = 3;
  bool build_index = false;
  bool check = false;
  std::vector<std::string> queries;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--file") file = next();
    else if (a == "--labels") labels = next();
    else if (a == "--time-field") time_field = next();
    else if (a == "--start") start = next();
    else if (a == "--end") end = next();
    else if (a == "--step") step = next();
    else if (a == "--limit") limit = std::atoll(next().c_str());
    else if (a == "--runs") runs = std::atoi(next().c_str());
    else if (a == "--index") build_index = true;
    else if (a == "--check") check = true;
    else queries.push_back(a);
  }
  auto matchers = logql::syntax::ParseMatchers(labels);
  if (file.empty() || !matchers.ok() || start.empty() || end.empty()) {
    std::fprintf(stderr, "usage: logql_query --file PATH --start T --end T [--labels SEL] [--step D] QUERY...\n");
    return 2;
  }
  std::vector<Label> ls;
  for (const auto& m : *matchers) ls.push_back(Label{m.name(), m.value()});
  auto t0 = std::chrono::steady_clock::now();
  auto source = logql::FileStreamSource::Open({logql::FileStream{file, MakeLabels(ls)}},
                                              logql::FileSourceOptions{time_field, 2});
  if (!source.ok()) {
    std::fprintf(stderr, "logql_query: %s\n", source.status().message().c_str());
    return 1;
  }
  double open_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  double mb = static_cast<double>((*source)->total_bytes()) / 1e6;
  std::printf("open: %.3f s for %.0f MB\n", open_s, mb);
  if (build_index) {
    auto t1 = std::chrono::steady_clock::now();
    uint64_t lines = (*source)->BuildIndex();
    double index_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
    std::printf("full index: %.3f s, %llu lines (%.0f MB/s)\n", index_s, static_cast<unsigned long long>(lines),
                mb / index_s);
  }
  logql::Engine engine(**source);
  auto params_for = [&](const std::string& q) {
    logql::QueryParams p;
    p.query = q;
    p.start_ns = *ParseTimeArg(start);
    p.end_ns = *ParseTimeArg(end);
    p.step_ns = *ParseDuration(step);
    p.limit = limit;
    return p;
  };
  for (const std::string& q : queries) {
    logql::QueryParams p = params_for(q);
    std::vector<double> times, cpus;
    size_t result_size = 0;
    std::string error;
    for (int r = 0; r < runs; ++r) {
      auto t1 = std::chrono::steady_clock::now();
      double c1 = CpuSeconds();
      auto res = engine.Query(p);
      times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count());
      cpus.push_back(CpuSeconds() - c1);
      if (!res.ok()) {
        error = res.status().message();
        break;
      }
      result_size = res->matrix.size() + res->vector.size();
      for (const auto& s : res->streams) result_size += s.entries.size();
    }
    if (!error.empty()) {
      std::printf("%-60.60s  error: %s\n", q.c_str(), error.c_str());
      continue;
    }
    std::sort(times.begin(), times.end());
    std::sort(cpus.begin(), cpus.end());
    double med = times[times.size() / 2];
    double cpu = cpus[cpus.size() / 2];
    std::printf("%-60.60s  %8.3f s  %8.0f MB/s  cpu %6.3f s (%6.0f MB per cpu-s)  (%zu results)\n", q.c_str(), med,
                mb / med, cpu, mb / std::max(cpu, 1e-6), result_size);
  }
  if (check) {
    // Every query once more over a second source whose full index is built first: the
    // answers must be identical.
    logql::FileSourceOptions o{time_field, 2};
    o.max_disorder_ns = -1;
    auto indexed = logql::FileStreamSource::Open({logql::FileStream{file, MakeLabels(ls)}}, o);
    if (!indexed.ok()) return 1;
    (*indexed)->BuildIndex();
    logql::Engine exact(**indexed);
    for (const std::string& q : queries) {
      logql::QueryParams p = params_for(q);
      auto a = engine.Query(p);
      auto b = exact.Query(p);
      bool same = a.ok() && b.ok() && a->streams.size() == b->streams.size() && a->matrix.size() == b->matrix.size();
      for (size_t i = 0; same && i < a->streams.size(); ++i) {
        const auto& x = a->streams[i].entries;
        const auto& y = b->streams[i].entries;
        same = x.size() == y.size() && a->streams[i].labels == b->streams[i].labels;
        for (size_t j = 0; same && j < x.size(); ++j) same = x[j].t_ns == y[j].t_ns && x[j].line == y[j].line;
      }
      for (size_t i = 0; same && i < a->matrix.size(); ++i) {
        const auto& x = a->matrix[i].points;
        const auto& y = b->matrix[i].points;
        same = x.size() == y.size() && a->matrix[i].labels == b->matrix[i].labels;
        for (size_t j = 0; same && j < x.size(); ++j) same = x[j].t_ns == y[j].t_ns && x[j].v == y[j].v;
      }
      std::printf("check %-54.54s  %s\n", q.c_str(), same ? "identical to the full index" : "DIFFERS from the full index");
      if (!same) return 1;
    }
  }
  // End to end: what one `remediator query --file ...` does, from opening the file to
  // releasing it.
  for (size_t qi = 0; qi < queries.size(); ++qi) {
    logql::QueryParams p = params_for(queries[qi]);
    std::vector<double> times, cpus;
    std::string error;
    for (int r = 0; r < runs; ++r) {
      auto t1 = std::chrono::steady_clock::now();
      double c1 = CpuSeconds();
      {
        auto src = logql::FileStreamSource::Open({logql::FileStream{file, MakeLabels(ls)}},
                                                 logql::FileSourceOptions{time_field, 2});
        if (!src.ok()) {
          error = src.status().message();
          break;
        }
        logql::Engine e(**src);
        auto res = e.Query(p);
        if (!res.ok()) {
          error = res.status().message();
          break;
        }
      }
      times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count());
      cpus.push_back(CpuSeconds() - c1);
    }
    if (!error.empty()) {
      std::printf("e2e (%c) error: %s\n", static_cast<char>('a' + qi), error.c_str());
      continue;
    }
    std::sort(times.begin(), times.end());
    std::sort(cpus.begin(), cpus.end());
    double med = times[times.size() / 2];
    double cpu = cpus[cpus.size() / 2];
    std::printf("e2e (%c) open + read + query:  %8.3f s  %8.0f MB/s  cpu %6.3f s (%6.0f MB per cpu-s)\n",
                static_cast<char>('a' + qi), med, mb / med, cpu, mb / std::max(cpu, 1e-6));
  }
  return 0;
}

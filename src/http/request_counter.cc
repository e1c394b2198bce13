#include "http/request_counter.h"

#include <fmt/format.h>

namespace remediator::http {

void RequestCounter::Count(int status) {
  if (status < kFirst || status > kLast) return;
  counts_[status - kFirst].fetch_add(1, std::memory_order_relaxed);
}

uint64_t RequestCounter::Get(int status) const {
  if (status < kFirst || status > kLast) return 0;
  return counts_[status - kFirst].load(std::memory_order_relaxed);
}

void RequestCounter::AppendMetrics(std::string& out, const char* name, const char* help) const {
  fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} counter\n", name, help, name);
  for (int code = kFirst; code <= kLast; ++code) {
    uint64_t n = counts_[code - kFirst].load(std::memory_order_relaxed);
    if (n == 0) continue;
    fmt::format_to(std::back_inserter(out), "{}{{code=\"{}\"}} {}\n", name, code, n);
  }
}

}  // namespace remediator::http

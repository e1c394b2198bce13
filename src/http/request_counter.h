// Webhook requests by HTTP status code, for /metrics. Lock-free; safe from any thread.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

namespace remediator::http {

class RequestCounter {
 public:
  // Counts one answered request; codes outside 100-599 count as 0 ("unknown").
  void Count(int status);
  uint64_t Get(int status) const;
  // Appends `name{code="..."} n` lines (with HELP and TYPE) for every code seen.
  void AppendMetrics(std::string& out, const char* name, const char* help) const;

 private:
  static constexpr int kFirst = 100;
  static constexpr int kLast = 599;
  std::array<std::atomic<uint64_t>, kLast - kFirst + 1> counts_{};
};

}  // namespace remediator::http

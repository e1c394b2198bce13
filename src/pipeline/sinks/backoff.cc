#include "pipeline/sinks/backoff.h"

#include <time.h>

#include <cerrno>
#include <memory>
#include <random>

namespace remediator::pipeline::sinks {

void RealWaiter::Wait(int64_t ns) {
  if (ns <= 0) return;
  timespec ts{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

RandomSource MakeRandomSource() {
  auto rng = std::make_shared<std::mt19937_64>(std::random_device{}());
  return [rng] { return (*rng)(); };
}

int64_t Backoff::Delay(int attempt) const {
  int64_t d = min_;
  for (int i = 0; i < attempt && d < max_; ++i) d = d > max_ / 2 ? max_ : d * 2;
  if (d > max_) d = max_;
  const int64_t half = d / 2;
  const uint64_t span = static_cast<uint64_t>(d - half) + 1;
  return half + static_cast<int64_t>(random_() % span);
}

}  // namespace remediator::pipeline::sinks

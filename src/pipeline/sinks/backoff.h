// Exponential backoff with jitter between retries of one push: the n-th wait (n from 0) is
// drawn uniformly from [d/2, d] where d = min(max_period, min_period * 2^n). Randomness and
// waiting are injected so tests neither sleep nor depend on chance.
#pragma once

#include <cstdint>
#include <functional>

namespace remediator::pipeline::sinks {

// Blocks the calling thread for a while. Production: RealWaiter; tests record the waits.
class Waiter {
 public:
  virtual ~Waiter() = default;
  virtual void Wait(int64_t ns) = 0;
};

class RealWaiter final : public Waiter {
 public:
  void Wait(int64_t ns) override;
};

// Returns uniformly distributed 64-bit values. Must be callable from the sink's thread.
using RandomSource = std::function<uint64_t()>;
// A seeded generator for production use.
RandomSource MakeRandomSource();

class Backoff {
 public:
  Backoff(int64_t min_ns, int64_t max_ns, RandomSource random)
      : min_(min_ns > 0 ? min_ns : 1), max_(max_ns >= min_ ? max_ns : min_), random_(std::move(random)) {}
  // The wait before retry number `attempt` (0 = the first retry).
  int64_t Delay(int attempt) const;

 private:
  int64_t min_, max_;
  RandomSource random_;
};

}  // namespace remediator::pipeline::sinks

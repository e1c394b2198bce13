#include "alerts/fingerprint.h"

#include <cstdint>

#include <fmt/format.h>

namespace remediator::alerts {
namespace {

constexpr uint64_t kFnvOffset = 14695981039346656037ULL;
constexpr uint64_t kFnvPrime = 1099511628211ULL;
constexpr unsigned char kSeparator = 0xFF;

uint64_t Add(uint64_t h, std::string_view s) {
  for (unsigned char c : s) {
    h ^= c;
    h *= kFnvPrime;
  }
  return h;
}
uint64_t AddByte(uint64_t h, unsigned char c) {
  h ^= c;
  h *= kFnvPrime;
  return h;
}

}  // namespace

std::string LabelsFingerprint(const StringMap& labels) {
  uint64_t h = kFnvOffset;
  for (const auto& [name, value] : labels) {  // std::map: already in name order
    h = Add(h, name);
    h = AddByte(h, kSeparator);
    h = Add(h, value);
    h = AddByte(h, kSeparator);
  }
  return fmt::format("{:016x}", h);
}

}  // namespace remediator::alerts

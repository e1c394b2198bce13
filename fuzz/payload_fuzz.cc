// libFuzzer target for alerts::ParsePayload: any input gives a Payload or an error, never a
// crash; a parsed payload always has a fingerprint on every alert.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "alerts/payload.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  remediator::Result<remediator::alerts::Payload> p = remediator::alerts::ParsePayload(body);
  if (p.ok()) {
    for (const auto& a : p->alerts) {
      if (a.fingerprint.empty()) std::abort();
      if (a.status != "firing" && a.status != "resolved") std::abort();
    }
  }
  return 0;
}

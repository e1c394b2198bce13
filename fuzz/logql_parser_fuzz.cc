// libFuzzer target for the LogQL parser: any input must parse or fail cleanly; a query that
// parses must print to text that parses back to the same tree.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "logql/syntax/parse.h"
#include "logql/syntax/print.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace remediator::logql::syntax;
  std::string_view query(reinterpret_cast<const char*>(data), size);
  auto expr = ParseWithoutValidation(query);
  if (!expr.ok()) return 0;
  std::string printed = Print(*expr);
  auto again = ParseWithoutValidation(printed);
  if (!again.ok()) {
    std::fprintf(stderr, "printed form does not parse\nquery:   %.*s\nprinted: %s\nerror:   %s\n",
                 static_cast<int>(size), query.data(), printed.c_str(),
                 again.status().message().c_str());
    std::abort();
  }
  if (!(*again == *expr)) {
    std::fprintf(stderr, "round trip changed the tree\nquery:   %.*s\nprinted: %s\nagain:   %s\n",
                 static_cast<int>(size), query.data(), printed.c_str(), Print(*again).c_str());
    std::abort();
  }
  // Validation must not crash either.
  (void)Parse(query);
  return 0;
}

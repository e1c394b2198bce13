#include "logql/json_projection.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace remediator::logql {
namespace {

struct KeyCase {
  std::string key;  // raw, as between the quotes
  std::vector<std::string> labels;
  bool want;
};

TEST(JsonKeyMayYield, Table) {
  const std::vector<std::string> bc = {"DownstreamStatus", "ServiceName"};
  const std::vector<KeyCase> cases = {
      // Plain keys: kept exactly when named.
      {"ServiceName", bc, true},
      {"DownstreamStatus", bc, true},
      {"Duration", bc, false},
      {"ServiceNam", bc, false},
      {"ServiceNameX", bc, false},
      {"servicename", bc, false},
      {"", {}, true},
      {"Duration", {}, false},
      // Sanitized like the json stage: '-' and other bytes become '_', a leading digit gets
      // a '_', surrounding whitespace goes, one '_' per UTF-8 rune.
      {"request_User-Agent", {"request_User_Agent"}, true},
      {"request_User-Agent", {"request_User"}, false},
      {"request", {"request_User_Agent"}, true},
      {"request_User-Agent", {"request_User_Agen"}, false},
      {"1abc", {"_1abc"}, true},
      {"1abc", {"1abc"}, false},
      {" ServiceName\t", bc, true},
      {"a.b", {"a_b"}, true},
      {"caf\xc3\xa9", {"caf_"}, true},
      {"caf\xc3\xa9", {"cafe", "caf"}, false},
      // A nested object flattens to s_child; a name taken by a stream label gets _extracted.
      {"request", {"request_Host"}, true},
      {"request", {"requestHost"}, false},
      {"req-uest", {"req_uest_Host"}, true},
      {"job", {"job_extracted"}, true},
      {"job", {"job"}, true},
      {"jo", {"job_extracted"}, false},
      // Escapes: the stage unescapes before sanitizing, so always kept.
      {"Service\\u004eame", bc, true},
      {"x\\\"y", {"z"}, true},
      // Keys that sanitize to nothing: an empty key's nested members have no prefix.
      {"", bc, true},
      {"  ", bc, true},
  };
  for (const KeyCase& c : cases) {
    EXPECT_EQ(JsonKeyMayYield(c.key, c.labels), c.want) << "key '" << c.key << "'";
  }
}

}  // namespace
}  // namespace remediator::logql

#include "logql/regex_expand.h"

#include <algorithm>
#include <charconv>

namespace remediator::logql {

void AppendRegexExpand(std::string& out, std::string_view tmpl, const RE2& re, const re2::StringPiece* groups,
                       int ngroups) {
  while (!tmpl.empty()) {
    size_t d = tmpl.find('$');
    if (d == std::string_view::npos) break;
    out.append(tmpl.substr(0, d));
    tmpl.remove_prefix(d + 1);
    if (!tmpl.empty() && tmpl[0] == '$') {
      out += '$';
      tmpl.remove_prefix(1);
      continue;
    }
    bool brace = !tmpl.empty() && tmpl[0] == '{';
    std::string_view rest = brace ? tmpl.substr(1) : tmpl;
    size_t i = 0;
    while (i < rest.size() && (std::isalnum(static_cast<unsigned char>(rest[i])) || rest[i] == '_')) ++i;
    if (i == 0 || (brace && (i >= rest.size() || rest[i] != '}'))) {
      out += '$';
      continue;
    }
    std::string_view name = rest.substr(0, i);
    tmpl = rest.substr(i + (brace ? 1 : 0));
    // A name of digits is a group number (Go's strconv.Atoi); anything else a group name.
    int num = -1;
    auto [p, ec] = std::from_chars(name.data(), name.data() + name.size(), num);
    if (ec != std::errc() || p != name.data() + name.size()) {
      num = -1;
      auto it = re.NamedCapturingGroups().find(std::string(name));
      if (it != re.NamedCapturingGroups().end()) num = it->second;
    }
    if (num >= 0 && num < ngroups && groups[num].data() != nullptr) out.append(groups[num].data(), groups[num].size());
  }
  out.append(tmpl);
}

}  // namespace remediator::logql

#include "logql/syntax/stage_checks.h"

#include <map>
#include <set>

#include <fmt/format.h>
#include <re2/re2.h>

namespace remediator::logql::syntax {
namespace {

bool IsNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }

}  // namespace

bool IsValidLabelName(std::string_view name) {
  if (name.empty() || !IsNameStart(name[0])) return false;
  for (char c : name) {
    if (!IsNameChar(c)) return false;
  }
  return true;
}

std::vector<PatternNode> SplitPattern(std::string_view pattern) {
  std::vector<PatternNode> nodes;
  auto add_literal = [&](std::string_view text) {
    if (text.empty()) return;
    if (!nodes.empty() && !nodes.back().is_capture) {
      nodes.back().text.append(text);
    } else {
      nodes.push_back(PatternNode{false, std::string(text)});
    }
  };
  size_t i = 0;
  while (i < pattern.size()) {
    if (pattern[i] == '<' && i + 1 < pattern.size() && IsNameStart(pattern[i + 1])) {
      size_t j = i + 1;
      while (j < pattern.size() && IsNameChar(pattern[j])) ++j;
      if (j < pattern.size() && pattern[j] == '>') {
        nodes.push_back(PatternNode{true, std::string(pattern.substr(i + 1, j - i - 1))});
        i = j + 1;
        continue;
      }
    }
    add_literal(pattern.substr(i, 1));
    ++i;
  }
  return nodes;
}

Status CheckPatternParser(std::string_view pattern) {
  std::vector<PatternNode> nodes = SplitPattern(pattern);
  std::vector<std::string> names;
  for (const PatternNode& n : nodes) {
    if (n.is_capture && n.text != "_") names.push_back(n.text);
  }
  if (names.empty()) return InvalidArgument("at least one capture is required");
  // Loki checks the pairs (0,1), (2,3), ... only; we keep its behaviour.
  for (size_t i = 0; i + 1 < nodes.size(); i += 2) {
    if (nodes[i].is_capture && nodes[i + 1].is_capture) {
      return InvalidArgument(
          fmt::format("found consecutive capture '<{}>': invalid expression", nodes[i + 1].text));
    }
  }
  std::set<std::string> seen;
  for (const std::string& n : names) {
    if (!seen.insert(n).second) {
      return InvalidArgument(fmt::format("duplicate capture name ({}): invalid expression", n));
    }
  }
  return Status::Ok();
}

Status CheckRegexpParser(const std::string& regex) {
  re2::RE2 re(regex, re2::RE2::Quiet);
  if (!re.ok()) return InvalidArgument("error parsing regexp: " + re.error());
  if (re.NumberOfCapturingGroups() == 0) {
    return InvalidArgument("at least one named capture must be supplied");
  }
  const std::map<std::string, int>& named = re.NamedCapturingGroups();
  if (named.empty()) return InvalidArgument("at least one named capture must be supplied");
  for (const auto& [name, index] : named) {
    if (!IsValidLabelName(name)) {
      return InvalidArgument(fmt::format("invalid extracted label name '{}'", name));
    }
  }
  return Status::Ok();
}

}  // namespace remediator::logql::syntax

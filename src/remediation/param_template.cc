#include "remediation/param_template.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace remediator::remediation {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> SplitPipes(std::string_view s) {
  std::vector<std::string_view> out;
  bool in_quote = false;
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '"' && (i == 0 || s[i - 1] != '\\')) in_quote = !in_quote;
    if (s[i] == '|' && !in_quote) {
      out.push_back(Trim(s.substr(start, i - start)));
      start = i + 1;
    }
  }
  out.push_back(Trim(s.substr(start)));
  return out;
}

bool IsIdent(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  }
  return true;
}

}  // namespace

Result<ParamTemplate::Part> ParamTemplate::ParseAction(std::string_view action) {
  std::vector<std::string_view> pipes = SplitPipes(action);
  Part part;
  std::string_view head = pipes[0];
  auto bad = [&](std::string_view why) {
    return InvalidArgument(fmt::format("template action '{{{{{}}}}}': {}", action, why));
  };
  if (head.starts_with("index ")) {
    std::string_view rest = Trim(head.substr(6));
    if (rest.starts_with(".Labels ")) {
      part.source = Source::kLabel;
      rest = Trim(rest.substr(8));
    } else if (rest.starts_with(".Annotations ")) {
      part.source = Source::kAnnotation;
      rest = Trim(rest.substr(13));
    } else {
      return bad("index takes .Labels or .Annotations");
    }
    if (rest.size() < 2 || rest.front() != '"' || rest.back() != '"') {
      return bad("index needs a double-quoted key");
    }
    part.text.assign(rest.substr(1, rest.size() - 2));
  } else if (head.starts_with(".Labels.")) {
    part.source = Source::kLabel;
    part.text.assign(head.substr(8));
    if (!IsIdent(part.text)) return bad("expected a label name after .Labels.");
  } else if (head.starts_with(".Annotations.")) {
    part.source = Source::kAnnotation;
    part.text.assign(head.substr(13));
    if (!IsIdent(part.text)) return bad("expected an annotation name after .Annotations.");
  } else if (head == ".Status") {
    part.source = Source::kStatus;
  } else if (head == ".Fingerprint") {
    part.source = Source::kFingerprint;
  } else if (head == ".GeneratorURL") {
    part.source = Source::kGeneratorUrl;
  } else {
    return bad(
        "supported: .Labels.x, .Annotations.x, index .Labels \"x\", .Status, .Fingerprint, "
        ".GeneratorURL");
  }
  for (size_t i = 1; i < pipes.size(); ++i) {
    if (pipes[i] == "toLower") {
      part.funcs.push_back(Func::kToLower);
    } else if (pipes[i] == "toUpper") {
      part.funcs.push_back(Func::kToUpper);
    } else if (pipes[i] == "trimSpace") {
      part.funcs.push_back(Func::kTrimSpace);
    } else {
      return bad(fmt::format("unknown function '{}' (toLower, toUpper, trimSpace)", pipes[i]));
    }
  }
  return part;
}

Result<ParamTemplate> ParamTemplate::Parse(std::string_view text) {
  ParamTemplate t;
  size_t i = 0;
  while (i < text.size()) {
    size_t open = text.find("{{", i);
    if (open == std::string_view::npos) {
      t.parts_.push_back(Part{Source::kLiteral, std::string(text.substr(i)), {}});
      break;
    }
    if (open > i) t.parts_.push_back(Part{Source::kLiteral, std::string(text.substr(i, open - i)), {}});
    size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      return InvalidArgument(fmt::format("template '{}': unclosed '{{{{' at {}", text, open + 1));
    }
    std::string_view action = text.substr(open + 2, close - open - 2);
    // Go's trim markers "{{- " and " -}}" only trim template whitespace; accept and ignore.
    if (action.starts_with("- ")) action.remove_prefix(2);
    if (action.ends_with(" -")) action.remove_suffix(2);
    Result<Part> part = ParseAction(Trim(action));
    if (!part.ok()) {
      return InvalidArgument(fmt::format("template '{}': {}", text, part.status().message()));
    }
    t.parts_.push_back(std::move(part).value());
    i = close + 2;
  }
  return t;
}

std::string ParamTemplate::Render(const alerts::Alert& alert) const {
  std::string out;
  for (const Part& p : parts_) {
    std::string v;
    switch (p.source) {
      case Source::kLiteral:
        v = p.text;
        break;
      case Source::kLabel: {
        auto it = alert.labels.find(p.text);
        if (it != alert.labels.end()) v = it->second;
        break;
      }
      case Source::kAnnotation: {
        auto it = alert.annotations.find(p.text);
        if (it != alert.annotations.end()) v = it->second;
        break;
      }
      case Source::kStatus:
        v = alert.status;
        break;
      case Source::kFingerprint:
        v = alert.fingerprint;
        break;
      case Source::kGeneratorUrl:
        v = alert.generator_url;
        break;
    }
    for (Func f : p.funcs) {
      switch (f) {
        case Func::kToLower:
          std::transform(v.begin(), v.end(), v.begin(),
                         [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
          break;
        case Func::kToUpper:
          std::transform(v.begin(), v.end(), v.begin(),
                         [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
          break;
        case Func::kTrimSpace:
          v = std::string(Trim(v));
          break;
      }
    }
    out += v;
  }
  return out;
}

}  // namespace remediator::remediation

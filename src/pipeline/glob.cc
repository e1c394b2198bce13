#include "pipeline/glob.h"

#include <dirent.h>
#include <fnmatch.h>
#include <sys/stat.h>

#include <algorithm>

namespace remediator::pipeline {

namespace {

std::string JoinPath(const std::string& dir, std::string_view name) {
  std::string out;
  out.reserve(dir.size() + name.size() + 1);
  out.append(dir);
  if (out.empty() || out.back() != '/') out.push_back('/');
  out.append(name.data(), name.size());
  return out;
}

bool HasMeta(std::string_view s) { return s.find_first_of("*?[{") != std::string_view::npos; }

std::vector<std::string_view> Split(std::string_view p) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i <= p.size()) {
    size_t j = p.find('/', i);
    if (j == std::string_view::npos) j = p.size();
    if (j > i) out.push_back(p.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

// Expands {a,b} alternatives in one segment.
void ExpandBraces(std::string_view seg, std::vector<std::string>& out) {
  size_t open = seg.find('{');
  if (open == std::string_view::npos) {
    out.emplace_back(seg);
    return;
  }
  int depth = 0;
  size_t close = std::string_view::npos;
  std::vector<size_t> commas;
  for (size_t i = open; i < seg.size(); ++i) {
    if (seg[i] == '{') ++depth;
    if (seg[i] == '}' && --depth == 0) {
      close = i;
      break;
    }
    if (seg[i] == ',' && depth == 1) commas.push_back(i);
  }
  if (close == std::string_view::npos) {
    out.emplace_back(seg);
    return;
  }
  size_t start = open + 1;
  commas.push_back(close);
  for (size_t c : commas) {
    std::string alt = std::string(seg.substr(0, open)) + std::string(seg.substr(start, c - start)) +
                      std::string(seg.substr(close + 1));
    ExpandBraces(alt, out);
    start = c + 1;
  }
}

bool SegMatch(std::string_view pat, std::string_view name) {
  std::vector<std::string> alts;
  ExpandBraces(pat, alts);
  std::string n(name);
  for (const std::string& a : alts) {
    if (fnmatch(a.c_str(), n.c_str(), FNM_PERIOD) == 0) return true;
  }
  return false;
}

bool MatchSegs(const std::vector<std::string_view>& p, size_t pi, const std::vector<std::string_view>& s,
               size_t si) {
  if (pi == p.size()) return si == s.size();
  if (p[pi] == "**") {
    for (size_t k = si; k <= s.size(); ++k) {
      if (MatchSegs(p, pi + 1, s, k)) return true;
    }
    return false;
  }
  if (si == s.size()) return false;
  return SegMatch(p[pi], s[si]) && MatchSegs(p, pi + 1, s, si + 1);
}

void Walk(const std::string& dir, const std::vector<std::string_view>& segs, size_t i,
          std::vector<std::string>& out, int depth) {
  if (depth > 64) return;
  if (i == segs.size()) return;
  std::string_view seg = segs[i];
  bool last = i + 1 == segs.size();
  if (!HasMeta(seg)) {
    std::string next = JoinPath(dir, seg);
    struct stat st {};
    if (::stat(next.c_str(), &st) != 0) return;
    if (last) {
      if (S_ISREG(st.st_mode)) out.push_back(next);
    } else if (S_ISDIR(st.st_mode)) {
      Walk(next, segs, i + 1, out, depth + 1);
    }
    return;
  }
  DIR* d = ::opendir(dir.empty() ? "." : dir.c_str());
  if (d == nullptr) return;
  std::vector<std::pair<std::string, bool>> entries;  // name, is_dir
  while (dirent* ent = ::readdir(d)) {
    std::string name = ent->d_name;
    if (name == "." || name == "..") continue;
    std::string full = JoinPath(dir, name);
    struct stat st {};
    if (::stat(full.c_str(), &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      entries.emplace_back(name, true);
    } else if (S_ISREG(st.st_mode)) {
      entries.emplace_back(name, false);
    }
  }
  ::closedir(d);
  for (const auto& [name, is_dir] : entries) {
    std::string full = JoinPath(dir, name);
    if (seg == "**") {
      // ** matches zero folders (try the rest here) or one more (descend, keep **).
      if (is_dir) Walk(full, segs, i, out, depth + 1);
      continue;
    }
    if (!SegMatch(seg, name)) continue;
    if (last) {
      if (!is_dir) out.push_back(full);
    } else if (is_dir) {
      Walk(full, segs, i + 1, out, depth + 1);
    }
  }
  if (seg == "**") Walk(dir, segs, i + 1, out, depth + 1);  // zero folders
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view path) {
  return MatchSegs(Split(pattern), 0, Split(path), 0);
}

std::vector<std::string> GlobFiles(const std::string& pattern) {
  std::vector<std::string_view> segs = Split(pattern);
  std::vector<std::string> out;
  std::string root = !pattern.empty() && pattern[0] == '/' ? "/" : ".";
  Walk(root, segs, 0, out, 0);
  if (root == ".") {
    for (std::string& p : out) {
      if (p.rfind("./", 0) == 0) p.erase(0, 2);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

bool IsLiteralGlob(std::string_view pattern) { return !HasMeta(pattern); }

std::string GlobBaseDir(const std::string& pattern) {
  std::vector<std::string_view> segs = Split(pattern);
  bool absolute = !pattern.empty() && pattern[0] == '/';
  std::string base = absolute ? "/" : ".";
  for (size_t i = 0; i + 1 < segs.size(); ++i) {
    if (HasMeta(segs[i])) break;
    base = JoinPath(base, segs[i]);
  }
  return base;
}

}  // namespace remediator::pipeline

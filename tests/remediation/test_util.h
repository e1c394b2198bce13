// Helpers shared by the remediation tests: temp folders, files, configs and payloads.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "alerts/payload.h"
#include "core/clock.h"
#include "remediation/config.h"

namespace remediator::remediation::testing {

class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/remediator-test-XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    path_ = ::mkdtemp(buf.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string operator/(std::string_view name) const {
    std::string out;
    out.reserve(path_.size() + 1 + name.size());
    out.append(path_).push_back('/');
    out.append(name);
    return out;
  }

 private:
  std::string path_;
};

inline void WriteFile(const std::string& path, const std::string& content, bool executable = false) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
  if (executable) ::chmod(path.c_str(), 0755);
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::vector<std::string> ReadLines(const std::string& path) {
  std::vector<std::string> lines;
  std::istringstream in(ReadFile(path));
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

// Parses a config from text with `dir` as its folder; fails the test on error.
inline Config MustConfig(const std::string& yaml, const std::string& dir) {
  Result<Config> cfg = ParseConfig(yaml, dir + "/remediator.yml", dir);
  EXPECT_TRUE(cfg.ok()) << cfg.status().ToString();
  return cfg.ok() ? std::move(cfg).value() : Config{};
}

inline alerts::Alert MakeAlert(std::map<std::string, std::string> labels, int64_t starts_at_ns,
                               std::string status = "firing") {
  alerts::Alert a;
  a.status = std::move(status);
  a.labels.insert(labels.begin(), labels.end());
  a.starts_at_ns = starts_at_ns;
  a.ends_at_ns = INT64_MIN;
  std::string fp;
  for (const auto& [k, v] : a.labels) fp += k + "=" + v + ",";
  a.fingerprint = std::to_string(std::hash<std::string>()(fp));
  return a;
}

inline alerts::Payload MakePayload(std::vector<alerts::Alert> alerts) {
  alerts::Payload p;
  p.version = "4";
  p.status = "firing";
  p.alerts = std::move(alerts);
  return p;
}

// A fixed start time for fake clocks: 2026-01-01T00:00:00Z.
inline constexpr int64_t kT0 = 1767225600LL * kNanosPerSecond;

}  // namespace remediator::remediation::testing

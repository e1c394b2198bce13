#include "pipeline/positions.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "core/json_writer.h"
#include "core/yaml_config.h"
#include "pipeline/config_read.h"

namespace remediator::pipeline {

Result<Positions> Positions::Load(const std::string& path, bool ignore_invalid) {
  Positions p;
  p.path_ = path;
  if (::access(path.c_str(), F_OK) != 0) return p;
  Result<YAML::Node> root = LoadYamlFile(path);
  auto invalid = [&](std::string why) -> Result<Positions> {
    if (ignore_invalid) {
      p.offsets_.clear();
      return p;
    }
    return DataLoss(fmt::format("{}: invalid positions file: {} (set positions.ignore_invalid_yaml to start over)", path, why));
  };
  if (!root.ok()) return invalid(root.status().message());
  if (root->IsNull()) return p;
  if (!root->IsMap()) return invalid("not a map");
  for (auto it = root->begin(); it != root->end(); ++it) {
    if (!it->first.IsScalar() || it->first.Scalar() != "positions") {
      return invalid(fmt::format("unknown key at line {}", it->first.Mark().line + 1));
    }
  }
  YAML::Node m = (*root)["positions"];
  if (m.IsNull()) return p;
  if (!m.IsMap()) return invalid("positions is not a map");
  for (auto it = m.begin(); it != m.end(); ++it) {
    if (!it->first.IsScalar() || !it->second.IsScalar()) return invalid("entries must be strings");
    const std::string& v = it->second.Scalar();
    int64_t off = 0;
    auto r = std::from_chars(v.data(), v.data() + v.size(), off);
    if (r.ec != std::errc() || r.ptr != v.data() + v.size() || off < 0) {
      // Promtail keeps cursor-/journal- entries of other targets; we keep unknown ones out.
      continue;
    }
    p.offsets_[it->first.Scalar()] = off;
  }
  return p;
}

int64_t Positions::Get(const std::string& file) const {
  auto it = offsets_.find(file);
  return it == offsets_.end() ? -1 : it->second;
}

void Positions::Set(const std::string& file, int64_t offset) {
  auto [it, inserted] = offsets_.try_emplace(file, offset);
  if (inserted || it->second != offset) {
    it->second = offset;
    dirty_ = true;
  }
}

void Positions::Remove(const std::string& file) {
  if (offsets_.erase(file) > 0) dirty_ = true;
}

std::string Positions::Serialize() const {
  std::string out = "positions:\n";
  for (const auto& [file, off] : offsets_) {
    out += "  ";
    AppendJsonString(out, file);  // a JSON string is a valid YAML double-quoted scalar
    out += fmt::format(": \"{}\"\n", off);
  }
  return out;
}

Status Positions::Save() {
  if (!dirty_) return Status::Ok();
  REMEDIATOR_RETURN_IF_ERROR(WriteFileAtomically(path_, Serialize(), 0600));
  dirty_ = false;
  return Status::Ok();
}

Status WriteFileAtomically(const std::string& path, std::string_view data, int mode) {
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Unavailable(fmt::format("{}: open: {}", tmp, std::strerror(errno)));
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return Unavailable(fmt::format("{}: write: {}", tmp, std::strerror(err)));
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    int err = errno;
    ::close(fd);
    return Unavailable(fmt::format("{}: fsync: {}", tmp, std::strerror(err)));
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    return Unavailable(fmt::format("{}: rename: {}", path, std::strerror(errno)));
  }
  int dfd = ::open(DirName(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return Status::Ok();
}

}  // namespace remediator::pipeline

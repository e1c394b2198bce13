// The positions file: how far each tailed file has been shipped. Promtail's format (see
// docs/formats/positions.md):
//
//   positions:
//     "/var/log/syslog": "1234567"
//
// Offsets are byte offsets of the next line to read, written as decimal strings. Saved
// atomically: temp file, fsync, rename, fsync of the folder. Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "core/status.h"

namespace remediator::pipeline {

class Positions {
 public:
  // Reads `path`; a missing file is an empty set. Invalid YAML is an error unless
  // `ignore_invalid` (then the set starts empty).
  static Result<Positions> Load(const std::string& path, bool ignore_invalid);

  // The saved offset of `file`, or -1.
  int64_t Get(const std::string& file) const;
  void Set(const std::string& file, int64_t offset);
  void Remove(const std::string& file);
  const std::map<std::string, int64_t>& all() const { return offsets_; }
  bool dirty() const { return dirty_; }

  // Writes the file atomically (no-op when nothing changed since the last Save).
  Status Save();
  // The file's bytes, for tests and for Save.
  std::string Serialize() const;

 private:
  std::string path_;
  std::map<std::string, int64_t> offsets_;
  bool dirty_ = false;
};

// Writes `data` to `path` atomically: `path.tmp`, fsync, rename over `path`, fsync the folder.
Status WriteFileAtomically(const std::string& path, std::string_view data, int mode);

}  // namespace remediator::pipeline

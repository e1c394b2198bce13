// The few POSIX file operations the store needs, as Status-returning functions.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace remediator::store {

// An append-only file descriptor. Not thread-safe. Closes on destruction.
class AppendFile {
 public:
  AppendFile() = default;
  ~AppendFile();
  AppendFile(const AppendFile&) = delete;
  AppendFile& operator=(const AppendFile&) = delete;

  // Opens (creating when absent) for appending at `size` (the file is truncated there).
  Status Open(const std::string& path, uint64_t size);
  Status Append(std::string_view data);
  // Cuts the file back to `size` (at most size()) and appends from there.
  Status TruncateTo(uint64_t size);
  Status Sync();  // fdatasync
  // Starts writing back what was appended since the last call, without waiting
  // (sync_file_range WRITE), so a later Sync has little left to wait for. Best effort.
  void StartWriteback();
  void Close();
  bool is_open() const { return fd_ >= 0; }
  uint64_t size() const { return size_; }

 private:
  int fd_ = -1;
  uint64_t size_ = 0;
  uint64_t writeback_from_ = 0;  // StartWriteback's next start
  std::string path_;
};

Result<std::string> ReadWholeFile(const std::string& path);
// Writes `data` to path + ".tmp", fsyncs, renames over `path`, fsyncs the folder.
Status WriteFileAtomically(const std::string& path, std::string_view data);
Status SyncDir(const std::string& dir);
Status RemoveFile(const std::string& path);
// File names (not paths) in `dir`.
Result<std::vector<std::string>> ListDir(const std::string& dir);
Status MakeDirs(const std::string& dir);

// A read-only descriptor shared by readers (pread is thread-safe). Closes on destruction.
class ReadFile {
 public:
  ~ReadFile();
  static Result<std::unique_ptr<ReadFile>> Open(const std::string& path);
  // Reads exactly n bytes at offset into out.
  Status ReadAt(uint64_t offset, size_t n, std::string& out) const;
  uint64_t size() const { return size_; }
  // The descriptor, e.g. to map the file (it stays owned by this object).
  int fd() const { return fd_; }

 private:
  ReadFile(int fd, uint64_t size, std::string path) : fd_(fd), size_(size), path_(std::move(path)) {}
  int fd_;
  uint64_t size_;
  std::string path_;
};

}  // namespace remediator::store

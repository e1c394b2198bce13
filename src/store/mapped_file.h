// A read-only memory map of a whole immutable file (a sealed block), for readers that
// would otherwise pread the same page-cache bytes into a buffer of their own.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace remediator::store {

class MappedFile {
 public:
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  // Maps the first `size` bytes of `path` (which must not shrink while mapped: sealed blocks
  // are only ever renamed or unlinked, and an unlinked file stays mapped).
  static Result<std::unique_ptr<MappedFile>> Open(const std::string& path, size_t size);
  // The same from a descriptor the caller keeps open: maps the very file it has, not
  // whatever its path names by now.
  static Result<std::unique_ptr<MappedFile>> Map(int fd, size_t size, const std::string& path);
  // Bytes [offset, offset + n), which the caller keeps inside size().
  std::string_view View(size_t offset, size_t n) const { return std::string_view(data_ + offset, n); }
  size_t size() const { return size_; }

 private:
  MappedFile(const char* data, size_t size) : data_(data), size_(size) {}
  const char* data_;
  size_t size_;
};

}  // namespace remediator::store

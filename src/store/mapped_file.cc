#include "store/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace remediator::store {

MappedFile::~MappedFile() {
  if (size_ > 0) ::munmap(const_cast<char*>(data_), size_);
}

Result<std::unique_ptr<MappedFile>> MappedFile::Open(const std::string& path, size_t size) {
  if (size == 0) return std::unique_ptr<MappedFile>(new MappedFile(nullptr, 0));
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Internal(fmt::format("open {}: {}", path, std::strerror(errno)));
  Result<std::unique_ptr<MappedFile>> mapped = Map(fd, size, path);
  ::close(fd);  // the mapping keeps the file
  return mapped;
}

Result<std::unique_ptr<MappedFile>> MappedFile::Map(int fd, size_t size, const std::string& path) {
  if (size == 0) return std::unique_ptr<MappedFile>(new MappedFile(nullptr, 0));
  void* p = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) return Internal(fmt::format("mmap {}: {}", path, std::strerror(errno)));
  return std::unique_ptr<MappedFile>(new MappedFile(static_cast<const char*>(p), size));
}

}  // namespace remediator::store

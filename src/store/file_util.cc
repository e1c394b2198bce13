#include "store/file_util.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace remediator::store {
namespace {

Status Errno(std::string_view what, const std::string& path) {
  return Internal(fmt::format("{} {}: {}", what, path, std::strerror(errno)));
}

}  // namespace

AppendFile::~AppendFile() { Close(); }

Status AppendFile::Open(const std::string& path, uint64_t size) {
  Close();
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) return Errno("open", path);
  if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) return Errno("truncate", path);
  if (::lseek(fd_, static_cast<off_t>(size), SEEK_SET) < 0) return Errno("seek", path);
  size_ = size;
  writeback_from_ = size;
  path_ = path;
  return Status::Ok();
}

Status AppendFile::Append(std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd_, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno("write", path_);
    }
    data.remove_prefix(static_cast<size_t>(n));
    size_ += static_cast<uint64_t>(n);
  }
  return Status::Ok();
}

Status AppendFile::TruncateTo(uint64_t size) {
  if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) return Errno("truncate", path_);
  if (::lseek(fd_, static_cast<off_t>(size), SEEK_SET) < 0) return Errno("seek", path_);
  size_ = size;
  return Status::Ok();
}

Status AppendFile::Sync() {
  if (::fdatasync(fd_) != 0) return Errno("fdatasync", path_);
  return Status::Ok();
}

void AppendFile::StartWriteback() {
  if (fd_ < 0) return;
  if (writeback_from_ > size_) writeback_from_ = 0;  // truncated meanwhile
  if (size_ > writeback_from_) {
    (void)::sync_file_range(fd_, static_cast<off_t>(writeback_from_), static_cast<off_t>(size_ - writeback_from_),
                            SYNC_FILE_RANGE_WRITE);
  }
  writeback_from_ = size_;
}

void AppendFile::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Result<std::string> ReadWholeFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Errno("open", path);
  std::string out;
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      Status st = Errno("read", path);
      ::close(fd);
      return st;
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

Status SyncDir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Errno("open", dir);
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Errno("fsync", dir);
  return Status::Ok();
}

Status WriteFileAtomically(const std::string& path, std::string_view data) {
  const std::string tmp = path + ".tmp";
  AppendFile f;
  REMEDIATOR_RETURN_IF_ERROR(f.Open(tmp, 0));
  REMEDIATOR_RETURN_IF_ERROR(f.Append(data));
  REMEDIATOR_RETURN_IF_ERROR(f.Sync());
  f.Close();
  if (::rename(tmp.c_str(), path.c_str()) != 0) return Errno("rename", tmp);
  const size_t slash = path.rfind('/');
  return SyncDir(slash == std::string::npos ? "." : path.substr(0, slash));
}

Status RemoveFile(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return Errno("unlink", path);
  return Status::Ok();
}

Result<std::vector<std::string>> ListDir(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return Errno("opendir", dir);
  std::vector<std::string> names;
  while (const dirent* e = ::readdir(d)) {
    std::string_view n = e->d_name;
    if (n == "." || n == "..") continue;
    names.emplace_back(n);
  }
  ::closedir(d);
  return names;
}

Status MakeDirs(const std::string& dir) {
  std::string path;
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = dir.find('/', pos + 1);
    path = dir.substr(0, pos);
    if (path.empty()) continue;
    if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) return Errno("mkdir", path);
  }
  return Status::Ok();
}

ReadFile::~ReadFile() { ::close(fd_); }

Result<std::unique_ptr<ReadFile>> ReadFile::Open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Errno("open", path);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    Status s = Errno("stat", path);
    ::close(fd);
    return s;
  }
  return std::unique_ptr<ReadFile>(new ReadFile(fd, static_cast<uint64_t>(st.st_size), path));
}

Status ReadFile::ReadAt(uint64_t offset, size_t n, std::string& out) const {
  out.resize(n);
  size_t done = 0;
  while (done < n) {
    const ssize_t r = ::pread(fd_, out.data() + done, n - done, static_cast<off_t>(offset + done));
    if (r < 0) {
      if (errno == EINTR) continue;
      return Errno("pread", path_);
    }
    if (r == 0) return DataLoss(fmt::format("{}: short read at offset {}", path_, offset + done));
    done += static_cast<size_t>(r);
  }
  return Status::Ok();
}

}  // namespace remediator::store

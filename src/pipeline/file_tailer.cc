#include "pipeline/file_tailer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

namespace remediator::pipeline {

namespace {
constexpr size_t kFingerprintBytes = 64;
}

FileTailer::FileTailer(std::string path, int64_t start_offset, const FileTailerOptions& options)
    : path_(std::move(path)), options_(options) {
  if (!OpenCurrent(start_offset < 0 ? 0 : start_offset)) {
    path_missing_ = true;
    deleted_ = true;  // nothing to read; a file that appears later is read from 0
  }
}

FileTailer::~FileTailer() {
  Close();
  for (const Generation& g : newer_) ::close(g.fd);
}

bool FileTailer::OpenCurrent(int64_t start_offset) {
  int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return false;
  }
  Close();
  fd_ = fd;
  dev_ = st.st_dev;
  ino_ = st.st_ino;
  deleted_ = false;
  path_missing_ = false;
  if (start_offset > st.st_size) start_offset = 0;  // replaced while we were away
  ResetTo(start_offset);
  // The fingerprint is what the file starts with when we first see it (if we start past it,
  // read it now).
  fingerprint_.clear();
  if (start_offset > 0) {
    fingerprint_.resize(std::min<int64_t>(kFingerprintBytes, start_offset));
    ssize_t n = ::pread(fd_, fingerprint_.data(), fingerprint_.size(), 0);
    fingerprint_.resize(n > 0 ? static_cast<size_t>(n) : 0);
  }
  return true;
}

void FileTailer::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void FileTailer::NextGeneration() {
  Generation g = newer_.front();
  newer_.pop_front();
  Close();
  fd_ = g.fd;
  dev_ = g.dev;
  ino_ = g.ino;
  deleted_ = false;
  fingerprint_.clear();
  ResetTo(0);
}

void FileTailer::ResetTo(int64_t offset) {
  read_pos_ = offset;
  partial_.clear();
  skipping_ = false;
  if (fd_ >= 0) ::lseek(fd_, offset, SEEK_SET);
}

int64_t FileTailer::committed_offset() const {
  if (skipping_) return read_pos_;
  return read_pos_ - static_cast<int64_t>(partial_.size());
}

int64_t FileTailer::position() const {
  if (fd_ < 0 || path_missing_) return -1;
  if (!newer_.empty()) return 0;
  return committed_offset();
}

std::string FileTailer::identity() const {
  if (fd_ < 0 || path_missing_) return "";
  if (!newer_.empty()) return std::to_string(newer_.back().dev) + ":" + std::to_string(newer_.back().ino);
  return std::to_string(dev_) + ":" + std::to_string(ino_);
}

bool FileTailer::IsFileAt(std::string_view identity, const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return false;
  const size_t colon = identity.find(':');
  return colon != std::string_view::npos && identity.substr(colon + 1) == std::to_string(st.st_ino);
}

int64_t FileTailer::remaining_bytes() const {
  int64_t left = 0;
  struct stat st {};
  if (fd_ >= 0 && ::fstat(fd_, &st) == 0) left += std::max<int64_t>(0, st.st_size - read_pos_);
  for (const Generation& g : newer_) {
    if (::fstat(g.fd, &st) == 0) left += st.st_size;
  }
  return left;
}

void FileTailer::Emit(LineHandler& handler, std::string_view line, bool truncated) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  ++lines_read_;
  if (truncated) ++truncated_lines_;
  handler.OnLine(line, truncated);
}

void FileTailer::FlushPartial(LineHandler& handler) {
  if (partial_.empty()) return;
  bool was_skipping = skipping_;
  std::string line;
  line.swap(partial_);
  skipping_ = false;
  if (!was_skipping) Emit(handler, line, false);
}

void FileTailer::Refresh() { RefreshChanged(); }

bool FileTailer::RefreshChanged() {
  bool changed = false;
  struct stat cur {};
  if (::stat(path_.c_str(), &cur) != 0) {
    path_missing_ = true;
  } else if (fd_ < 0 && newer_.empty()) {
    // Gone before, back now: a new file, read from its start.
    changed = OpenCurrent(0);
  } else {
    path_missing_ = false;
    const bool have_newer = !newer_.empty();
    const dev_t last_dev = have_newer ? newer_.back().dev : dev_;
    const ino_t last_ino = have_newer ? newer_.back().ino : ino_;
    if (cur.st_ino != last_ino || cur.st_dev != last_dev) {
      // Another file has the name now (rename + create). Open it at once: held open, it
      // stays readable even when it is rotated away before the older one is drained.
      int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
      struct stat st {};
      if (fd < 0) {
        path_missing_ = true;  // vanished between stat and open
      } else if (::fstat(fd, &st) != 0 || (st.st_ino == last_ino && st.st_dev == last_dev)) {
        ::close(fd);  // changed back in the meantime
      } else {
        if (newer_.size() >= std::max<size_t>(1, options_.max_queued_generations)) {
          ::close(newer_.front().fd);  // too many rotations behind: skip the oldest queued
          newer_.pop_front();
        }
        newer_.push_back(Generation{fd, st.st_dev, st.st_ino});
        changed = true;
      }
    }
  }
  if (fd_ >= 0) {
    // Truncated (copytruncate, or `> file`): the file starts over.
    struct stat st {};
    bool truncated = ::fstat(fd_, &st) == 0 && st.st_size < read_pos_;
    if (!truncated && !fingerprint_.empty() && !FingerprintMatches()) truncated = true;
    if (truncated) {
      ResetTo(0);
      fingerprint_.clear();
      changed = true;
    }
  }
  return changed;
}

size_t FileTailer::Poll(LineHandler& handler, size_t budget, int64_t now_ns) {
  RefreshChanged();
  size_t total = 0;
  bool rechecked = false;
  while (fd_ >= 0) {
    bool eof = false;
    total += ReadSome(handler, budget - total, now_ns, eof);
    if (!eof) break;  // the budget is used up
    if (!newer_.empty() || path_missing_) {
      // Read to its end and no longer at the path: its unterminated last line will never
      // be finished.
      FlushPartial(handler);
      Close();
      if (!newer_.empty()) {
        NextGeneration();
        continue;
      }
      deleted_ = true;
      break;
    }
    // At the end: has the path moved on just now?
    if (rechecked || !RefreshChanged()) break;
    rechecked = true;
  }
  if (!partial_.empty() && !skipping_ && now_ns - partial_since_ns_ >= options_.partial_line_timeout_ns) {
    FlushPartial(handler);
  }
  return total;
}

size_t FileTailer::ReadSome(LineHandler& handler, size_t budget, int64_t now_ns, bool& eof) {
  eof = false;
  size_t total = 0;
  buf_.resize(options_.read_chunk_bytes);
  while (total < budget) {
    size_t want = std::min(buf_.size(), budget - total);
    ssize_t n = ::read(fd_, buf_.data(), want);
    if (n < 0) {
      if (errno == EINTR) continue;
      eof = true;  // treated like the end of the file
      break;
    }
    if (n == 0) {
      eof = true;
      break;
    }
    if (fingerprint_.size() < kFingerprintBytes && read_pos_ < static_cast<int64_t>(kFingerprintBytes)) {
      size_t take = std::min<size_t>(kFingerprintBytes - fingerprint_.size(), static_cast<size_t>(n));
      if (read_pos_ == static_cast<int64_t>(fingerprint_.size())) fingerprint_.append(buf_.data(), take);
    }
    read_pos_ += n;
    total += static_cast<size_t>(n);
    std::string_view data(buf_.data(), static_cast<size_t>(n));
    while (!data.empty()) {
      size_t nl = data.find('\n');
      if (nl == std::string_view::npos) {
        if (!skipping_) {
          if (partial_.empty()) partial_since_ns_ = now_ns;
          size_t room = options_.max_line_bytes - partial_.size();
          if (data.size() > room) {
            partial_.append(data.substr(0, room));
            Emit(handler, partial_, true);
            partial_.clear();
            skipping_ = true;
          } else {
            partial_.append(data);
          }
        }
        break;
      }
      std::string_view piece = data.substr(0, nl);
      data.remove_prefix(nl + 1);
      if (skipping_) {
        skipping_ = false;
        continue;
      }
      if (partial_.empty()) {
        if (piece.size() > options_.max_line_bytes) {
          Emit(handler, piece.substr(0, options_.max_line_bytes), true);
        } else {
          Emit(handler, piece, false);
        }
      } else {
        size_t room = options_.max_line_bytes - partial_.size();
        bool cut = piece.size() > room;
        partial_.append(piece.substr(0, std::min(room, piece.size())));
        Emit(handler, partial_, cut);
        partial_.clear();
      }
    }
  }
  return total;
}

bool FileTailer::FingerprintMatches() {
  head_.resize(fingerprint_.size());
  ssize_t n = ::pread(fd_, head_.data(), head_.size(), 0);
  return n == static_cast<ssize_t>(head_.size()) && head_ == fingerprint_;
}

}  // namespace remediator::pipeline

#include "pipeline/file_tailer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace remediator::pipeline {

namespace {
constexpr size_t kFingerprintBytes = 64;
}

FileTailer::FileTailer(std::string path, int64_t start_offset, const FileTailerOptions& options)
    : path_(std::move(path)), options_(options) {
  Open(start_offset < 0 ? 0 : start_offset);
}

FileTailer::~FileTailer() { Close(); }

bool FileTailer::Open(int64_t start_offset) {
  int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return false;
  }
  fd_ = fd;
  dev_ = st.st_dev;
  ino_ = st.st_ino;
  deleted_ = false;
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

int64_t FileTailer::remaining_bytes() const {
  if (fd_ < 0) return 0;
  struct stat st {};
  if (::fstat(fd_, &st) != 0) return 0;
  return std::max<int64_t>(0, st.st_size - read_pos_);
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

size_t FileTailer::Poll(LineHandler& handler, size_t budget, int64_t now_ns) {
  if (fd_ < 0) {
    if (!Open(0)) return 0;
  }
  if (!fingerprint_.empty() && !FingerprintMatches()) {
    // Truncated and written again (copytruncate) since the last poll: start over.
    ResetTo(0);
    fingerprint_.clear();
  }
  size_t total = 0;
  buf_.resize(options_.read_chunk_bytes);
  for (int round = 0; round < 2 && total < budget; ++round) {
    while (total < budget) {
      size_t want = std::min(buf_.size(), budget - total);
      ssize_t n = ::read(fd_, buf_.data(), want);
      if (n < 0) {
        if (errno == EINTR) continue;
        break;  // treated like EOF; rotation check below
      }
      if (n == 0) break;
      if (fingerprint_.size() < kFingerprintBytes && read_pos_ < static_cast<int64_t>(kFingerprintBytes)) {
        size_t take = std::min<size_t>(kFingerprintBytes - fingerprint_.size(), static_cast<size_t>(n));
        if (read_pos_ == static_cast<int64_t>(fingerprint_.size())) fingerprint_.append(buf_.data(), take);
      }
      read_pos_ += n;
      total += static_cast<size_t>(n);
      std::string_view data(buf_.data(), static_cast<size_t>(n));
      if (partial_.empty() && !skipping_) partial_since_ns_ = now_ns;
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
    if (total >= budget) break;
    // At EOF: has the path moved on?
    if (!CheckRotation(handler)) break;
  }
  if (!partial_.empty() && !skipping_ && now_ns - partial_since_ns_ >= options_.partial_line_timeout_ns) {
    FlushPartial(handler);
  }
  return total;
}

bool FileTailer::CheckRotation(LineHandler& handler) {
  struct stat cur {};
  bool exists = ::stat(path_.c_str(), &cur) == 0;
  if (!exists || cur.st_ino != ino_ || cur.st_dev != dev_) {
    // Renamed or deleted: the old file was read to its end just now. Its unterminated last
    // line will never be finished.
    FlushPartial(handler);
    Close();
    if (exists && Open(0)) return true;
    deleted_ = !exists;
    return false;
  }
  struct stat st {};
  if (::fstat(fd_, &st) != 0) return false;
  if (st.st_size < read_pos_) {
    ResetTo(0);  // truncated (copytruncate): the file starts over
    fingerprint_.clear();
    return true;
  }
  if (!fingerprint_.empty() && !FingerprintMatches()) {
    ResetTo(0);
    fingerprint_.clear();
    return true;
  }
  return false;
}

bool FileTailer::FingerprintMatches() {
  head_.resize(fingerprint_.size());
  ssize_t n = ::pread(fd_, head_.data(), head_.size(), 0);
  return n == static_cast<ssize_t>(head_.size()) && head_ == fingerprint_;
}

}  // namespace remediator::pipeline

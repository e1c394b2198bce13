// Follows one path: reads complete lines from it, across rotation (rename + create, the old
// file drained first), copytruncate and truncation (read again from 0), deletion, and a
// partial last line (held until its newline, or handed on after `partial_line_timeout`).
// Memory is bounded by the read buffer plus `max_line_bytes`. Not thread-safe.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace remediator::pipeline {

struct FileTailerOptions {
  size_t read_chunk_bytes = 256 * 1024;          // one read() at most this much
  size_t max_line_bytes = 1024 * 1024;           // longer lines are cut (counted)
  int64_t partial_line_timeout_ns = 5'000'000'000;  // a line without '\n' is sent after this
};

class LineHandler {
 public:
  virtual ~LineHandler() = default;
  // One line without its '\n' (or "\r\n"). `truncated` when it was cut at max_line_bytes.
  // The view is valid only during the call.
  virtual void OnLine(std::string_view line, bool truncated) = 0;
};

class FileTailer {
 public:
  // Starts at `start_offset` (the saved position; -1 = none = 0). A saved offset beyond the
  // file's size means the file was replaced: start at 0.
  FileTailer(std::string path, int64_t start_offset, const FileTailerOptions& options);
  ~FileTailer();
  FileTailer(const FileTailer&) = delete;
  FileTailer& operator=(const FileTailer&) = delete;

  const std::string& path() const { return path_; }
  // Reads up to `budget` bytes and hands every complete line to `handler`. Checks for
  // rotation and truncation when it reaches the end of the file. Returns bytes read.
  size_t Poll(LineHandler& handler, size_t budget, int64_t now_ns);
  // Hands on a held partial line now (end of input in --once mode).
  void FlushPartial(LineHandler& handler);
  // The offset to save: the start of the first byte not yet handed on, in the file that is
  // open now (the current generation of the path).
  int64_t committed_offset() const;
  // The path is gone and everything of the old file was read.
  bool deleted() const { return deleted_; }
  // Bytes of the file not read yet (for progress); 0 when unknown.
  int64_t remaining_bytes() const;
  uint64_t lines_read() const { return lines_read_; }
  uint64_t truncated_lines() const { return truncated_lines_; }

 private:
  bool Open(int64_t start_offset);
  void Close();
  // At EOF: decides whether the path now names another file, was truncated or deleted.
  // Returns true when reading should go on (a new file or a reset offset).
  bool CheckRotation(LineHandler& handler);
  void Emit(LineHandler& handler, std::string_view line, bool truncated);
  void ResetTo(int64_t offset);
  // Whether the file still starts with the bytes it started with when we read them.
  bool FingerprintMatches();

  std::string path_;
  FileTailerOptions options_;
  int fd_ = -1;
  dev_t dev_ = 0;
  ino_t ino_ = 0;
  int64_t read_pos_ = 0;      // bytes read from fd_
  std::string buf_;           // read buffer
  std::string partial_;       // the started line (no '\n' yet)
  bool skipping_ = false;     // discarding the rest of a line cut at max_line_bytes
  int64_t partial_since_ns_ = 0;
  std::string fingerprint_;   // the first bytes of the file, to recognise copytruncate
  std::string head_;          // scratch for comparing with fingerprint_
  bool deleted_ = false;
  uint64_t lines_read_ = 0;
  uint64_t truncated_lines_ = 0;
};

}  // namespace remediator::pipeline

// Follows one path: reads complete lines from it, across rotation (rename + create: the old
// file is drained first, then the new one is read from 0), copytruncate and truncation (read
// again from 0), deletion, and a partial last line (held until its newline, or handed on
// after `partial_line_timeout`).
//
// Generations: every look at the path (Refresh, done by each Poll) opens a file that now sits
// at the path but is not the one being read, and queues it. The queued files stay open, so a
// generation that was created and rotated away while an older one was still being read is
// not lost: each is read to its end in turn. A path is therefore lossless as long as every
// generation is seen by at least one Refresh while it has the name.
//
// Memory is bounded by the read buffer plus `max_line_bytes`. Not thread-safe.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

namespace remediator::pipeline {

struct FileTailerOptions {
  size_t read_chunk_bytes = 256 * 1024;          // one read() at most this much
  size_t max_line_bytes = 1024 * 1024;           // longer lines are cut (counted)
  int64_t partial_line_timeout_ns = 5'000'000'000;  // a line without '\n' is sent after this
  size_t max_queued_generations = 8;             // newer files kept open while an old one drains
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
  // Looks at the path without reading: queues a new file found there, notices that the path
  // is gone, and starts the file being read again at 0 when it was truncated (its size is
  // below the read offset, or its first bytes changed).
  void Refresh();
  // Refreshes, then reads up to `budget` bytes and hands every complete line to `handler`.
  // At the end of a file that the path no longer names, the file's unterminated last line is
  // handed on and reading goes on with the next generation. Returns bytes read.
  size_t Poll(LineHandler& handler, size_t budget, int64_t now_ns);
  // Hands on a held partial line now (end of input in --once mode, or shutdown).
  void FlushPartial(LineHandler& handler);
  // The offset to save for the path, as of the last Refresh: the first byte not yet handed
  // on in the file the path names; 0 when the path names a file not read yet; -1 (forget the
  // path) when nothing is at the path.
  int64_t position() const;
  // The first byte not yet handed on in the file being read now.
  int64_t committed_offset() const;
  // "dev:inode" of the file position() is an offset in ("" when position() is -1).
  std::string identity() const;
  // Whether `identity` (as identity() wrote it) names the file now at `path`: the same inode
  // (the device number may change across reboots). False when nothing is at the path.
  static bool IsFileAt(std::string_view identity, const std::string& path);
  // Reading lags the path: the file being read is no longer at the path (renamed or
  // deleted) and has not been read to its end yet.
  bool behind() const { return fd_ >= 0 && (path_missing_ || !newer_.empty()); }
  // The path is gone and everything of the old file was read.
  bool deleted() const { return deleted_; }
  // Bytes of the files not read yet (for progress); 0 when unknown.
  int64_t remaining_bytes() const;
  uint64_t lines_read() const { return lines_read_; }
  uint64_t truncated_lines() const { return truncated_lines_; }

 private:
  struct Generation {
    int fd = -1;
    dev_t dev = 0;
    ino_t ino = 0;
  };

  // Opens the path as the file being read, at `start_offset` (0 when beyond its size).
  bool OpenCurrent(int64_t start_offset);
  void Close();
  // Reads the file being read until `budget` bytes or its end (`eof`). Returns bytes read.
  size_t ReadSome(LineHandler& handler, size_t budget, int64_t now_ns, bool& eof);
  // Moves on to the oldest queued generation, at offset 0.
  void NextGeneration();
  // Refresh; returns true when the read offset was reset or a new file was queued.
  bool RefreshChanged();
  void Emit(LineHandler& handler, std::string_view line, bool truncated);
  void ResetTo(int64_t offset);
  // Whether the file still starts with the bytes it started with when we read them.
  bool FingerprintMatches();

  std::string path_;
  FileTailerOptions options_;
  int fd_ = -1;               // the file being read (its generation: dev_, ino_)
  dev_t dev_ = 0;
  ino_t ino_ = 0;
  std::deque<Generation> newer_;  // files found at the path since, oldest first; not read yet
  bool path_missing_ = false;     // at the last Refresh nothing was at the path
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

#pragma once

// Entries held in memory uncompressed, in arrival order: a stream's head (in the WAL, not yet
// in a block) and its pending entries (deferred batches not yet compressed). Lines are
// copied into chunks (a longer line gets one of its own): of kChunkBytes, taken from and
// given back to a ChunkPool when one is given, so that many buffers filling and emptying in
// turn reuse the same memory, which a string per buffer, keeping its largest capacity,
// would not; without a pool, growing with the buffer up to kChunkBytes. No allocation per
// entry.
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "core/labels.h"
#include "store/section.h"

namespace remediator::store {

// Free chunks for EntryBuffers; keeps at most `max_free` of them. Not thread-safe.
class ChunkPool {
 public:
  explicit ChunkPool(size_t max_free) : max_free_(max_free) {}
  std::unique_ptr<char[]> Take();
  void Give(std::unique_ptr<char[]> chunk);

 private:
  size_t max_free_;
  std::vector<std::unique_ptr<char[]>> free_;
};

class EntryBuffer {
 public:
  static constexpr size_t kChunkBytes = 16 << 10;
  static constexpr size_t kFirstChunkBytes = 512;  // without a pool
  // What an entry costs in memory beyond its line, roughly.
  static constexpr uint64_t kEntryOverhead = 32;

  // Chunks come from `pool` (and go back to it) when it is not null.
  explicit EntryBuffer(ChunkPool* pool = nullptr) : pool_(pool) {}
  ~EntryBuffer() { Clear(); }
  EntryBuffer(const EntryBuffer&) = delete;
  EntryBuffer& operator=(const EntryBuffer&) = delete;

  void Add(int64_t ts, std::string_view line, std::span<const Label> sm);

  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  int64_t timestamp(size_t i) const { return entries_[i].ts; }
  // Entry i; its views hold until Clear or Release.
  RawEntry at(size_t i) const {
    const Entry& e = entries_[i];
    return RawEntry{e.ts, std::string_view(e.line, e.line_len),
                    std::span<const Label>(sm_).subspan(e.sm_begin, e.sm_count)};
  }
  void AppendTo(std::vector<RawEntry>& out) const {
    for (size_t i = 0; i < entries_.size(); ++i) out.push_back(at(i));
  }
  uint64_t line_bytes() const { return line_bytes_; }

  // Empties it; its chunks go back to the pool (freed without one). Without a pool the
  // entry list keeps its memory.
  void Clear();
  // Empties it and gives all its memory back.
  void Release();

 private:
  struct Entry {
    int64_t ts;
    const char* line;
    uint32_t line_len;
    uint32_t sm_begin;
    uint32_t sm_count;
  };
  static_assert(sizeof(Entry) == kEntryOverhead);
  struct Chunk {
    std::unique_ptr<char[]> bytes;
    bool pooled;  // kChunkBytes long, from and for the pool
  };

  // Where the next n (> 0) bytes of lines go.
  char* Room(size_t n);

  ChunkPool* pool_;
  std::vector<Entry> entries_;
  std::vector<Chunk> chunks_;
  size_t used_ = 0, capacity_ = 0;  // of the last chunk (0: none to fill)
  uint64_t line_bytes_ = 0;
  std::vector<Label> sm_;
};

}  // namespace remediator::store

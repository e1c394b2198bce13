#include "store/entry_buffer.h"

#include <algorithm>

namespace remediator::store {

std::unique_ptr<char[]> ChunkPool::Take() {
  if (free_.empty()) return std::make_unique_for_overwrite<char[]>(EntryBuffer::kChunkBytes);
  std::unique_ptr<char[]> c = std::move(free_.back());
  free_.pop_back();
  return c;
}

void ChunkPool::Give(std::unique_ptr<char[]> chunk) {
  if (free_.size() < max_free_) free_.push_back(std::move(chunk));
}

char* EntryBuffer::Room(size_t n) {
  if (used_ + n <= capacity_) {
    char* to = chunks_.back().bytes.get() + used_;
    used_ += n;
    return to;
  }
  // A new chunk: from the pool, or (without one) growing with what the buffer holds, so that
  // many small buffers (a head of many streams) stay small.
  const size_t size = pool_ != nullptr ? kChunkBytes : std::clamp<size_t>(line_bytes_, kFirstChunkBytes, kChunkBytes);
  if (n > size) {
    // Its own allocation, after which the last chunk is not filled further.
    chunks_.push_back(Chunk{std::make_unique_for_overwrite<char[]>(n), false});
    used_ = capacity_ = 0;
  } else {
    const bool pooled = pool_ != nullptr;
    chunks_.push_back(Chunk{pooled ? pool_->Take() : std::make_unique_for_overwrite<char[]>(size), pooled});
    used_ = n;
    capacity_ = size;
  }
  return chunks_.back().bytes.get();
}

void EntryBuffer::Add(int64_t ts, std::string_view line, std::span<const Label> sm) {
  char* to = nullptr;  // an empty line needs no room
  if (!line.empty()) {
    to = Room(line.size());
    std::memcpy(to, line.data(), line.size());
  }
  entries_.push_back(Entry{ts, to, static_cast<uint32_t>(line.size()), static_cast<uint32_t>(sm_.size()),
                           static_cast<uint32_t>(sm.size())});
  line_bytes_ += line.size();
  sm_.insert(sm_.end(), sm.begin(), sm.end());
}

void EntryBuffer::Clear() {
  for (Chunk& c : chunks_) {
    if (c.pooled && pool_ != nullptr) pool_->Give(std::move(c.bytes));
  }
  chunks_.clear();
  used_ = capacity_ = 0;
  line_bytes_ = 0;
  if (pool_ != nullptr) {
    // Pooled buffers take turns (many streams, each waiting now and then): an entry list
    // kept at its largest by each would add up, as its lines would without the pool.
    std::vector<Entry>().swap(entries_);
    std::vector<Label>().swap(sm_);
  } else {
    entries_.clear();
    sm_.clear();
  }
}

void EntryBuffer::Release() {
  Clear();
  std::vector<Entry>().swap(entries_);
  std::vector<Chunk>().swap(chunks_);
  std::vector<Label>().swap(sm_);
}

}  // namespace remediator::store

#include "store/entry_buffer.h"

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

void EntryBuffer::Add(int64_t ts, std::string_view line, std::span<const Label> sm) {
  char* to;
  if (line.size() > kChunkBytes) {
    // Its own allocation, after which the last pooled chunk is not filled further.
    chunks_.push_back(Chunk{std::make_unique_for_overwrite<char[]>(line.size()), false});
    to = chunks_.back().bytes.get();
    used_ = kChunkBytes;
  } else {
    if (chunks_.empty() || used_ + line.size() > kChunkBytes) {
      chunks_.push_back(Chunk{pool_ != nullptr ? pool_->Take() : std::make_unique_for_overwrite<char[]>(kChunkBytes),
                              true});
      used_ = 0;
    }
    to = chunks_.back().bytes.get() + used_;
    used_ += line.size();
  }
  if (!line.empty()) std::memcpy(to, line.data(), line.size());
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
  used_ = 0;
  entries_.clear();
  sm_.clear();
  line_bytes_ = 0;
}

void EntryBuffer::Release() {
  Clear();
  std::vector<Entry>().swap(entries_);
  std::vector<Chunk>().swap(chunks_);
  std::vector<Label>().swap(sm_);
}

}  // namespace remediator::store

// Sealed block files: one zstd-compressed section per stream plus an index with each
// section's labels, time range and place, and the checkpoints as of sealing.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/labels.h"
#include "core/status.h"
#include "store/checkpoint.h"
#include "store/file_util.h"
#include "store/mapped_file.h"
#include "store/section.h"

namespace remediator::store {

struct SectionMeta {
  Labels labels;
  uint64_t offset = 0;      // of the frame in the file
  uint32_t frame_size = 0;  // header + compressed payload
  uint32_t count = 0;
  int64_t min_ts = 0;
  int64_t max_ts = 0;
  uint64_t raw_bytes = 0;   // uncompressed section size
  std::string trigrams;     // its own trigram bitset (trigram_filter.h); may be empty
  // In a BlockWriter until Finish: its lines' trigram hashes (nullopt: not known).
  std::optional<std::vector<uint16_t>> trigram_hashes;
};

struct BlockIndex {
  uint64_t seq = 0;
  std::vector<SectionMeta> sections;
  std::vector<Checkpoint> checkpoints;
  int64_t min_ts = INT64_MAX;
  int64_t max_ts = INT64_MIN;
  // The trigram bitset shared by the sections (trigram_filter.h); empty when the block has
  // no trigram filters (index version 1, or opened without them).
  std::string common_trigrams;
};

// Writes one block file. Use: Open, AddSection per stream, Finish. Not thread-safe.
class TrigramCollector;

class BlockWriter {
 public:
  explicit BlockWriter(int zstd_level, bool json_columns = true);
  ~BlockWriter();
  Status Open(const std::string& path);
  // REQUIRES: entries non-empty and in read order (stably sorted by timestamp).
  Status AddSection(const Labels& labels, std::span<const RawEntry> entries);
  // A section compressed beforehand (SectionCompressor), e.g. on another thread.
  // `trigram_hashes`: its lines' (TrigramCollector); Finish makes the block's filters of them
  // (a block with a section of unknown hashes gets none).
  Status AddCompressedSection(const Labels& labels, std::string_view compressed, uint32_t count,
                              int64_t min_ts, int64_t max_ts, uint64_t raw_bytes,
                              std::optional<std::vector<uint16_t>> trigram_hashes = std::nullopt);
  // Forgets the sections from the n-th on and cuts the file back to where that one began
  // (a block filled batch by batch drops a batch that could not be written whole).
  Status TruncateSections(size_t n);
  // Starts writing back the sections added since the last call (AppendFile::StartWriteback).
  void StartWriteback() { file_.StartWriteback(); }
  // Writes the index (with the trigram filters) and trailer and fdatasyncs the file.
  Status Finish(uint64_t seq, std::vector<Checkpoint> checkpoints);
  const BlockIndex& index() const { return index_; }
  uint64_t file_size() const { return file_.size(); }

 private:
  SectionCompressor compressor_;
  std::unique_ptr<TrigramCollector> collector_;  // for AddSection
  AppendFile file_;
  BlockIndex index_;
  std::string raw_, compressed_, frame_;
};

// An open, immutable block file. Thread-safe (sections are read from a map of the file,
// made at the first read; pread when it cannot be mapped). The file may be unlinked
// (retention) while readers still hold it.
class BlockFile {
 public:
  // DataLoss when the file is not a whole block (its trailer or index is damaged). Without
  // `trigram_filters` the index's trigram bitsets are not kept (a store that never queries).
  static Result<std::shared_ptr<BlockFile>> Open(const std::string& path, bool trigram_filters = true);
  const BlockIndex& index() const { return index_; }
  // Frees the sections' label sets (index().sections[i].labels become empty): the store
  // keeps each stream's labels once, and with many streams a copy per block would grow with
  // the store.
  void DropSectionLabels();
  const std::string& path() const { return path_; }
  uint64_t file_size() const { return file_size_; }
  // Totals over the block's sections.
  uint64_t raw_bytes() const { return raw_bytes_; }
  uint64_t entries() const { return entries_; }
  // False when section i cannot hold a string the decompressor requires, by its trigram
  // bitsets (no read needed).
  bool MayHoldRequired(size_t i, const SectionDecompressor& decompressor) const;
  // Reads, checks, decompresses and decodes section i. DataLoss when damaged.
  Result<Section> ReadSection(size_t i) const;
  // The same with a reader's decompressor (its zstd context and buffers are reused). When
  // the section cannot hold a string the decompressor requires, returns an empty section
  // (by its trigram bitsets, unread, or by its zstd literals, checked, not decompressed).
  Result<Section> ReadSection(size_t i, SectionDecompressor& decompressor) const;

 private:
  // The frame of section i: a view of the map, or read into `buffer`.
  Result<std::string_view> SectionFrame(size_t i, std::string& buffer) const;

  std::string path_;
  std::unique_ptr<ReadFile> file_;
  mutable std::once_flag map_once_;
  mutable std::unique_ptr<MappedFile> map_;  // null: not mapped (pread)
  BlockIndex index_;
  uint64_t file_size_ = 0;
  uint64_t raw_bytes_ = 0;
  uint64_t entries_ = 0;
};

}  // namespace remediator::store

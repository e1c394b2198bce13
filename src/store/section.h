// One stream's entries inside a sealed block: encoding (columns: timestamps, lengths,
// structured metadata, then the line bytes) and zstd compression of the whole section; or,
// when most lines are compact JSON objects, the "JSON columns" container: the same head and
// the lines' layout in one zstd frame, then a zstd frame per JSON key (json_columns.h), so a
// query reading a few fields decompresses only theirs (docs/formats/store.md).
#pragma once

#include <cstdint>
#include <bitset>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/labels.h"
#include "core/status.h"
#include "store/json_columns.h"
#include "store/trigram_filter.h"

namespace remediator::store {

// One entry as the encoder sees it; views owned by the caller.
struct RawEntry {
  int64_t timestamp_ns = 0;
  std::string_view line;
  std::span<const Label> structured_metadata;
};

// Encodes `entries` (already in the order they must be read back) uncompressed. With a
// `trigrams` collector, adds each line to it as it is copied (its bytes are then in the
// cache; read from the caller's lines later, they were not: 14% of `ship`'s CPU).
void EncodeSection(std::span<const RawEntry> entries, std::string& out, TrigramCollector* trigrams = nullptr);
// The part of EncodeSection before the lines: count, timestamps, line lengths (when asked),
// structured metadata.
void EncodeSectionHead(std::span<const RawEntry> entries, bool line_lengths, std::string& out);

// A decoded section. Views point into `raw`, which the object owns; move-only.
class Section {
 public:
  Section() = default;
  Section(Section&&) = default;
  Section& operator=(Section&&) = default;

  // Takes the uncompressed bytes and decodes them; DataLoss when malformed.
  static Result<Section> Decode(std::string raw);
  static Result<Section> Decode(std::unique_ptr<char[]> raw, size_t size);
  // zstd-decompresses `compressed` (which must inflate to exactly `size` bytes) into a buffer
  // that is not zero-filled first, and decodes it.
  static Result<Section> DecompressAndDecode(std::string_view compressed, size_t size);

  size_t size() const { return ts_.size(); }
  int64_t timestamp(size_t i) const { return ts_[i]; }
  std::string_view line(size_t i) const {
    return std::string_view(raw_.get() + line_off_[i], line_off_[i + 1] - line_off_[i]);
  }
  // Decodes entry i's structured metadata into out (cleared first).
  void StructuredMetadata(size_t i, std::vector<Label>& out) const;
  const std::vector<int64_t>& timestamps() const { return ts_; }
  // The raw columns, for readers that walk entries without a call per field: line i is
  // raw_data()[line_offsets()[i], line_offsets()[i + 1]).
  const uint32_t* line_offsets() const { return line_off_.data(); }
  const char* raw_data() const { return raw_.get(); }
  // False when no entry has structured metadata (StructuredMetadata would give nothing).
  bool has_metadata() const { return !sm_.empty(); }

 private:
  friend class SectionDecompressor;
  Status DecodeOwned();  // decodes raw_ / raw_size_ (set by the caller)
  // Decodes the head from p (advanced past it): ts_, sm_ (views into [p, end)) and, with
  // `line_lengths`, line_off_ relative to the first line's start (`total`: their sum).
  Status DecodeHead(const char*& p, const char* end, bool line_lengths, uint64_t& total);

  std::unique_ptr<char[]> raw_;
  size_t raw_size_ = 0;
  size_t raw_capacity_ = 0;  // of raw_
  std::vector<int64_t> ts_;
  std::vector<uint32_t> line_off_;  // size()+1 entries: line i is [line_off_[i], line_off_[i+1])
  std::vector<uint32_t> sm_begin_;  // index into sm_, size()+1 entries; empty when sm_ is
  std::vector<std::pair<std::string_view, std::string_view>> sm_;
};

// Decompresses and decodes sections for one reader (one thread at a time): one zstd context
// for all of them, one buffer for the compressed frames, and the memory of finished sections
// (their buffers and columns) reused for the next ones, so a query reading thousands of
// sections does not allocate, and fault in, fresh memory for each.
class SectionDecompressor {
 public:
  SectionDecompressor();
  ~SectionDecompressor();
  SectionDecompressor(const SectionDecompressor&) = delete;
  SectionDecompressor& operator=(const SectionDecompressor&) = delete;
  // Like Section::DecompressAndDecode; also reads the JSON columns container (by its first
  // byte), rebuilding whole lines or, after Project, the projected ones.
  Result<Section> DecompressAndDecode(std::string_view compressed, size_t size);
  // From now on, lines of JSON-columns sections that are JSON objects may come as objects
  // of just the members whose keys logql::JsonKeyMayYield accepts for these labels
  // (StreamSelection::json_labels); nullopt: whole lines.
  void Project(const std::optional<std::vector<std::string>>& json_labels);
  // From now on, lines of JSON-columns sections may come as the strings they hold of these,
  // joined by newlines (StreamSelection::line_tests), when JsonColumnsLayout::TestableStrings
  // accepts them; nullopt: whole lines (or projected ones).
  void TestLines(const std::optional<std::vector<std::string>>& strings);
  // Takes back a section that is no longer needed; its memory backs a later one.
  void Recycle(Section section);
  // A buffer for the caller to read a compressed frame into.
  std::string& frame_buffer() { return frame_; }
  // Lines that lack one of `strings` are not wanted (a query's `|=` filters): sections
  // whose bytes cannot hold one of them need not be decompressed (see MayHoldRequired).
  void Require(std::span<const std::string> strings);
  // False when the zstd frame `compressed` cannot contain one of the required strings: one of
  // its bytes is in none of the frame's literals (zstd_alphabet.h).
  bool MayHoldRequired(std::string_view compressed) const;
  // False when a section with these trigram bitsets (trigram_filter.h; `common` empty: none)
  // cannot contain one of the required strings of 3 bytes or more.
  bool MayHoldRequired(std::string_view common_trigrams, std::string_view section_trigrams) const;

  // What became of the sections asked for: decompressed, or skipped and why.
  enum class Skip { kTrigrams, kAlphabet };
  struct Counts {
    uint64_t decompressed = 0;
    uint64_t skipped_trigrams = 0;  // by the index's trigram bitsets, unread
    uint64_t skipped_alphabet = 0;  // by the zstd frame's literal bytes, read, not decompressed
  };
  void CountSkipped(Skip why);
  const Counts& counts() const { return counts_; }

 private:
  Result<Section> DecompressColumnar(std::string_view payload, size_t size);
  // Decompresses one frame into `out` (exactly `size` bytes).
  Status DecompressFrame(std::string_view frame, char* out, size_t size);
  Section TakeSpare();

  void* dctx_;  // ZSTD_DCtx
  std::string frame_;
  std::optional<std::vector<std::string>> json_labels_;
  std::optional<std::vector<std::string>> line_tests_;  // only when testable
  std::vector<std::bitset<256>> tested_bytes_;          // the bytes of each
  bool MayHoldTestedStrings(std::string_view frame) const;
  std::string header_;               // a JSON-columns section's head and layout
  JsonColumnsLayout layout_;
  std::vector<uint8_t> wanted_keys_;
  std::vector<std::string> column_buffers_;
  std::vector<std::string_view> column_views_;
  std::vector<std::bitset<256>> required_;  // the bytes of each required string
  std::vector<std::vector<uint16_t>> required_trigrams_;  // the trigram hashes of each
  Counts counts_;
  std::vector<Section> spare_;
};

// Encodes and zstd-compresses sections, reusing one compression context, one scratch buffer
// and one output buffer (a context or buffer per call would allocate, and fault in, new
// memory every time). Not thread-safe: one per thread.
class SectionCompressor {
 public:
  // `json_columns`: lay out sections of mostly compact JSON lines by key (else every section
  // is one zstd frame of EncodeSection).
  explicit SectionCompressor(int level, bool json_columns = true);
  ~SectionCompressor();
  SectionCompressor(const SectionCompressor&) = delete;
  SectionCompressor& operator=(const SectionCompressor&) = delete;
  // `out` = the zstd frame of EncodeSection(entries); `raw_bytes` = its uncompressed size.
  Status Compress(std::span<const RawEntry> entries, std::string& out, uint64_t& raw_bytes,
                  TrigramCollector* trigrams = nullptr, std::vector<uint16_t>* trigram_hashes = nullptr);
  // Same, appending the frame to this compressor's output buffer: output(at, size) views it
  // until ClearOutput().
  // With `trigrams`, also collects the lines' trigram hashes into `trigram_hashes`.
  Status CompressAppend(std::span<const RawEntry> entries, size_t& at, size_t& size, uint64_t& raw_bytes,
                        TrigramCollector* trigrams = nullptr, std::vector<uint16_t>* trigram_hashes = nullptr);
  std::string_view output(size_t at, size_t size) const { return std::string_view(out_).substr(at, size); }
  // Forgets the output (keeps the buffer's memory, up to a bound).
  void ClearOutput();

 private:
  // Compresses raw_ to out_[used_...]; returns the frame's size.
  Status CompressRaw(size_t& size);
  // Compresses `in` into scratch_; `n` = the frame's size.
  Status CompressToScratch(std::string_view in, size_t& n);
  // Splits the lines into json_ (and hands them to `trigrams` while they are in cache).
  void SplitLines(std::span<const RawEntry> entries, TrigramCollector* trigrams);
  // Writes the JSON columns container of json_ to out_[used_...] (section_columnar.cc).
  Status CompressColumnar(std::span<const RawEntry> entries, uint64_t& raw_bytes, size_t& size);

  int level_;
  bool json_columns_;
  JsonColumnsWriter json_;
  std::string column_frames_;
  std::vector<uint32_t> column_order_;
  std::string group_;
  std::string group_directory_;
  void* cctx_;  // ZSTD_CCtx
  std::string raw_;
  std::string scratch_;  // one compressed frame (sized to the bound)
  std::string out_;  // [0, used_) holds frames; its size only grows (no zero fill on reuse)
  size_t used_ = 0;
};

// zstd, with the given level.
Status Compress(std::string_view in, int level, std::string& out);
// DataLoss when the input is not a valid zstd frame or inflates beyond `max_size`. Memory
// follows what the frame inflates to, not the size its header claims.
Status Decompress(std::string_view in, size_t max_size, std::string& out);

}  // namespace remediator::store

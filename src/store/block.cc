#include "store/block.h"

#include <algorithm>

#include <fmt/format.h>

#include "store/coding.h"
#include "store/framing.h"
#include "store/log_format.h"
#include "store/section.h"
#include "store/trigram_filter.h"

namespace remediator::store {
namespace {

void EncodeLabels(std::string& out, const Labels& labels) {
  PutVarint(out, labels.size());
  for (const Label& l : labels) {
    PutString(out, l.name);
    PutString(out, l.value);
  }
}

bool DecodeLabels(Decoder& d, Labels& labels) {
  uint64_t n;
  if (!d.GetCount(n)) return false;
  labels.resize(n);
  for (Label& l : labels) {
    if (!d.GetString(l.name) || !d.GetString(l.value)) return false;
  }
  return true;
}

void EncodeIndex(const BlockIndex& idx, std::string& out) {
  out.push_back(static_cast<char>(kBlockIndexVersion));
  PutVarint(out, idx.seq);
  PutString(out, idx.common_trigrams);
  PutVarint(out, idx.sections.size());
  for (const SectionMeta& s : idx.sections) {
    EncodeLabels(out, s.labels);
    PutVarint(out, s.offset);
    PutVarint(out, s.frame_size);
    PutVarint(out, s.count);
    PutSigned(out, s.min_ts);
    PutSigned(out, s.max_ts);
    PutVarint(out, s.raw_bytes);
    PutString(out, s.trigrams);
  }
  PutVarint(out, idx.checkpoints.size());
  for (const Checkpoint& c : idx.checkpoints) {
    PutString(out, c.source);
    PutString(out, c.identity);
    PutSigned(out, c.offset);
  }
}

// A trigram bitset as stored: empty, or up to kMaxTrigramBitsetBytes bytes.
bool GetTrigramBitset(Decoder& d, bool keep, std::string& out) {
  std::string_view bits;
  if (!d.GetString(bits) || bits.size() > kMaxTrigramBitsetBytes) return false;
  if (keep) out.assign(bits);
  return true;
}

// Version 1 (before trigram filters), 2 or 3; `trigrams`: keep the trigram bitsets.
bool DecodeIndex(std::string_view in, bool trigrams, BlockIndex& idx) {
  Decoder d(in);
  uint8_t version;
  uint64_t n;
  if (!d.GetByte(version) || version < 1 || version > kBlockIndexVersion) return false;
  const bool v2 = version >= 2;
  if (!d.GetVarint(idx.seq)) return false;
  if (v2 && !GetTrigramBitset(d, trigrams, idx.common_trigrams)) return false;
  if (!d.GetCount(n)) return false;
  idx.sections.resize(n);
  for (SectionMeta& s : idx.sections) {
    uint64_t frame_size, count;
    if (!DecodeLabels(d, s.labels) || !d.GetVarint(s.offset) || !d.GetVarint(frame_size) ||
        !d.GetVarint(count) || !d.GetSigned(s.min_ts) || !d.GetSigned(s.max_ts) ||
        !d.GetVarint(s.raw_bytes) || (v2 && !GetTrigramBitset(d, trigrams, s.trigrams)) ||
        frame_size > kMaxRecordSize + kFrameHeaderSize || count > UINT32_MAX) {
      return false;
    }
    s.frame_size = static_cast<uint32_t>(frame_size);
    s.count = static_cast<uint32_t>(count);
    idx.min_ts = std::min(idx.min_ts, s.min_ts);
    idx.max_ts = std::max(idx.max_ts, s.max_ts);
  }
  if (!d.GetCount(n)) return false;
  idx.checkpoints.resize(n);
  for (Checkpoint& c : idx.checkpoints) {
    if (!d.GetString(c.source) || !d.GetString(c.identity) || !d.GetSigned(c.offset)) return false;
  }
  return d.done();
}

}  // namespace

BlockWriter::BlockWriter(int zstd_level, bool json_columns) : compressor_(zstd_level, json_columns) {}
BlockWriter::~BlockWriter() = default;

Status BlockWriter::Open(const std::string& path) {
  REMEDIATOR_RETURN_IF_ERROR(file_.Open(path, 0));
  return file_.Append(kBlockMagic);
}

Status BlockWriter::AddSection(const Labels& labels, std::span<const RawEntry> entries) {
  uint64_t raw_bytes = 0;
  if (collector_ == nullptr) collector_ = std::make_unique<TrigramCollector>();
  std::vector<uint16_t> hashes;
  REMEDIATOR_RETURN_IF_ERROR(compressor_.Compress(entries, compressed_, raw_bytes, collector_.get(), &hashes));
  int64_t min_ts = INT64_MAX, max_ts = INT64_MIN;
  for (const RawEntry& e : entries) {
    min_ts = std::min(min_ts, e.timestamp_ns);
    max_ts = std::max(max_ts, e.timestamp_ns);
  }
  return AddCompressedSection(labels, compressed_, static_cast<uint32_t>(entries.size()), min_ts, max_ts,
                              raw_bytes, std::move(hashes));
}

Status BlockWriter::AddCompressedSection(const Labels& labels, std::string_view compressed, uint32_t count,
                                         int64_t min_ts, int64_t max_ts, uint64_t raw_bytes,
                                         std::optional<std::vector<uint16_t>> trigram_hashes) {
  if (compressed.size() > kMaxRecordSize) return Internal("block section too large");
  frame_.clear();
  AppendFramed(frame_, compressed);
  SectionMeta m;
  m.labels = labels;
  m.offset = file_.size();
  m.frame_size = static_cast<uint32_t>(frame_.size());
  m.count = count;
  m.min_ts = min_ts;
  m.max_ts = max_ts;
  m.raw_bytes = raw_bytes;
  m.trigram_hashes = std::move(trigram_hashes);
  index_.min_ts = std::min(index_.min_ts, m.min_ts);
  index_.max_ts = std::max(index_.max_ts, m.max_ts);
  index_.sections.push_back(std::move(m));
  return file_.Append(frame_);
}

Status BlockWriter::TruncateSections(size_t n) {
  if (n >= index_.sections.size()) return Status::Ok();
  const uint64_t size = index_.sections[n].offset;
  index_.sections.resize(n);
  index_.min_ts = INT64_MAX;
  index_.max_ts = INT64_MIN;
  for (const SectionMeta& m : index_.sections) {
    index_.min_ts = std::min(index_.min_ts, m.min_ts);
    index_.max_ts = std::max(index_.max_ts, m.max_ts);
  }
  return file_.TruncateTo(size);
}

Status BlockWriter::Finish(uint64_t seq, std::vector<Checkpoint> checkpoints) {
  index_.seq = seq;
  index_.checkpoints = std::move(checkpoints);
  // The trigram filters (docs/formats/store.md), when every section's hashes are known.
  std::vector<std::vector<uint16_t>> hashes;
  for (SectionMeta& m : index_.sections) {
    if (m.trigram_hashes) hashes.push_back(std::move(*m.trigram_hashes));
    m.trigram_hashes.reset();
  }
  if (hashes.size() == index_.sections.size()) {
    BlockTrigramFilters filters;
    BuildBlockTrigramFilters(hashes, filters);
    index_.common_trigrams = std::move(filters.common);
    for (size_t i = 0; i < index_.sections.size(); ++i) index_.sections[i].trigrams = std::move(filters.sections[i]);
  }
  raw_.clear();
  EncodeIndex(index_, raw_);
  frame_.clear();
  const uint64_t index_offset = file_.size();
  AppendFramed(frame_, raw_);
  PutFixed64(frame_, index_offset);
  frame_.append(kBlockMagic);
  REMEDIATOR_RETURN_IF_ERROR(file_.Append(frame_));
  REMEDIATOR_RETURN_IF_ERROR(file_.Sync());
  file_.Close();
  return Status::Ok();
}

void BlockFile::DropSectionLabels() {
  for (SectionMeta& m : index_.sections) Labels().swap(m.labels);
}

Result<std::shared_ptr<BlockFile>> BlockFile::Open(const std::string& path, bool trigram_filters) {
  auto block = std::make_shared<BlockFile>();
  block->path_ = path;
  REMEDIATOR_ASSIGN_OR_RETURN(block->file_, ReadFile::Open(path));
  const uint64_t size = block->file_->size();
  auto damaged = [&](std::string_view why) { return DataLoss(fmt::format("block {}: {}", path, why)); };
  if (size < kBlockMagic.size() + kFrameHeaderSize + kBlockTrailerSize) return damaged("too short");
  std::string buf;
  REMEDIATOR_RETURN_IF_ERROR(block->file_->ReadAt(0, kBlockMagic.size(), buf));
  if (buf != kBlockMagic) return damaged("bad magic");
  REMEDIATOR_RETURN_IF_ERROR(block->file_->ReadAt(size - kBlockTrailerSize, kBlockTrailerSize, buf));
  if (std::string_view(buf).substr(8) != kBlockMagic) return damaged("bad trailer");
  const uint64_t index_offset = DecodeFixed64(buf.data());
  if (index_offset < kBlockMagic.size() || index_offset > size - kBlockTrailerSize) {
    return damaged("bad index offset");
  }
  REMEDIATOR_RETURN_IF_ERROR(
      block->file_->ReadAt(index_offset, size - kBlockTrailerSize - index_offset, buf));
  std::string_view payload;
  if (!ParseFrame(buf, payload) || payload.size() + kFrameHeaderSize != buf.size()) {
    return damaged("index checksum mismatch");
  }
  if (!DecodeIndex(payload, trigram_filters, block->index_)) return damaged("malformed index");
  for (const SectionMeta& s : block->index_.sections) {
    if (s.offset < kBlockMagic.size() || s.offset + s.frame_size > index_offset) {
      return damaged("section outside the file");
    }
    block->raw_bytes_ += s.raw_bytes;
    block->entries_ += s.count;
  }
  block->file_size_ = size;
  return block;
}

Result<Section> BlockFile::ReadSection(size_t i) const {
  SectionDecompressor decompressor;
  return ReadSection(i, decompressor);
}

bool BlockFile::MayHoldRequired(size_t i, const SectionDecompressor& decompressor) const {
  return decompressor.MayHoldRequired(index_.common_trigrams, index_.sections[i].trigrams);
}

Result<std::string_view> BlockFile::SectionFrame(size_t i, std::string& buffer) const {
  // A query reads thousands of ~10 KB frames: viewing them in a map of the (page-cached)
  // file saves a pread syscall and a copy each.
  std::call_once(map_once_, [this] {
    auto mapped = MappedFile::Map(file_->fd(), file_size_, path_);  // the file checked at Open
    if (mapped.ok()) map_ = std::move(mapped).value();
  });
  const SectionMeta& m = index_.sections[i];
  if (map_ != nullptr) return map_->View(m.offset, m.frame_size);  // inside the file (checked at Open)
  REMEDIATOR_RETURN_IF_ERROR(file_->ReadAt(m.offset, m.frame_size, buffer));
  return std::string_view(buffer);
}

Result<Section> BlockFile::ReadSection(size_t i, SectionDecompressor& decompressor) const {
  if (!MayHoldRequired(i, decompressor)) {
    decompressor.CountSkipped(SectionDecompressor::Skip::kTrigrams);
    return Section();
  }
  const SectionMeta& m = index_.sections[i];
  REMEDIATOR_ASSIGN_OR_RETURN(std::string_view frame, SectionFrame(i, decompressor.frame_buffer()));
  std::string_view payload;
  if (!ParseFrame(frame, payload) || payload.size() + kFrameHeaderSize != frame.size()) {
    return DataLoss(fmt::format("block {}: section {} checksum mismatch", path_, i));
  }
  if (m.raw_bytes > kMaxRecordSize) return DataLoss(fmt::format("block {}: section {} size", path_, i));
  if (!decompressor.MayHoldRequired(payload)) {
    decompressor.CountSkipped(SectionDecompressor::Skip::kAlphabet);
    return Section();
  }
  auto section = decompressor.DecompressAndDecode(payload, m.raw_bytes);
  if (!section.ok()) return section.status().WithPrefix(path_);
  if (section->size() != m.count) {
    decompressor.Recycle(std::move(section).value());
    return DataLoss(fmt::format("block {}: section {} count", path_, i));
  }
  return section;
}

}  // namespace remediator::store

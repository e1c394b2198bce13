#include "store/section.h"

#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include <fmt/format.h>

#include "store/coding.h"
#include "store/log_format.h"
#include "store/trigram_filter.h"
#include "store/zstd_alphabet.h"

namespace remediator::store {

void EncodeSectionHead(std::span<const RawEntry> entries, bool line_lengths, std::string& out) {
  PutVarint(out, entries.size());
  int64_t prev = 0;
  for (const RawEntry& e : entries) {
    PutSigned(out, WrappingSub(e.timestamp_ns, prev));
    prev = e.timestamp_ns;
  }
  if (line_lengths) {
    for (const RawEntry& e : entries) PutVarint(out, e.line.size());
  }
  for (const RawEntry& e : entries) {
    PutVarint(out, e.structured_metadata.size());
    for (const Label& l : e.structured_metadata) {
      PutString(out, l.name);
      PutString(out, l.value);
    }
  }
}

void EncodeSection(std::span<const RawEntry> entries, std::string& out, TrigramCollector* trigrams) {
  EncodeSectionHead(entries, true, out);
  // The lines are separate allocations, cold when a batch from another thread is sealed:
  // fetch the line two ahead, every cache line of it, while copying this one.
  const size_t n = entries.size();
  for (size_t i = 0; i < n; ++i) {
    if (i + 2 < n) {
      const std::string_view ahead = entries[i + 2].line;
      for (size_t k = 0; k < ahead.size(); k += 64) __builtin_prefetch(ahead.data() + k);
    }
    out.append(entries[i].line);
    if (trigrams != nullptr) trigrams->Add(std::string_view(out).substr(out.size() - entries[i].line.size()));
  }
}

Result<Section> Section::Decode(std::string raw) {
  auto buf = std::unique_ptr<char[]>(new char[raw.size()]);
  std::memcpy(buf.get(), raw.data(), raw.size());
  return Decode(std::move(buf), raw.size());
}

Result<Section> Section::Decode(std::unique_ptr<char[]> raw, size_t size) {
  Section s;
  s.raw_ = std::move(raw);
  s.raw_size_ = size;
  s.raw_capacity_ = size;
  REMEDIATOR_RETURN_IF_ERROR(s.DecodeOwned());
  return s;
}

Result<Section> Section::DecompressAndDecode(std::string_view compressed, size_t size) {
  SectionDecompressor decompressor;
  return decompressor.DecompressAndDecode(compressed, size);
}

namespace {

// A LEB128 varint at p (before end): the common one-byte case inline. nullptr when it runs
// past end or past 10 bytes.
inline const char* ReadVarint(const char* p, const char* end, uint64_t& v) {
  if (p < end && static_cast<uint8_t>(*p) < 0x80) {
    v = static_cast<uint8_t>(*p);
    return p + 1;
  }
  v = 0;
  for (int shift = 0; shift <= 63; shift += 7) {
    if (p >= end) return nullptr;
    const auto b = static_cast<uint8_t>(*p++);
    v |= static_cast<uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) return p;
  }
  return nullptr;
}

}  // namespace

Status Section::DecodeOwned() {
  if (raw_size_ > UINT32_MAX) return DataLoss("section: too big");
  const char* p = raw_.get();
  const char* const end = p + raw_size_;
  uint64_t total = 0;
  REMEDIATOR_RETURN_IF_ERROR(DecodeHead(p, end, true, total));
  if (static_cast<uint64_t>(end - p) != total) return DataLoss("section: line bytes do not match lengths");
  const auto base = static_cast<uint32_t>(p - raw_.get());
  const size_t n = ts_.size();
  for (size_t i = 0; i < n; ++i) line_off_[i] += base;
  line_off_[n] = static_cast<uint32_t>(raw_size_);
  return Status::Ok();
}

Status Section::DecodeHead(const char*& p, const char* end, bool line_lengths, uint64_t& total) {
  // Decoded with raw pointers: a query decodes ~10^6 entries per GiB of lines, three
  // varints each, and the columns are read by every entry of the merge.
  Section& s = *this;
  uint64_t n = 0;
  if ((p = ReadVarint(p, end, n)) == nullptr || n > static_cast<uint64_t>(end - p)) {
    return DataLoss("section: bad entry count");
  }
  s.ts_.resize(n);
  s.line_off_.resize(n + 1);
  s.sm_begin_.clear();
  s.sm_.clear();
  int64_t ts = 0;
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t u;
    if ((p = ReadVarint(p, end, u)) == nullptr) return DataLoss("section: bad timestamp");
    ts = WrappingAdd(ts, UnZigZag(u));
    s.ts_[i] = ts;
  }
  // Lengths as offsets from the first line; shifted once the lines' start is known.
  total = 0;
  if (line_lengths) {
    for (uint64_t i = 0; i < n; ++i) {
      uint64_t len;
      if ((p = ReadVarint(p, end, len)) == nullptr || len > UINT32_MAX) return DataLoss("section: bad line length");
      s.line_off_[i] = static_cast<uint32_t>(total);
      total += len;
      if (total > s.raw_size_) return DataLoss("section: line bytes do not match lengths");
    }
  }
  // Structured metadata: usually none at all, n zero counts.
  if (static_cast<uint64_t>(end - p) >= n &&
      std::all_of(p, p + n, [](char c) { return c == 0; })) {
    p += n;
  } else {
    s.sm_begin_.resize(n + 1);
    for (uint64_t i = 0; i < n; ++i) {
      s.sm_begin_[i] = static_cast<uint32_t>(s.sm_.size());
      uint64_t pairs;
      if ((p = ReadVarint(p, end, pairs)) == nullptr || pairs > static_cast<uint64_t>(end - p)) {
        return DataLoss("section: bad metadata count");
      }
      for (uint64_t k = 0; k < pairs; ++k) {
        uint64_t len;
        std::string_view kv[2];
        for (std::string_view& part : kv) {
          if ((p = ReadVarint(p, end, len)) == nullptr || len > static_cast<uint64_t>(end - p)) {
            return DataLoss("section: bad metadata");
          }
          part = std::string_view(p, len);
          p += len;
        }
        s.sm_.emplace_back(kv[0], kv[1]);
      }
    }
    s.sm_begin_[n] = static_cast<uint32_t>(s.sm_.size());
    if (s.sm_.empty()) s.sm_begin_.clear();
  }
  return Status::Ok();
}

void Section::StructuredMetadata(size_t i, std::vector<Label>& out) const {
  out.clear();
  if (sm_.empty()) return;
  for (uint32_t k = sm_begin_[i]; k < sm_begin_[i + 1]; ++k) {
    out.push_back(Label{std::string(sm_[k].first), std::string(sm_[k].second)});
  }
}

SectionDecompressor::SectionDecompressor() : dctx_(ZSTD_createDCtx()) {}
SectionDecompressor::~SectionDecompressor() { ZSTD_freeDCtx(static_cast<ZSTD_DCtx*>(dctx_)); }

Section SectionDecompressor::TakeSpare() {
  Section s;
  if (!spare_.empty()) {
    s = std::move(spare_.back());
    spare_.pop_back();
  }
  return s;
}

Result<Section> SectionDecompressor::DecompressAndDecode(std::string_view compressed, size_t size) {
  ++counts_.decompressed;
  if (!compressed.empty() && compressed[0] == kJsonColumnsTag) return DecompressColumnar(compressed, size);
  const unsigned long long content = ZSTD_getFrameContentSize(compressed.data(), compressed.size());
  if (content == ZSTD_CONTENTSIZE_ERROR || content == ZSTD_CONTENTSIZE_UNKNOWN || content != size) {
    return DataLoss("zstd: bad frame header");
  }
  Section s = TakeSpare();
  if (s.raw_capacity_ < size) {
    s.raw_capacity_ = size + size / 4;
    s.raw_ = std::unique_ptr<char[]>(new char[s.raw_capacity_]);  // not zero-filled: zstd writes it
  }
  s.raw_size_ = size;
  if (Status st = DecompressFrame(compressed, s.raw_.get(), size); !st.ok()) {
    Recycle(std::move(s));
    return st;
  }
  if (Status st = s.DecodeOwned(); !st.ok()) {
    Recycle(std::move(s));
    return st;
  }
  return s;
}

Status SectionDecompressor::DecompressFrame(std::string_view frame, char* out, size_t size) {
  const size_t n = ZSTD_decompressDCtx(static_cast<ZSTD_DCtx*>(dctx_), out, size, frame.data(), frame.size());
  if (ZSTD_isError(n)) return DataLoss(fmt::format("zstd: {}", ZSTD_getErrorName(n)));
  if (n != size) return DataLoss("zstd: frame size does not match");
  return Status::Ok();
}

void SectionDecompressor::Require(std::span<const std::string> strings) {
  required_.clear();
  required_trigrams_.clear();
  for (const std::string& str : strings) {
    std::bitset<256> bytes;
    for (char c : str) bytes.set(static_cast<uint8_t>(c));
    if (bytes.any()) required_.push_back(bytes);
    std::vector<uint16_t> hashes = NeedleTrigramHashes(str);
    if (!hashes.empty()) required_trigrams_.push_back(std::move(hashes));
  }
}

bool SectionDecompressor::MayHoldRequired(std::string_view common_trigrams,
                                          std::string_view section_trigrams) const {
  for (const std::vector<uint16_t>& hashes : required_trigrams_) {
    if (!TrigramsMayBePresent(common_trigrams, section_trigrams, hashes)) return false;
  }
  return true;
}

void SectionDecompressor::CountSkipped(Skip why) {
  switch (why) {
    case Skip::kTrigrams: ++counts_.skipped_trigrams; return;
    case Skip::kAlphabet: ++counts_.skipped_alphabet; return;
  }
}

bool SectionDecompressor::MayHoldRequired(std::string_view compressed) const {
  if (required_.empty()) return true;
  std::bitset<256> present;
  if (!ZstdFrameAlphabet(compressed, present)) return true;
  for (const std::bitset<256>& bytes : required_) {
    if ((bytes & ~present).any()) return false;
  }
  return true;
}

void SectionDecompressor::Recycle(Section section) {
  // A few spares cover the sections a merge holds at once; a rare huge one is let go.
  if (spare_.size() < 4 && section.raw_capacity_ <= (16u << 20)) spare_.push_back(std::move(section));
}

SectionCompressor::SectionCompressor(int level, bool json_columns)
    : level_(level), json_columns_(json_columns), cctx_(ZSTD_createCCtx()) {}
SectionCompressor::~SectionCompressor() { ZSTD_freeCCtx(static_cast<ZSTD_CCtx*>(cctx_)); }

Status SectionCompressor::CompressToScratch(std::string_view in, size_t& n) {
  const size_t bound = ZSTD_compressBound(in.size());
  if (scratch_.size() < bound) scratch_.resize(bound);
  n = ZSTD_compressCCtx(static_cast<ZSTD_CCtx*>(cctx_), scratch_.data(), bound, in.data(), in.size(), level_);
  if (ZSTD_isError(n)) return Internal(fmt::format("zstd: {}", ZSTD_getErrorName(n)));
  return Status::Ok();
}

Status SectionCompressor::CompressRaw(size_t& size) {
  // Into a scratch buffer of the bound, then only the frame is appended to the output: the
  // output holds compressed bytes alone (a bound per section would double it).
  size_t n = 0;
  REMEDIATOR_RETURN_IF_ERROR(CompressToScratch(raw_, n));
  if (out_.size() < used_ + n) out_.resize(used_ + n + (used_ + n) / 4);
  std::memcpy(out_.data() + used_, scratch_.data(), n);
  size = n;
  return Status::Ok();
}

Status SectionCompressor::Compress(std::span<const RawEntry> entries, std::string& out, uint64_t& raw_bytes,
                                   TrigramCollector* trigrams, std::vector<uint16_t>* trigram_hashes) {
  size_t at = 0, size = 0;
  REMEDIATOR_RETURN_IF_ERROR(CompressAppend(entries, at, size, raw_bytes, trigrams, trigram_hashes));
  out.assign(output(at, size));
  ClearOutput();
  return Status::Ok();
}

namespace {

bool MostStartLikeObjects(std::span<const RawEntry> entries) {
  size_t objects = 0;
  for (const RawEntry& e : entries) objects += e.line.starts_with('{') ? 1 : 0;
  return !entries.empty() && objects * 2 >= entries.size();
}

}  // namespace

Status SectionCompressor::CompressAppend(std::span<const RawEntry> entries, size_t& at, size_t& size,
                                         uint64_t& raw_bytes, TrigramCollector* trigrams,
                                         std::vector<uint16_t>* trigram_hashes) {
  raw_.clear();
  at = used_;
  bool hashed = false;  // the lines are in `trigrams` already
  bool columnar = false;
  // A stream whose first lines are mostly no JSON objects is not tried (its lines are
  // copied once).
  if (json_columns_ && MostStartLikeObjects(entries.first(std::min<size_t>(entries.size(), 8)))) {
    SplitLines(entries, trigrams);
    hashed = true;
    columnar = json_.split_lines() * 2 >= entries.size();
  }
  if (columnar) {
    REMEDIATOR_RETURN_IF_ERROR(CompressColumnar(entries, raw_bytes, size));
  } else {
    EncodeSection(entries, raw_, hashed ? nullptr : trigrams);
    raw_bytes = raw_.size();
    REMEDIATOR_RETURN_IF_ERROR(CompressRaw(size));
  }
  if (trigrams != nullptr) trigrams->Finish(*trigram_hashes);
  used_ += size;
  if (raw_.capacity() > (8u << 20)) std::string().swap(raw_);  // do not keep a rare huge buffer
  if (scratch_.size() > (8u << 20)) std::string().swap(scratch_);
  if (column_frames_.capacity() > (8u << 20)) std::string().swap(column_frames_);
  return Status::Ok();
}

void SectionCompressor::ClearOutput() {
  used_ = 0;
  if (out_.size() > (8u << 20)) std::string().swap(out_);  // do not keep a rare huge buffer
}

Status Compress(std::string_view in, int level, std::string& out) {
  out.resize(ZSTD_compressBound(in.size()));
  const size_t n = ZSTD_compress(out.data(), out.size(), in.data(), in.size(), level);
  if (ZSTD_isError(n)) return Internal(fmt::format("zstd: {}", ZSTD_getErrorName(n)));
  out.resize(n);
  return Status::Ok();
}

Status Decompress(std::string_view in, size_t max_size, std::string& out) {
  const unsigned long long size = ZSTD_getFrameContentSize(in.data(), in.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > max_size) {
    return DataLoss("zstd: bad frame header");
  }
  // The size comes from the (maybe damaged) frame header: grow the output as the frame
  // yields bytes instead of allocating it whole, so a few bytes of a torn WAL cannot make
  // recovery allocate and zero max_size bytes.
  std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> dctx(ZSTD_createDCtx(), ZSTD_freeDCtx);
  if (dctx == nullptr) return Internal("zstd: out of memory");
  // Streaming allocates a buffer of the frame's window (its whole size for a one-segment
  // frame); the writer's frames (level -1) have windows of 512 KiB at most.
  ZSTD_DCtx_setParameter(dctx.get(), ZSTD_d_windowLogMax, 24);
  ZSTD_inBuffer input{in.data(), in.size(), 0};
  size_t produced = 0;
  out.clear();
  for (;;) {
    if (produced == out.size()) out.resize(std::min<uint64_t>(size, std::max<size_t>(2 * out.size(), 1u << 20)));
    const size_t consumed = input.pos;
    ZSTD_outBuffer output{out.data(), out.size(), produced};
    const size_t left = ZSTD_decompressStream(dctx.get(), &output, &input);
    if (ZSTD_isError(left)) return DataLoss(fmt::format("zstd: {}", ZSTD_getErrorName(left)));
    const bool progress = output.pos > produced || input.pos > consumed;
    produced = output.pos;
    if (left == 0) break;  // the frame is complete
    if (!progress) return DataLoss("zstd: truncated frame");  // out of input, or of room
  }
  if (produced != size || input.pos != input.size) return DataLoss("zstd: frame size does not match");
  out.resize(produced);
  return Status::Ok();
}

}  // namespace remediator::store

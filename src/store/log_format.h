// On-disk constants of the store (docs/formats/store.md has the full description).
#pragma once

#include <cstdint>
#include <string_view>

namespace remediator::store {

// Every record in every store file is framed as
//   fixed32 length | fixed32 crc32c(payload) | payload[length]
inline constexpr size_t kFrameHeaderSize = 8;
// Anything larger is treated as corruption (a torn or damaged length word).
inline constexpr uint32_t kMaxRecordSize = 256u << 20;

// First byte of a WAL record payload.
enum class WalRecordType : uint8_t {
  kBatch = 1,       // stream declarations + entries + checkpoints, committed together
  kCompressed = 2,  // followed by a zstd frame holding a whole kBatch payload
};
// WAL records of at least this many bytes are written as kCompressed, at this zstd level.
inline constexpr size_t kCompressWalRecordsFrom = 4096;
inline constexpr int kWalZstdLevel = -1;

// Block files: kBlockMagic | framed sections... | framed index | fixed64 index_offset | kBlockMagic
inline constexpr std::string_view kBlockMagic = "RMDBLK01";
inline constexpr size_t kBlockTrailerSize = 8 + 8;
// Version 2 added the trigram filters (version 1 blocks still open, without filters);
// version 3 blocks may hold JSON-columns sections (the index itself is as in version 2).
inline constexpr uint8_t kBlockIndexVersion = 3;
// The first byte of a JSON-columns section (a plain section is a zstd frame, whose first
// byte is 0x28).
inline constexpr char kJsonColumnsTag = 'J';

// File names inside the store folder: wal-<seq>.log and blk-<seq>.blk, seq as 16 hex digits.
inline constexpr std::string_view kWalPrefix = "wal-";
inline constexpr std::string_view kWalSuffix = ".log";
inline constexpr std::string_view kBlockPrefix = "blk-";
inline constexpr std::string_view kBlockSuffix = ".blk";
inline constexpr std::string_view kTempSuffix = ".tmp";

}  // namespace remediator::store

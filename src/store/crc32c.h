// CRC-32C (Castagnoli), the checksum of every framed record in the store's files.
// Uses the SSE4.2 crc32 instruction when the CPU has it, else a table.
#pragma once

#include <cstdint>
#include <string_view>

namespace remediator::store {

// Extends `crc` (the CRC of the bytes before `data`; 0 to start) over `data`.
uint32_t Crc32cExtend(uint32_t crc, const void* data, size_t size);

inline uint32_t Crc32c(std::string_view data) { return Crc32cExtend(0, data.data(), data.size()); }

// The portable path alone, for tests that compare both paths.
uint32_t Crc32cExtendPortable(uint32_t crc, const void* data, size_t size);

}  // namespace remediator::store

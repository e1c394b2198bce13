// UTF-8 encoding of one code point, for the decoders of escaped strings (JSON, Go literals).
#pragma once

#include <cstdint>
#include <string>

namespace remediator {

// Appends `code_point` (at most 0x10FFFF; the caller validates) to `out` as UTF-8.
void AppendUtf8(std::string& out, uint32_t code_point);

}  // namespace remediator

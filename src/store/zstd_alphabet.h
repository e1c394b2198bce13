// Which byte values a zstd frame can decompress to, read from its block and literals-section
// headers without decompressing (RFC 8878). Without a dictionary, every output byte is a
// literal or a copy of earlier output, and the literals' bytes are named by each block's
// Huffman table (symbols of weight > 0), raw literals or an RLE byte. A query whose line
// filter needs a byte no literal has can skip the section unread.
#pragma once

#include <bitset>
#include <string_view>

namespace remediator::store {

// Sets `present` to a superset of the bytes `frame` (one whole zstd frame) decompresses to.
// False when the frame is not understood (a dictionary, a malformed header): then assume any
// byte may be present.
bool ZstdFrameAlphabet(std::string_view frame, std::bitset<256>& present);

}  // namespace remediator::store

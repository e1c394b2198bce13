#include "store/framing.h"

#include "store/coding.h"
#include "store/crc32c.h"
#include "store/log_format.h"

namespace remediator::store {

void AppendFramed(std::string& out, std::string_view payload) {
  PutFixed32(out, static_cast<uint32_t>(payload.size()));
  PutFixed32(out, Crc32c(payload));
  out.append(payload);
}

bool ParseFrame(std::string_view data, std::string_view& payload) {
  if (data.size() < kFrameHeaderSize) return false;
  const uint32_t len = DecodeFixed32(data.data());
  const uint32_t crc = DecodeFixed32(data.data() + 4);
  if (len > kMaxRecordSize || len > data.size() - kFrameHeaderSize) return false;
  std::string_view p = data.substr(kFrameHeaderSize, len);
  if (Crc32c(p) != crc) return false;
  payload = p;
  return true;
}

bool FrameReader::Next(std::string_view& payload) {
  if (pos_ >= data_.size()) return false;
  if (!ParseFrame(data_.substr(pos_), payload)) return false;
  pos_ += kFrameHeaderSize + payload.size();
  return true;
}

}  // namespace remediator::store

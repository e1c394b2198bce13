// Length + CRC32C framing of records (log_format.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace remediator::store {

// Appends the frame of `payload` to `out`.
void AppendFramed(std::string& out, std::string_view payload);

// Reads framed records one after another from `data`.
class FrameReader {
 public:
  explicit FrameReader(std::string_view data) : data_(data) {}
  // The next whole, intact record; false at the end or at the first torn or damaged frame
  // (then good_bytes() is where the intact prefix ends). `payload` views `data`.
  bool Next(std::string_view& payload);
  // Bytes of intact records read so far.
  size_t good_bytes() const { return pos_; }
  // True when Next() stopped before the end of the data (a torn or damaged tail).
  bool stopped_early() const { return pos_ < data_.size(); }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

// Checks one frame that starts at data[0]; on success `payload` views its payload.
bool ParseFrame(std::string_view data, std::string_view& payload);

}  // namespace remediator::store

// Little helpers to encode and decode the store's on-disk integers and strings:
// LEB128 varints, zigzag for signed values, fixed little-endian 32/64-bit words and
// length-prefixed strings (docs/formats/store.md).
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace remediator::store {

inline void PutVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}
inline uint64_t ZigZag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
inline int64_t UnZigZag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }
inline void PutSigned(std::string& out, int64_t v) { PutVarint(out, ZigZag(v)); }
// Two's complement wrap-around, as an int64 subtraction and addition would do if that were
// defined: deltas between timestamps of any int64 values (292 years apart and more) encode
// and decode exactly, and a damaged file decodes to some value, not undefined behaviour.
inline int64_t WrappingSub(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b));
}
inline int64_t WrappingAdd(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}
inline void PutString(std::string& out, std::string_view s) {
  PutVarint(out, s.size());
  out.append(s);
}
inline void PutFixed32(std::string& out, uint32_t v) {
  char b[4];
  std::memcpy(b, &v, 4);  // little-endian hosts
  out.append(b, 4);
}
inline void PutFixed64(std::string& out, uint64_t v) {
  char b[8];
  std::memcpy(b, &v, 8);
  out.append(b, 8);
}
inline uint32_t DecodeFixed32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
inline uint64_t DecodeFixed64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// Reads from a byte range; every Get* returns false (and leaves the reader failed) when the
// input is short or malformed, so decoders can chain calls and check once.
class Decoder {
 public:
  explicit Decoder(std::string_view in) : p_(in.data()), end_(in.data() + in.size()) {}

  bool GetVarint(uint64_t& v) {
    v = 0;
    for (int shift = 0; shift <= 63; shift += 7) {
      if (p_ >= end_) return Fail();
      const auto b = static_cast<uint8_t>(*p_++);
      v |= static_cast<uint64_t>(b & 0x7F) << shift;
      if ((b & 0x80) == 0) return true;
    }
    return Fail();
  }
  bool GetSigned(int64_t& v) {
    uint64_t u;
    if (!GetVarint(u)) return false;
    v = UnZigZag(u);
    return true;
  }
  bool GetBytes(size_t n, std::string_view& out) {
    if (static_cast<size_t>(end_ - p_) < n) return Fail();
    out = std::string_view(p_, n);
    p_ += n;
    return true;
  }
  bool GetString(std::string_view& out) {
    uint64_t n;
    return GetVarint(n) && GetBytes(n, out);
  }
  bool GetString(std::string& out) {
    std::string_view v;
    if (!GetString(v)) return false;
    out.assign(v);
    return true;
  }
  bool GetByte(uint8_t& b) {
    if (p_ >= end_) return Fail();
    b = static_cast<uint8_t>(*p_++);
    return true;
  }
  // A count that cannot exceed the bytes left (each element takes at least one byte).
  bool GetCount(uint64_t& n) { return GetVarint(n) && (n <= remaining() || Fail()); }

  size_t remaining() const { return static_cast<size_t>(end_ - p_); }
  bool failed() const { return failed_; }
  bool done() const { return !failed_ && p_ == end_; }

 private:
  bool Fail() {
    failed_ = true;
    p_ = end_;
    return false;
  }
  const char* p_;
  const char* end_;
  bool failed_ = false;
};

}  // namespace remediator::store

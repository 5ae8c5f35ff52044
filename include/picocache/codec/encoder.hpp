// Encoder: appends the canonical bytes of values to a string. The bytes are the same on every
// machine (little-endian, integers by value, not by width), because keys made from them are
// shared between processes and hosts.
#pragma once

#include <picocache/codec/codec_traits.hpp>
#include <picocache/codec/encode_mode.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>

namespace picocache {

class Encoder {
 public:
  explicit Encoder(std::string& out, EncodeMode mode = EncodeMode::value)
      : out_(out), mode_(mode) {}

  EncodeMode mode() const { return mode_; }
  bool is_key() const { return mode_ != EncodeMode::value; }

  void write_u8(std::uint8_t byte) { out_.push_back(static_cast<char>(byte)); }

  // LEB128: 7 bits per byte, low bits first, high bit set on all but the last byte.
  void write_varint(std::uint64_t value) {
    char buffer[10];
    std::size_t size = 0;
    while (value >= 0x80) {
      buffer[size++] = static_cast<char>(static_cast<std::uint8_t>(value) | 0x80);
      value >>= 7;
    }
    buffer[size++] = static_cast<char>(value);
    out_.append(buffer, size);
  }

  // Zigzag (0, -1, 1, -2, ... -> 0, 1, 2, 3, ...) keeps small negative numbers short.
  void write_signed(std::int64_t value) {
    const auto bits = static_cast<std::uint64_t>(value) << 1;
    write_varint(value < 0 ? ~bits : bits);
  }

  // The 8 bytes of the IEEE bit pattern, little-endian. In key modes -0.0 == 0.0 and every NaN
  // is one NaN, so arguments that compare (or print) alike find the same entry.
  void write_double(double value) {
    static_assert(sizeof(double) == 8 && std::numeric_limits<double>::is_iec559,
                  "picocache: double must be 64-bit IEEE 754");
    if (is_key() && value == 0.0) value = 0.0;
    std::uint64_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    if (is_key() && std::isnan(value)) bits = kCanonicalNanBits;
    char buffer[8];
    for (char& byte : buffer) {
      byte = static_cast<char>(static_cast<std::uint8_t>(bits));
      bits >>= 8;
    }
    out_.append(buffer, sizeof buffer);
  }

  // Length-prefixed, so the bytes that follow can never be mistaken for part of this string.
  void write_bytes(std::string_view bytes) {
    write_varint(bytes.size());
    out_.append(bytes.data(), bytes.size());
  }

  // No prefix: for bytes that delimit themselves (already encoded values).
  void write_raw(std::string_view bytes) { out_.append(bytes.data(), bytes.size()); }

  template <class T>
  void write(const T& value) {
    static_assert(detail::has_encode<T>::value,
                  "picocache: no Codec<T> for this type; raw pointers, references to mutable "
                  "data and handles cannot be cache keys. To cache it anyway, specialise "
                  "picocache::Codec<T> with encode, decode and describe (see picocache/codec.hpp)");
    if constexpr (detail::has_encode<T>::value) Codec<T>::encode(*this, value);
  }

 private:
  // The quiet NaN with no payload and no sign, as std::numeric_limits<double>::quiet_NaN().
  static constexpr std::uint64_t kCanonicalNanBits = 0x7ff8000000000000;

  std::string& out_;
  EncodeMode mode_;
};

}  // namespace picocache

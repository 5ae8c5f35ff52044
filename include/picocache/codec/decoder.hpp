// Decoder: reads values back from bytes written by an Encoder in value mode. The bytes come from
// a shared store and are untrusted: every read is bounds-checked, every length is checked against
// the bytes left before anything is allocated, and anything wrong throws DecodeError.
#pragma once

#include <picocache/codec/codec_traits.hpp>
#include <picocache/codec/decode_error.hpp>

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

namespace picocache {

class Decoder {
 public:
  explicit Decoder(std::string_view in) : in_(in) {}
  // The decoder only views its input: a temporary std::string would be gone before the first
  // read. (A template, so that string literals still pick the string_view constructor.)
  template <class String, class = std::enable_if_t<std::is_same_v<String, std::string>>>
  explicit Decoder(String&&) = delete;

  std::uint8_t read_u8() {
    require(1, "a byte");
    return static_cast<std::uint8_t>(in_[position_++]);
  }

  std::uint64_t read_varint() {
    const std::size_t start = position_;
    std::uint64_t value = 0;
    for (unsigned shift = 0;; shift += 7) {
      const std::uint8_t byte = read_u8();
      // The 10th byte holds only bit 63; anything more would not fit in 64 bits.
      if (shift == 63 && byte > 1) fail("varint longer than 64 bits", start);
      value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) {
        // A zero final byte means padding: an Encoder never writes it, so these are not our bytes.
        if (byte == 0 && shift != 0) fail("non-canonical varint", start);
        return value;
      }
    }
  }

  std::int64_t read_signed() {
    const std::uint64_t zigzag = read_varint();
    const auto magnitude = static_cast<std::int64_t>(zigzag >> 1);
    return (zigzag & 1) != 0 ? ~magnitude : magnitude;
  }

  double read_double() {
    const std::string_view bytes = read_raw(8);
    std::uint64_t bits = 0;
    for (std::size_t i = 8; i-- > 0;) bits = (bits << 8) | static_cast<std::uint8_t>(bytes[i]);
    double value;
    std::memcpy(&value, &bits, sizeof value);
    return value;
  }

  std::string_view read_bytes() { return read_raw(read_count()); }

  std::string_view read_raw(std::size_t size) {
    require(size, "raw bytes");
    const std::string_view bytes = in_.substr(position_, size);
    position_ += size;
    return bytes;
  }

  // A container or string length. Every element takes at least one byte, so a count larger than
  // the bytes left is corrupt; rejecting it here means a forged count can never make a decoder
  // allocate more than the input's size in elements.
  std::size_t read_count() {
    const std::size_t start = position_;
    const std::uint64_t count = read_varint();
    if (count > remaining()) {
      fail("count " + std::to_string(count) + " exceeds the " + std::to_string(remaining()) +
               " bytes left",
           start);
    }
    return static_cast<std::size_t>(count);
  }

  std::size_t remaining() const { return in_.size() - position_; }
  std::size_t position() const { return position_; }

  void expect_end() const {
    if (remaining() != 0) {
      fail(std::to_string(remaining()) + " trailing bytes after the value", position_);
    }
  }

  template <class T>
  T read() {
    static_assert(detail::has_decode<T>::value,
                  "picocache: no Codec<T>::decode for this type, so it cannot be a cached "
                  "function's result (std::string_view, for one, is encode-only: return "
                  "std::string). Specialise picocache::Codec<T> (see picocache/codec.hpp)");
    if constexpr (detail::has_decode<T>::value) return Codec<T>::decode(*this);
  }

  // Throws DecodeError saying what was wrong with the value that starts at byte `at`; for codecs
  // that validate what they read.
  [[noreturn]] void fail(const std::string& what, std::size_t at) const {
    throw DecodeError("picocache: cannot decode value at byte " + std::to_string(at) + " of " +
                      std::to_string(in_.size()) + ": " + what);
  }

 private:
  void require(std::size_t size, const char* what) const {
    if (size > remaining()) {
      fail("truncated: needed " + std::to_string(size) + " bytes of " + what + ", " +
               std::to_string(remaining()) + " left",
           position_);
    }
  }

  std::string_view in_;
  std::size_t position_ = 0;
};

}  // namespace picocache

// Encoder: appends the canonical bytes of values to a string. The bytes are the same on every
// machine (little-endian, integers by value, not by width), because keys made from them are
// shared between processes and hosts.
//
// In value mode the encoder tracks what the decoder will check (CodecLimits: size, depth,
// elements). A value beyond them is not an error while encoding, only unstorable: the encoder
// stops descending into it and within_limits() turns false, which encode_value reports. Key modes
// do not track: key bytes are hashed, never decoded.
//
// Nothing here throws except std::bad_alloc from the output string, and whatever a Codec<T>::encode
// throws through write<T> (std::visit's bad_variant_access for a valueless variant, say).
#pragma once

#include <picocache/codec/codec_limits.hpp>
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
  // Appends to `out` (which must outlive the encoder); the size limit counts only the bytes this
  // encoder appends.
  explicit Encoder(std::string& out, EncodeMode mode = EncodeMode::value,
                   const CodecLimits& limits = kDefaultCodecLimits)
      : out_(out), mode_(mode), limits_(limits), start_(out.size()) {}

  // For a codec that encodes parts separately and joins them (the unordered containers): an
  // encoder for `out` that continues this one's depth and element count; merge it back with
  // absorb() once its bytes are written here.
  Encoder part(std::string& out) const {
    Encoder part(out, mode_, limits_);
    part.depth_ = depth_;
    part.key_depth_ = key_depth_;
    part.elements_ = elements_;
    return part;
  }
  // Takes over a part's element count and limit error. Write the part's bytes first (write_raw).
  void absorb(const Encoder& part) {
    elements_ = part.elements_;
    if (!part.within_limits()) exceed(part.limit_error_);
  }

  // Whether these bytes are a stored value or a key (EncodeMode says how the modes differ); a
  // codec that writes keys differently from values asks this. `typed` applies to the top-level
  // arguments only, as lru_cache(typed=True) treats (1,) and (1.0,) alike: inside a value
  // written in typed_key mode (the elements of a container, the members of a record) the mode is
  // key.
  EncodeMode mode() const {
    return mode_ == EncodeMode::typed_key && key_depth_ > 1 ? EncodeMode::key : mode_;
  }
  bool is_key() const { return mode_ != EncodeMode::value; }
  // The limits this encoder checks in value mode (kDefaultCodecLimits unless given).
  const CodecLimits& limits() const { return limits_; }

  // In value mode, whether everything written so far is within limits(); once false the value
  // cannot be stored (decoding it would fail), and later write<T> calls write nothing. Always true
  // in key modes.
  bool within_limits() const { return limit_error_.empty(); }
  // Why the value is beyond the limits ("nested deeper than ..."); empty when it is not.
  const std::string& limit_error() const { return limit_error_; }

  // One byte, as it is. Decoder reads it with read_u8.
  void write_u8(std::uint8_t byte) { out_.push_back(static_cast<char>(byte)); }

  // LEB128: 7 bits per byte, low bits first, high bit set on all but the last byte. Decoder reads
  // it with read_varint (or read_count, for a container's count).
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

  // Zigzag (0, -1, 1, -2, ... -> 0, 1, 2, 3, ...) keeps small negative numbers short. Decoder
  // reads it with read_signed.
  void write_signed(std::int64_t value) {
    const auto bits = static_cast<std::uint64_t>(value) << 1;
    write_varint(value < 0 ? ~bits : bits);
  }

  // The 8 bytes of the IEEE bit pattern, little-endian. In key modes -0.0 == 0.0 and every NaN
  // is one NaN, so arguments that compare (or print) alike find the same entry. Decoder reads it
  // with read_double.
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
  // Decoder reads it with read_bytes. In value mode, bytes that would take the value past
  // max_size are not copied (the value is unstorable anyway).
  void write_bytes(std::string_view bytes) {
    write_varint(bytes.size());
    if (mode_ == EncodeMode::value && written() + bytes.size() > limits_.max_size) {
      exceed_size(bytes.size());
      return;
    }
    out_.append(bytes.data(), bytes.size());
  }

  // No prefix: for bytes that delimit themselves (already encoded values). Decoder reads them
  // with read_raw.
  void write_raw(std::string_view bytes) { out_.append(bytes.data(), bytes.size()); }

  // Writes one T through Codec<T>::encode. In value mode it counts one level of depth and one
  // element, as Decoder::read<T> will, and checks the bytes written against max_size afterwards;
  // past a limit it records the reason (limit_error) and writes nothing more. Never throws for
  // limits; what a codec throws propagates.
  template <class T>
  void write(const T& value) {
    static_assert(detail::has_encode<T>::value,
                  "picocache: no Codec<T> for this type; raw pointers, references to mutable "
                  "data and handles cannot be cache keys. To cache it anyway, specialise "
                  "picocache::Codec<T> with encode, decode and describe (see picocache/codec.hpp)");
    if constexpr (detail::has_encode<T>::value) {
      if (mode_ != EncodeMode::value) {
        const KeyLevel level(*this);
        Codec<T>::encode(*this, value);
        return;
      }
      if (!within_limits()) return;
      if (depth_ >= limits_.max_depth) {
        exceed("nested deeper than the depth limit of " + std::to_string(limits_.max_depth) +
               " levels");
        return;
      }
      if (elements_ >= limits_.max_elements) {
        exceed("more values than the element limit of " + std::to_string(limits_.max_elements));
        return;
      }
      ++depth_;
      ++elements_;
      Codec<T>::encode(*this, value);
      --depth_;
      if (written() > limits_.max_size) exceed_size(0);
    }
  }

 private:
  // One level of a key's nesting, counted while a write<T> in a key mode runs (mode() reads it).
  class KeyLevel {
   public:
    explicit KeyLevel(Encoder& encoder) : encoder_(encoder) { ++encoder.key_depth_; }
    ~KeyLevel() { --encoder_.key_depth_; }
    KeyLevel(const KeyLevel&) = delete;
    KeyLevel& operator=(const KeyLevel&) = delete;

   private:
    Encoder& encoder_;
  };

  std::size_t written() const { return out_.size() - start_; }

  void exceed(const std::string& why) {
    if (within_limits()) limit_error_ = why.empty() ? "beyond the codec limits" : why;
  }
  void exceed_size(std::size_t more) {
    exceed("encodes to more than the size limit of " + std::to_string(limits_.max_size) +
           " bytes (" + std::to_string(written() + more) + " or more)");
  }

  // The quiet NaN with no payload and no sign, as std::numeric_limits<double>::quiet_NaN().
  static constexpr std::uint64_t kCanonicalNanBits = 0x7ff8000000000000;

  std::string& out_;
  EncodeMode mode_;
  CodecLimits limits_;
  std::size_t start_;
  std::size_t depth_ = 0;
  std::size_t key_depth_ = 0;  // key modes: write<T> calls under way
  std::size_t elements_ = 0;
  std::string limit_error_;  // empty while within the limits
};

}  // namespace picocache

// Codec for std::bitset<N>: (N + 7) / 8 bytes, bit i in bit i % 8 of byte i / 8 (little-endian),
// no count (N is part of the type and of the schema, "bits<N>"). Decoding fails when a bit
// beyond N is set: an Encoder never writes one.
#pragma once

#include <picocache/codec/decoder.hpp>
#include <picocache/codec/encoder.hpp>

#include <bitset>
#include <cstddef>
#include <cstdint>
#include <string>

namespace picocache {

template <std::size_t N>
struct Codec<std::bitset<N>> {
  static constexpr std::size_t kBytes = (N + 7) / 8;
  static constexpr std::size_t kMinEncodedSize = kBytes;

  static void encode(Encoder& e, const std::bitset<N>& value) {
    for (std::size_t byte = 0; byte < kBytes; ++byte) {
      std::uint8_t bits = 0;
      for (std::size_t bit = 0; bit < 8 && byte * 8 + bit < N; ++bit) {
        if (value.test(byte * 8 + bit)) bits = static_cast<std::uint8_t>(bits | (1U << bit));
      }
      e.write_u8(bits);
    }
  }
  static std::bitset<N> decode(Decoder& d) {
    const std::size_t start = d.position();
    std::bitset<N> value;
    const std::string_view bytes = d.read_raw(kBytes);
    if (bytes.size() != kBytes) return value;  // failed: truncated
    for (std::size_t byte = 0; byte < kBytes; ++byte) {
      const auto bits = static_cast<std::uint8_t>(bytes[byte]);
      for (std::size_t bit = 0; bit < 8; ++bit) {
        if ((bits & (1U << bit)) == 0) continue;
        if (byte * 8 + bit >= N) {
          d.fail("bit " + std::to_string(byte * 8 + bit) + " set beyond a bitset of " +
                     std::to_string(N) + " bits",
                 start);
          return value;
        }
        value.set(byte * 8 + bit);
      }
    }
    return value;
  }
  static void skip(Decoder& d) { static_cast<void>(decode(d)); }
  static void describe(std::string& schema) { schema += "bits<" + std::to_string(N) + '>'; }
};

}  // namespace picocache

// Codecs for float and double. Both are written as a double (a float widens exactly), so 0.5f
// and 0.5 give the same key. long double has no codec: narrowing it would let distinct
// arguments share a key, and its layout differs between platforms.
#pragma once

#include <picocache/codec/decoder.hpp>
#include <picocache/codec/encoder.hpp>

#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <type_traits>

namespace picocache {

template <class T>
struct Codec<T, std::enable_if_t<std::is_same_v<T, float> || std::is_same_v<T, double>>> {
  static constexpr std::size_t kMinEncodedSize = 8;

  static void encode(Encoder& e, T value) { e.write_double(static_cast<double>(value)); }
  static T decode(Decoder& d) {
    const std::size_t start = d.position();
    const double value = d.read_double();
    if constexpr (std::is_same_v<T, float>) {
      // Converting an out-of-range finite double to float is undefined behaviour.
      if (std::isfinite(value) && std::fabs(value) > std::numeric_limits<float>::max()) {
        d.fail("floating value out of float range", start);
        return T{};
      }
    }
    return static_cast<T>(value);
  }
  static void describe(std::string& schema) { schema += 'f'; }
};

}  // namespace picocache

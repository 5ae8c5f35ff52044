// Codec for std::optional: a presence byte (0 empty, 1 engaged), then the value if engaged.
#pragma once

#include <picocache/codec/decoder.hpp>
#include <picocache/codec/encoder.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace picocache {

template <class T>
struct Codec<std::optional<T>> {
  static constexpr std::size_t kMinEncodedSize = 1;

  static void encode(Encoder& e, const std::optional<T>& value) {
    e.write_u8(value.has_value() ? 1 : 0);
    if (value.has_value()) e.write(*value);
  }
  static std::optional<T> decode(Decoder& d) {
    if (!read_tag(d)) return std::nullopt;
    return d.read<T>();
  }
  static void skip(Decoder& d) {
    if (read_tag(d)) d.skip<T>();
  }
  static void describe(std::string& schema) { detail::describe_composite<T>(schema, "opt"); }

 private:
  // Whether a value follows; false after a failure.
  static bool read_tag(Decoder& d) {
    const std::size_t start = d.position();
    const std::uint8_t tag = d.read_u8();
    if (tag > 1) d.fail("optional tag " + std::to_string(tag) + " is neither 0 nor 1", start);
    return tag == 1;
  }
};

}  // namespace picocache

// Codec for std::chrono::duration: its count. The period is in the type and in the schema
// ("dur<1/1000,i>" for milliseconds), not in the bytes.
#pragma once

#include <picocache/codec/decoder.hpp>
#include <picocache/codec/encoder.hpp>

#include <chrono>
#include <cstddef>
#include <string>

namespace picocache {

template <class Rep, class Period>
struct Codec<std::chrono::duration<Rep, Period>> {
  using Duration = std::chrono::duration<Rep, Period>;

  static constexpr std::size_t kMinEncodedSize = detail::kMinEncodedSizeOf<Rep>;

  static void encode(Encoder& e, const Duration& value) { e.write(value.count()); }
  static Duration decode(Decoder& d) { return Duration(d.read<Rep>()); }
  static void describe(std::string& schema) {
    schema += "dur<" + std::to_string(Period::num) + '/' + std::to_string(Period::den) + ',';
    detail::describe_into<Rep>(schema);
    schema += '>';
  }
};

}  // namespace picocache

// Codecs for std::string and std::string_view: length-prefixed bytes. string_view is encode-only
// (a parameter type): a decoded view would point into the store's buffer.
#pragma once

#include <picocache/codec/decoder.hpp>
#include <picocache/codec/encoder.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace picocache {

template <>
struct Codec<std::string> {
  static void encode(Encoder& e, const std::string& value) { e.write_bytes(value); }
  static constexpr std::size_t kMinEncodedSize = 1;

  static std::string decode(Decoder& d) { return std::string(d.read_bytes()); }
  static void skip(Decoder& d) { static_cast<void>(d.read_bytes()); }
  static void describe(std::string& schema) { schema += 's'; }
};

template <>
struct Codec<std::string_view> {
  static void encode(Encoder& e, std::string_view value) { e.write_bytes(value); }
  static void describe(std::string& schema) { schema += 's'; }
};

}  // namespace picocache

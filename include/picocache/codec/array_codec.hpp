// Codec for std::array: the elements only, no count, since N is part of the type (and of the
// schema, "arr<N,T>").
#pragma once

#include <picocache/codec/decoder.hpp>
#include <picocache/codec/encoder.hpp>

#include <array>
#include <cstddef>
#include <string>
#include <type_traits>
#include <utility>

namespace picocache {

template <class T, std::size_t N>
struct Codec<std::array<T, N>> {
  using Array = std::array<T, N>;

  static constexpr std::size_t kMinEncodedSize = N * detail::kMinEncodedSizeOf<T>;

  static void encode(Encoder& e, const Array& value) {
    for (const T& element : value) e.write(element);
  }
  static Array decode(Decoder& d) {
    if constexpr (std::is_default_constructible_v<T>) {
      Array value{};
      for (T& element : value) element = d.read<T>();
      return value;
    } else {
      return decode_each(d, std::make_index_sequence<N>{});
    }
  }
  static void skip(Decoder& d) {
    for (std::size_t i = 0; i < N && !d.failed(); ++i) d.skip<T>();
  }
  static void describe(std::string& schema) {
    schema += "arr<" + std::to_string(N) + ',';
    detail::describe_into<T>(schema);
    schema += '>';
  }

 private:
  // Braced initialisers run left to right, so the elements are read in order.
  template <std::size_t... I>
  static Array decode_each(Decoder& d, std::index_sequence<I...>) {
    return Array{{(static_cast<void>(I), d.read<T>())...}};
  }
};

}  // namespace picocache

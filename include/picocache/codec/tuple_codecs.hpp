// Codecs for std::pair and std::tuple: the members in order, no count (the arity is in the type).
#pragma once

#include <picocache/codec/decoder.hpp>
#include <picocache/codec/encoder.hpp>

#include <cstddef>
#include <string>
#include <tuple>
#include <utility>

namespace picocache {

template <class First, class Second>
struct Codec<std::pair<First, Second>> {
  using Pair = std::pair<First, Second>;

  static constexpr std::size_t kMinEncodedSize =
      detail::kMinEncodedSizeOf<First> + detail::kMinEncodedSizeOf<Second>;

  static void encode(Encoder& e, const Pair& value) {
    e.write(value.first);
    e.write(value.second);
  }
  static Pair decode(Decoder& d) {
    First first = d.read<First>();
    Second second = d.read<Second>();
    return Pair(std::move(first), std::move(second));
  }
  static void skip(Decoder& d) {
    d.skip<First>();
    d.skip<Second>();
  }
  static void describe(std::string& schema) {
    detail::describe_composite<First, Second>(schema, "pair");
  }
};

template <class... Ts>
struct Codec<std::tuple<Ts...>> {
  using Tuple = std::tuple<Ts...>;

  // 0 for std::tuple<>: a container of empty tuples is a count and nothing else.
  static constexpr std::size_t kMinEncodedSize = (detail::kMinEncodedSizeOf<Ts> + ... + 0);

  static void encode(Encoder& e, const Tuple& value) {
    std::apply([&](const Ts&... members) { (e.write(members), ...); }, value);
  }
  static Tuple decode(Decoder& d) {
    static_cast<void>(d);  // unused for std::tuple<>
    // Braced initialisers run left to right, so the members are read in order.
    return Tuple{d.read<Ts>()...};
  }
  static void skip(Decoder& d) {
    static_cast<void>(d);  // unused for std::tuple<>
    (d.skip<Ts>(), ...);
  }
  static void describe(std::string& schema) { detail::describe_composite<Ts...>(schema, "tup"); }
};

}  // namespace picocache

// Codecs for std::variant and std::monostate.
//
// In value and typed_key modes a variant is its alternative's index (varint) then the
// alternative. In key mode (typed=false, and inside any argument with typed=true: Encoder::mode)
// it is a kind tag instead of the index, so alternatives holding the same value of the same kind
// give the same key, as lru_cache(typed=False) treats 5 and 5 of different types alike:
//   'b' bool (one byte)
//   'i' integer or character, as a zigzag varint of its value ('u' + varint for unsigned values
//       above INT64_MAX, which no signed value can equal)
//   'f' float or double, as a double
//   's' std::string or std::string_view, as length-prefixed bytes
//   'x' anything else: the index (varint), then the alternative in key mode
// Key bytes are never decoded, so key mode needs no decoder.
#pragma once

#include <picocache/codec/decoder.hpp>
#include <picocache/codec/encoder.hpp>
#include <picocache/codec/integer_codecs.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace picocache {

// One byte (0), so that a container of them is bounded by the bytes left as well as by the
// element limit.
template <>
struct Codec<std::monostate> {
  static constexpr std::size_t kMinEncodedSize = 1;

  static void encode(Encoder& e, std::monostate) { e.write_u8(0); }
  static std::monostate decode(Decoder& d) {
    const std::size_t start = d.position();
    if (d.read_u8() != 0) d.fail("std::monostate byte is not 0", start);
    return {};
  }
  static void describe(std::string& schema) { schema += "mono"; }
};

namespace detail {

template <class T>
void encode_variant_alternative_by_kind(Encoder& e, std::size_t index, const T& value) {
  if constexpr (std::is_same_v<T, bool>) {
    e.write_u8('b');
    e.write(value);
  } else if constexpr (is_integer_v<T>) {
    if constexpr (is_varint_integer_v<T>) {
      const auto as_unsigned = static_cast<std::make_unsigned_t<T>>(value);
      if (as_unsigned > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        e.write_u8('u');
        e.write_varint(as_unsigned);
        return;
      }
      e.write_u8('i');
      e.write_signed(static_cast<std::int64_t>(as_unsigned));
    } else {
      e.write_u8('i');
      e.write_signed(value);
    }
  } else if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
    e.write_u8('f');
    e.write_double(static_cast<double>(value));
  } else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::string_view>) {
    e.write_u8('s');
    e.write_bytes(value);
  } else {
    e.write_u8('x');
    e.write_varint(index);
    e.write(value);
  }
}

}  // namespace detail

template <class... Ts>
struct Codec<std::variant<Ts...>> {
  using Variant = std::variant<Ts...>;

  static constexpr std::size_t kMinEncodedSize = 1;

  // A valueless variant (after a throwing assignment) throws std::bad_variant_access here, as
  // std::visit does.
  static void encode(Encoder& e, const Variant& value) {
    const std::size_t index = value.index();
    std::visit(
        [&e, index](const auto& alternative) {
          if (e.mode() == EncodeMode::key) {
            detail::encode_variant_alternative_by_kind(e, index, alternative);
          } else {
            e.write_varint(index);
            e.write(alternative);
          }
        },
        value);
  }

  static Variant decode(Decoder& d) {
    return decoders(std::index_sequence_for<Ts...>{})[read_index(d)](d);
  }
  static void skip(Decoder& d) { skippers(std::index_sequence_for<Ts...>{})[read_index(d)](d); }

  static void describe(std::string& schema) {
    detail::describe_composite<Ts...>(schema, "var", '|');
  }

 private:
  // The alternative's index; 0 after a failure, so that the caller reads a neutral value.
  static std::size_t read_index(Decoder& d) {
    const std::size_t start = d.position();
    const std::uint64_t index = d.read_varint();
    if (index >= sizeof...(Ts)) {
      d.fail("variant index " + std::to_string(index) + " out of range for " +
                 std::to_string(sizeof...(Ts)) + " alternatives",
             start);
      return 0;
    }
    return static_cast<std::size_t>(index);
  }

  template <std::size_t I>
  static void skip_alternative(Decoder& d) {
    d.skip<std::variant_alternative_t<I, Variant>>();
  }

  template <std::size_t... I>
  static constexpr std::array<void (*)(Decoder&), sizeof...(Ts)> skippers(
      std::index_sequence<I...>) {
    return {{&skip_alternative<I>...}};
  }

  template <std::size_t I>
  static Variant decode_alternative(Decoder& d) {
    return Variant(std::in_place_index<I>, d.read<std::variant_alternative_t<I, Variant>>());
  }

  template <std::size_t... I>
  static constexpr std::array<Variant (*)(Decoder&), sizeof...(Ts)> decoders(
      std::index_sequence<I...>) {
    return {{&decode_alternative<I>...}};
  }
};

}  // namespace picocache

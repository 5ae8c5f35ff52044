// Codecs for bool, integers, character types and enums. Integers are encoded by value, not by
// width: signed types as zigzag varints, unsigned as varints, so int32_t 5 and int64_t 5 give the
// same bytes and a key does not depend on sizeof(long). Decoding checks the value fits the type.
#pragma once

#include <picocache/codec/decoder.hpp>
#include <picocache/codec/encoder.hpp>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>

namespace picocache {
namespace detail {

// Character types are encoded through their unsigned form: plain char is signed on x86 and
// unsigned on ARM, and '\xff' must give the same key on both.
template <class T>
inline constexpr bool is_character_v =
    std::is_same_v<T, char> || std::is_same_v<T, wchar_t> || std::is_same_v<T, char16_t> ||
#if defined(__cpp_char8_t)
    std::is_same_v<T, char8_t> ||
#endif
    std::is_same_v<T, char32_t>;

// At most 64 bits: a wider integer (GNU __int128) has no codec rather than a lossy one that
// would let distinct arguments share a key.
template <class T>
inline constexpr bool is_integer_v =
    std::is_integral_v<T> && !std::is_same_v<T, bool> && sizeof(T) <= sizeof(std::uint64_t);

// Integers written as varints (unsigned types and character types) rather than zigzag.
template <class T>
inline constexpr bool is_varint_integer_v =
    is_integer_v<T> && (std::is_unsigned_v<T> || is_character_v<T>);

}  // namespace detail

template <>
struct Codec<bool> {
  static constexpr std::size_t kMinEncodedSize = 1;

  static void encode(Encoder& e, bool value) { e.write_u8(value ? 1 : 0); }
  static bool decode(Decoder& d) {
    const std::size_t start = d.position();
    const std::uint8_t byte = d.read_u8();
    if (byte > 1) d.fail("bool byte " + std::to_string(byte) + " is neither 0 nor 1", start);
    return byte == 1;
  }
  static void describe(std::string& schema) { schema += 'b'; }
};

template <class T>
struct Codec<T, std::enable_if_t<detail::is_varint_integer_v<T>>> {
  using Unsigned = std::make_unsigned_t<T>;

  static constexpr std::size_t kMinEncodedSize = 1;

  static void encode(Encoder& e, T value) { e.write_varint(static_cast<Unsigned>(value)); }
  static T decode(Decoder& d) {
    const std::size_t start = d.position();
    const std::uint64_t value = d.read_varint();
    if constexpr (sizeof(Unsigned) < sizeof(std::uint64_t)) {
      if (value > std::numeric_limits<Unsigned>::max()) {
        d.fail("integer " + std::to_string(value) + " does not fit in " +
                   std::to_string(sizeof(T) * 8) + " unsigned bits",
               start);
        return T{};
      }
    }
    return static_cast<T>(static_cast<Unsigned>(value));
  }
  static void describe(std::string& schema) { schema += 'u'; }
};

template <class T>
struct Codec<T, std::enable_if_t<detail::is_integer_v<T> && !detail::is_varint_integer_v<T>>> {
  static constexpr std::size_t kMinEncodedSize = 1;

  static void encode(Encoder& e, T value) { e.write_signed(value); }
  static T decode(Decoder& d) {
    const std::size_t start = d.position();
    const std::int64_t value = d.read_signed();
    if constexpr (sizeof(T) < sizeof(std::int64_t)) {
      if (value < std::numeric_limits<T>::min() || value > std::numeric_limits<T>::max()) {
        d.fail("integer " + std::to_string(value) + " does not fit in " +
                   std::to_string(sizeof(T) * 8) + " signed bits",
               start);
        return T{};
      }
    }
    return static_cast<T>(value);
  }
  static void describe(std::string& schema) { schema += 'i'; }
};

// Enums by their underlying value: renaming an enumerator keeps keys, renumbering changes them.
// This generic codec cannot see the enumerators; picocache-gen writes a full Codec<E> for each
// enum of the project it meets (tests/lit/gen/enum_codecs.cpp), with the helpers below, whose
// description names the enumerators and values and whose decode refuses values outside an
// unscoped enum's range.
template <class T>
struct Codec<T, std::enable_if_t<std::is_enum_v<T>>> {
  using Underlying = std::underlying_type_t<T>;

  static constexpr std::size_t kMinEncodedSize = 1;

  static void encode(Encoder& e, T value) { e.write(static_cast<Underlying>(value)); }
  static T decode(Decoder& d) { return static_cast<T>(d.read<Underlying>()); }
  static void describe(std::string& schema) {
    schema += "enum<";
    detail::describe_into<Underlying>(schema);
    schema += '>';
  }
};

namespace detail {

// What a generated Codec<E>::encode calls: the underlying value, the same bytes as the generic
// enum codec.
template <class E>
void encode_enum(Encoder& e, E value) {
  e.write(static_cast<std::underlying_type_t<E>>(value));
}

// What a generated Codec<E>::decode calls: the underlying value, which must lie in [min, max].
// For an enum without a fixed underlying type picocache-gen passes the range of its values
// ([dcl.enum]: the smallest bit-field that holds every enumerator), since converting a value
// outside it is undefined behaviour; for a fixed underlying type (flag combinations such as
// Read | Write) the whole type, so any stored value decodes as it was. Fails outside the range.
template <class E>
E decode_enum(
    Decoder& d,
    std::underlying_type_t<E> min = std::numeric_limits<std::underlying_type_t<E>>::min(),
    std::underlying_type_t<E> max = std::numeric_limits<std::underlying_type_t<E>>::max()) {
  using Underlying = std::underlying_type_t<E>;
  const std::size_t start = d.position();
  const Underlying value = d.read<Underlying>();
  if (value < min || value > max) {
    d.fail("enumeration value " + std::to_string(value) + " is outside the range [" +
               std::to_string(min) + ", " + std::to_string(max) + "] of its enumerators",
           start);
    return E{};
  }
  return static_cast<E>(value);
}

}  // namespace detail

}  // namespace picocache

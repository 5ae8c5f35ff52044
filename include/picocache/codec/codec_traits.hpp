// The Codec<T> customisation point and traits that tell whether a type has one, so that a
// missing codec is reported with one readable static_assert instead of a template backtrace.
#pragma once

#include <picocache/codec/exception_mode.hpp>

#include <cstddef>
#include <string>
#include <type_traits>
#include <utility>

namespace picocache {

class Encoder;
inline namespace PICOCACHE_DECODE_NAMESPACE {
class Decoder;
}

// Specialise for each encodable type (README.md, "What can be cached", shows one; the test
// CustomCodec.ReadmeExample in tests/unit/codec_test.cpp pins it):
//   template <> struct picocache::Codec<T> {
//     static void encode(Encoder&, const T&);
//     static T decode(Decoder&);                 // only needed for result types
//     static void describe(std::string& schema);  // appends the schema description
//     // Optional:
//     static void skip(Decoder&);  // reads past a T without building it (see Decoder::skip)
//     static constexpr std::size_t kMinEncodedSize = 1;  // no T encodes to fewer bytes
//   };
// The primary template is left undefined: a type without a codec cannot be encoded.
template <class T, class Enable = void>
struct Codec;

namespace detail {

template <class T, class = void>
struct has_encode : std::false_type {};
template <class T>
struct has_encode<
    T, std::void_t<decltype(Codec<T>::encode(std::declval<Encoder&>(), std::declval<const T&>()))>>
    : std::true_type {};

template <class T, class = void>
struct has_decode : std::false_type {};
template <class T>
struct has_decode<T, std::void_t<decltype(Codec<T>::decode(std::declval<Decoder&>()))>>
    : std::true_type {};

template <class T, class = void>
struct has_describe : std::false_type {};
template <class T>
struct has_describe<T, std::void_t<decltype(Codec<T>::describe(std::declval<std::string&>()))>>
    : std::true_type {};

template <class T, class = void>
struct has_skip : std::false_type {};
template <class T>
struct has_skip<T, std::void_t<decltype(Codec<T>::skip(std::declval<Decoder&>()))>>
    : std::true_type {};

// The fewest bytes a T encodes to, as its codec declares (kMinEncodedSize); 0 when it does not,
// since a codec of unknown shape may write nothing at all.
template <class T, class = void>
struct MinEncodedSize : std::integral_constant<std::size_t, 0> {};
template <class T>
struct MinEncodedSize<T, std::void_t<decltype(Codec<T>::kMinEncodedSize)>>
    : std::integral_constant<std::size_t, Codec<T>::kMinEncodedSize> {};
template <class T>
inline constexpr std::size_t kMinEncodedSizeOf = MinEncodedSize<T>::value;

// Appends T's schema description; the one place codecs of composite types ask for it.
template <class T>
void describe_into(std::string& schema) {
  static_assert(has_describe<T>::value,
                "picocache: no Codec<T>::describe for this type; specialise picocache::Codec<T> "
                "with encode, decode and describe (see picocache/codec.hpp)");
  if constexpr (has_describe<T>::value) Codec<T>::describe(schema);
}

// Appends "name<A,B,...>" (or with another separator, "var<A|B>"): the shape of every composite
// description; a codec for a template of one's own can use it.
template <class... Ts>
void describe_composite(std::string& schema, const char* name, char separator = ',') {
  schema += name;
  schema += '<';
  bool first = true;
  const auto append = [&](void (*describe)(std::string&)) {
    if (!first) schema += separator;
    first = false;
    describe(schema);
  };
  (append(&describe_into<Ts>), ...);
  static_cast<void>(append);  // unused for an empty pack (std::tuple<>)
  schema += '>';
}

}  // namespace detail
}  // namespace picocache

// Codecs for std::unique_ptr and std::shared_ptr results: by the value they own, not by address.
// A presence byte (0 null, 1 an object), then the object. Decoding builds a new object, so a
// result read back owns its own copy: two callers never share one through the cache.
//
// Only for non-polymorphic objects: through a pointer to a base the object may be of a derived
// class, which encoding the base would slice off. Arrays (unique_ptr<T[]>) and custom deleters
// have no codec. As parameters, owning pointers stay refused (picocache-gen and picocache-tidy):
// a key is made from values, and a function taking a pointer usually cares about the object's
// identity.
#pragma once

#include <picocache/codec/decoder.hpp>
#include <picocache/codec/encoder.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>

namespace picocache {
namespace detail {

template <class T>
inline constexpr bool is_encodable_pointee_v =
    !std::is_polymorphic_v<T> && !std::is_array_v<T> && !std::is_void_v<T>;

// Whether an object follows; false after a failure.
inline bool read_presence(Decoder& d) {
  const std::size_t start = d.position();
  const std::uint8_t tag = d.read_u8();
  if (tag > 1) d.fail("pointer tag " + std::to_string(tag) + " is neither 0 nor 1", start);
  return tag == 1;
}

// The codec of both owning pointers to T: the same bytes and the same schema, so a result type
// that changes from one to the other keeps its stored values. `make` builds the decoded object
// (std::make_unique or std::make_shared).
template <class Pointer, class T>
struct OwningPointerCodec {
  static_assert(is_encodable_pointee_v<T>,
                "picocache: a std::unique_ptr or std::shared_ptr is encoded by its object, which "
                "must not be polymorphic (a derived object would be sliced) nor an array");
  using Object = std::remove_cv_t<T>;

  static constexpr std::size_t kMinEncodedSize = 1;

  static void encode(Encoder& e, const Pointer& value) {
    e.write_u8(value ? 1 : 0);
    if (value) e.write(*value);
  }
  static Pointer decode(Decoder& d) {
    if (!read_presence(d)) return nullptr;
    if constexpr (std::is_same_v<Pointer, std::shared_ptr<T>>) {
      return std::make_shared<Object>(d.read<Object>());
    } else {
      return std::make_unique<Object>(d.read<Object>());
    }
  }
  static void skip(Decoder& d) {
    if (read_presence(d)) d.skip<Object>();
  }
  static void describe(std::string& schema) { describe_composite<Object>(schema, "ptr"); }
};

}  // namespace detail

template <class T>
struct Codec<std::unique_ptr<T>> : detail::OwningPointerCodec<std::unique_ptr<T>, T> {};

template <class T>
struct Codec<std::shared_ptr<T>> : detail::OwningPointerCodec<std::shared_ptr<T>, T> {};

}  // namespace picocache

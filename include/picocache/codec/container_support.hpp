// Shared by the container codecs: a container is its element count (varint) then its elements.
// Decoding trusts the count only as far as Decoder::read_count allows (the element limit, and the
// bytes left for elements that take at least one byte).
#pragma once

#include <picocache/codec/decoder.hpp>
#include <picocache/codec/encoder.hpp>

#include <algorithm>
#include <cstddef>

namespace picocache {
namespace detail {

// read_count bounds a count, but one byte on the wire (or none, for std::tuple<>) can become a
// large element in memory; so reserve at most this many up front and let the container grow.
inline constexpr std::size_t kMaxDecodeReserve = 4096;

template <class Container>
void reserve_for_decode(Container& container, std::size_t count) {
  container.reserve(std::min(count, kMaxDecodeReserve));
}

template <class Container>
void encode_elements(Encoder& e, const Container& container) {
  e.write_varint(container.size());
  for (const auto& element : container) e.write(element);
}

// The count of a container of Elements... (one, or a map's key and value): each element takes at
// least the sum of their smallest encodings.
template <class... Elements>
std::size_t read_element_count(Decoder& d) {
  return d.read_count((kMinEncodedSizeOf<Elements> + ... + 0));
}

// Reads past a container of Elements... without building it.
template <class... Elements>
void skip_elements(Decoder& d) {
  const std::size_t count = read_element_count<Elements...>(d);
  for (std::size_t i = 0; i < count && !d.failed(); ++i) (d.skip<Elements>(), ...);
}

}  // namespace detail
}  // namespace picocache

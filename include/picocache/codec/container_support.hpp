// Shared by the container codecs: a container is its element count (varint) then its elements.
// Decoding trusts the count only as far as Decoder::read_count allows.
#pragma once

#include <picocache/codec/decoder.hpp>
#include <picocache/codec/encoder.hpp>

#include <algorithm>
#include <cstddef>

namespace picocache {
namespace detail {

// read_count caps a count at the bytes left, but one byte on the wire can become a large element
// in memory; so reserve at most this many up front and let the container grow past it.
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

}  // namespace detail
}  // namespace picocache

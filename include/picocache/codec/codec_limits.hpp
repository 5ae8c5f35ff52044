// CodecLimits: how large, how deep and how many elements one encoded value may be. The encoder
// and the decoder enforce the same limits, so a value the encoder accepts always decodes, and
// bytes from a shared store (untrusted) can never make a decoder recurse, count or allocate
// beyond what a legitimate value of these limits would.
#pragma once

#include <cstddef>

namespace picocache {

struct CodecLimits {
  // Bytes of one encoded value (the stored value's payload, without its 9-byte header).
  std::size_t max_size = std::size_t{64} << 20;  // 64 MiB
  // Values nested inside one another: the value itself is level 1, each element, member or
  // alternative one level below what holds it. std::vector<int> is 2 levels deep.
  std::size_t max_depth = 256;
  // Values in all, at every level, including the value itself and elements that encode to no
  // bytes (std::tuple<>, std::array<T, 0>), so that those cannot make a few bytes decode into
  // millions of objects. A std::vector<int> of n elements counts n + 1.
  std::size_t max_elements = std::size_t{16} << 20;  // 16 Mi
};

// What encode_value and decode_value (so every cached function) use.
inline constexpr CodecLimits kDefaultCodecLimits{};

}  // namespace picocache

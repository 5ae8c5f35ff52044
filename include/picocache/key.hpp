// Key128, the 128-bit hash that names a cache entry (from the encoded arguments) or a function
// (from its name, signature and salt), and the hash functions behind it. The hash is XXH3, whose
// output is specified for every platform, so keys written by one machine are found by another.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace picocache {

struct Key128 {
  std::uint64_t lo = 0;
  std::uint64_t hi = 0;

  // 32 lowercase hex digits, hi first: the key read as one 128-bit number (as `xxhsum -H2`
  // prints XXH3_128bits).
  std::string to_hex() const {
    static constexpr char kHexDigits[] = "0123456789abcdef";
    std::string hex(32, '0');
    for (std::size_t i = 0; i < 16; ++i) {
      hex[15 - i] = kHexDigits[(hi >> (4 * i)) & 0xf];
      hex[31 - i] = kHexDigits[(lo >> (4 * i)) & 0xf];
    }
    return hex;
  }

  friend bool operator==(const Key128& a, const Key128& b) { return a.lo == b.lo && a.hi == b.hi; }
  friend bool operator!=(const Key128& a, const Key128& b) { return !(a == b); }
};

// XXH3_128bits of `bytes` (seed 0): the key of an argument encoding or a function identity.
Key128 hash_key(std::string_view bytes);

// XXH3_64bits of `bytes` (seed 0): schema fingerprints.
std::uint64_t hash64(std::string_view bytes);

}  // namespace picocache

// Key128 is already a uniform hash; its low half serves unordered containers.
template <>
struct std::hash<picocache::Key128> {
  std::size_t operator()(const picocache::Key128& key) const noexcept {
    return static_cast<std::size_t>(key.lo);
  }
};

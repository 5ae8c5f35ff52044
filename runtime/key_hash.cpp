// hash_key and hash64 (declared in picocache/key.hpp). xxHash is compiled in here, header-only,
// so neither users' builds nor the installed runtime need libxxhash.
#include <picocache/key.hpp>

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace picocache {

Key128 hash_key(std::string_view bytes) {
  const XXH128_hash_t hash = XXH3_128bits(bytes.data(), bytes.size());
  return Key128{hash.low64, hash.high64};
}

std::uint64_t hash64(std::string_view bytes) { return XXH3_64bits(bytes.data(), bytes.size()); }

}  // namespace picocache

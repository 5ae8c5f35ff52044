// The check an entry keeps of the arguments it was computed for, so that a hit is verified and a
// hash collision of entry keys (XXH3-128 is fast, not collision resistant: its long-input path
// has seed-independent collisions) is a miss, never another call's result.
//
// The check is the canonical argument bytes themselves when they are shorter than 32 bytes,
// else their BLAKE2b-256 digest (32 bytes): a forged collision then needs a BLAKE2b collision.
// The two cannot be confused: their lengths differ.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace picocache::detail {

inline constexpr std::size_t kMaxCheckSize = 32;

// The check of `arguments` (the canonical encoding memoize hashes into the entry key).
std::string entry_check(std::string_view arguments);

}  // namespace picocache::detail

namespace picocache {
using detail::kMaxCheckSize;
}  // namespace picocache

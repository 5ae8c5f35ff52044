// How stores that keep one opaque string per entry (Redis, Memcached) pack an entry's metadata
// beside its value: the entry layout's version, when it was written, and its argument check.
//
//   byte 0        kEnvelopeVersion (2); anything else is no entry of this layout: a miss
//   bytes 1-8     written_at, milliseconds since the Unix epoch, little-endian
//   byte 9        n, the check's length (at most kMaxCheckSize)
//   n bytes       the check (entry_check.hpp)
//   the rest      the value exactly as memoize encoded it (its own header first)
#pragma once

#include "stores/store.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace picocache {

inline constexpr unsigned char kEnvelopeVersion = 2;

// The stored form of an entry. `check` must be at most kMaxCheckSize bytes.
std::string pack_entry(std::string_view check, std::int64_t written_at, std::string_view value);

// The entry packed in `stored`, or nullopt when it is not one of this layout (another version,
// truncated): bytes from a shared store are untrusted, so every length is checked.
std::optional<StoredEntry> unpack_entry(std::string_view stored);

}  // namespace picocache

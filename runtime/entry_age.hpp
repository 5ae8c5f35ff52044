// When a stored entry is too old to be used: the one ttl rule, applied by the runtime to what
// every store returns (memoize_glue.cpp) and to the in-process tier (memory_tier.cpp), so a
// changed ttl applies to existing entries on every store, whatever the store's own expiry did.
#pragma once

#include <picocache/memoize.hpp>

#include <chrono>
#include <cstdint>

namespace picocache::detail {

// Now, in the unit of StoredEntry::written_at: milliseconds since the Unix epoch.
inline std::int64_t epoch_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Whether an entry written at `written_at` (epoch milliseconds) is older than `ttl` now.
// kNoTtl: never, and without reading the clock (this runs on every hit). An entry written "in
// the future" (a writer whose clock ran ahead) is not expired: its age is unknown, and eviction
// still bounds it.
inline bool expired(std::int64_t written_at, std::chrono::milliseconds ttl) {
  return ttl != kNoTtl && epoch_ms() - written_at >= ttl.count();
}

}  // namespace picocache::detail

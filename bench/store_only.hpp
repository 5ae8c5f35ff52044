// Included by the store benchmarks: they measure the store, so the in-process tier, which would
// answer their repeated hits from memory, is turned off (PICOCACHE_MEMORY=0) before any cached
// call. memory_tier_bench.cpp measures the tier itself.
#pragma once

#include <cstdlib>

namespace picocache::bench {

inline const bool kInProcessTierOff = [] { return setenv("PICOCACHE_MEMORY", "0", 1) == 0; }();

}  // namespace picocache::bench

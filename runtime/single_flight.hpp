// Single-flight: concurrent misses of one (function, key) run the body once, in every thread,
// process and machine that shares the store; the others wait for its result. detail::Flight
// (include/picocache/memoize.hpp) is the miss path's handle on it; this header holds the
// protocol's constants for the runtime and its tests.
//
// In one process, a table of flights under way (one per (function, key)) lets a thread that
// misses a key another thread is computing wait for that thread's value, handed over in memory:
// it never goes through the store, so it arrives even when the store could not keep it. Waits
// never form a cycle: a thread does not wait on a flight whose leader is itself, or is (through
// a chain of waits) waiting on this thread; it runs the body instead. Recursion (fib calling fib)
// therefore never deadlocks. This table is the place of issue 15's in-process tier: a tier entry
// and a flight are the two states of one (function, key) slot.
//
// Across processes, the thread that leads a key in its process takes the store's lease on it
// (Store::try_lease) before running the body, has it renewed by a background thread while the
// body runs, and releases it once the value is stored. The others poll with back-off (5 ms
// doubling to 100 ms): look the key up, then try the lease; whoever gets it looks up once more
// (the leader may just have stored it) and then runs the body itself. A waiter stops waiting and
// runs the body when its function's lock_timeout has passed, or at once when the store fails (one
// warning, through StoreSession's failure policy).
#pragma once

#include <picocache/memoize.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace picocache::detail {

// How long a lease lasts unless renewed: a SIGKILLed holder's Redis lease blocks the others this
// long at most (SQLite's file lease goes with the process at once).
inline constexpr std::chrono::milliseconds kLeaseDuration{5000};
// The renewer extends every held lease this often.
inline constexpr std::chrono::milliseconds kLeaseRenewInterval = kLeaseDuration / 3;
// A waiter's polling interval: the first, and the most it doubles to.
inline constexpr std::chrono::milliseconds kFirstPoll{5};
inline constexpr std::chrono::milliseconds kLongestPoll{100};

// True when this thread's last detail::lookup() failed at the store (unavailable, error or
// timeout), or did not ask it (the in-process tier had dropped the key, see memory_tier.hpp). A
// miss that follows such a lookup takes no lease: during an outage, a cached call pays for its
// lookup and its store as before, not for a lease as well. Defined in memoize_glue.cpp.
bool last_lookup_skips_lease();

// Reads the stored value for `key` into `value` (nullopt when absent, older than fn.ttl(), or
// stored for other arguments: a collision, counted), and its write time into `*written_at` when
// given. False when the store failed (reported by the session). The store half of
// detail::lookup, without the in-process tier. Defined in memoize_glue.cpp.
bool read_stored(CachedFunction& fn, const Key128& key, std::string_view arguments,
                 std::optional<std::string>& value, std::int64_t* written_at = nullptr);

// What detail::remember does, telling whether the store kept the value: keeps it in the
// in-process tier, then stores it with the check of `arguments`. Defined in memoize_glue.cpp.
bool store_result(CachedFunction& fn, const Key128& key, std::string_view arguments,
                  std::string_view value);

}  // namespace picocache::detail

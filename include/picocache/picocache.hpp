// PicoCache's public API: what users include to inspect, clear and configure their cached
// functions (annotated `[[picocache::cached]]` and wrapped by picocache-gen). C++17.
//
//   picocache::cache_info(&fib)              {hits, misses, maxsize, currsize}
//   picocache::cache_info("geo::area")       by qualified name (or "geo::area double (double)")
//   picocache::cache_clear(&fib)             drops fib's entries from the store, resets counters
//   picocache::cache_parameters(&fib)        {maxsize, typed, single_flight, lock_timeout, ttl}
//   picocache::configure("redis://cache:6379/0")   the default store (PICOCACHE_URL wins)
//   picocache::set_log_handler(fn)           where warnings go (default: stderr)
//   picocache::unstorable_results()          results too large to store (CodecLimits)
//
// A function is named by a pointer to it (cast to pick one overload; member function pointers
// work too) or by its qualified name as a string. tests/unit/memoize_test.cpp pins each call above
// (unstorable_results: tests/unit/memoize_limits_test.cpp).
#pragma once

#include <picocache/codec.hpp>
#include <picocache/key.hpp>
#include <picocache/memoize.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

namespace picocache {

// A mistake in how PicoCache is used: a bad store URL, a name that is no cached function, a name
// that fits several overloads. Store failures are not errors: cached functions run uncached.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What cache_info returns: a snapshot, taken when called (later calls do not update it), like
// functools' CacheInfo. The counts are this process's; currsize is the store's, shared by every
// process using it (0 when the store cannot be reached).
struct CacheInfo {
  std::uint64_t hits = 0;    // this process's calls answered from the cache, since start or clear
  std::uint64_t misses = 0;  // this process's calls that ran the body
  std::optional<std::uint64_t> maxsize;  // nullopt: maxsize=none
  std::uint64_t currsize = 0;            // entries the store holds for the function now
};

// What cache_parameters returns: the function's annotation, as picocache-gen compiled it in.
struct CacheParameters {
  std::optional<std::uint64_t> maxsize;  // nullopt: maxsize=none
  bool typed = false;
  bool single_flight = true;  // concurrent misses of one key run the body once
  std::chrono::milliseconds lock_timeout = kDefaultLockTimeout;  // the longest such a miss waits
  std::optional<std::chrono::milliseconds> ttl;  // nullopt: ttl=none (entries never expire)
  std::string version;  // the annotation's `version` ("2"), "" when the code fingerprint is used
};

// What happened between this process and its store since the process started (never reset,
// not even by cache_clear). Read the fields by name: more may be added.
struct StoreCounters {
  // Store operations that failed (broken, unreachable, ...).
  std::uint64_t errors = 0;
  // Store operations that timed out (a busy file, a stalled server).
  std::uint64_t timeouts = 0;
  // Results computed but not stored: the store failed or was busy.
  std::uint64_t dropped_writes = 0;
  // Bugs inside PicoCache caught at the store boundary (see PICOCACHE_STRICT).
  std::uint64_t internal_errors = 0;
  // Stored entries whose argument check did not match: a collision, a miss.
  std::uint64_t rejected_entries = 0;
  // Results beyond the codec limits: returned to the caller, not stored.
  std::uint64_t unstorable_results = 0;
  // Misses that waited for another caller's computation instead (single-flight).
  std::uint64_t waited = 0;
  // Calls answered by the in-process tier, without reaching the store (also counted as hits in
  // cache_info; PICOCACHE_MEMORY sets its size).
  std::uint64_t memory_hits = 0;
};

// A snapshot of this process's counters. Thread-safe; costs a few atomic loads.
StoreCounters store_counters();

namespace detail {

template <class F>
inline constexpr bool is_function_pointer_v =
    (std::is_pointer_v<F> && std::is_function_v<std::remove_pointer_t<F>>) ||
    std::is_member_function_pointer_v<F>;

// Defined in the runtime library; throw Error when `address` is not a cached function.
CacheInfo cache_info(const FunctionAddress& address);
void cache_clear(const FunctionAddress& address);
CacheParameters cache_parameters(const FunctionAddress& address);

}  // namespace detail

// `fn` is a cached function (a function pointer or member function pointer). Throws Error when
// it is not one.
template <class F, std::enable_if_t<detail::is_function_pointer_v<F>, int> = 0>
CacheInfo cache_info(F fn) {
  return detail::cache_info(address_of(fn));
}
template <class F, std::enable_if_t<detail::is_function_pointer_v<F>, int> = 0>
void cache_clear(F fn) {
  detail::cache_clear(address_of(fn));
}
template <class F, std::enable_if_t<detail::is_function_pointer_v<F>, int> = 0>
CacheParameters cache_parameters(F fn) {
  return detail::cache_parameters(address_of(fn));
}

// By qualified name ("geo::area"), or by the name and its signature exactly as listings show it
// ("geo::area double (double)"). Throws Error when no cached function, or more than one overload,
// has that name; the message lists the candidates.
CacheInfo cache_info(std::string_view qualified_name);
void cache_clear(std::string_view qualified_name);
CacheParameters cache_parameters(std::string_view qualified_name);

// Sets the store cached functions use, e.g. "sqlite:cache.db" or "redis://host:6379/0" (see the
// README for every form). PICOCACHE_URL, when set, wins over it. Throws Error for a bad URL.
// Best called before the first cached call; a later call switches stores from the next call on.
void configure(std::string_view url);

// Results this process computed but could not store because their encoding is beyond the codec
// limits (CodecLimits, picocache/codec/codec_limits.hpp: 64 MiB, 256 levels, 16 Mi values): each
// was returned to its caller uncached. The first one of each function is also logged. Never
// throws.
std::uint64_t unstorable_results();

// Where PicoCache's warnings go (one line each, no trailing newline). The default writes them to
// stderr; an empty function restores the default. The handler may be called from any thread.
void set_log_handler(std::function<void(std::string_view)> handler);

}  // namespace picocache

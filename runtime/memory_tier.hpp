// The in-process tier: recent results of every cached function kept in this process's memory,
// in front of the store, so a hot key costs a hash lookup and a copy instead of a store read.
//
// What it keeps: the stored form of each result (the bytes the store gets, header included), with
// the call's argument bytes, so a hit decodes a new result for each caller (a move-only result
// works, a std::shared_ptr result is never shared between callers) and compares the arguments
// exactly (no hash collision can be served). Stored values still go to the store: results stay
// persistent and shared.
//
// Bounds: per function, its maxsize, least recently used first out: within one process a
// function behaves exactly as functools.lru_cache(maxsize). (A key the tier dropped for maxsize
// is a miss here even when the store still holds it for other processes; the tier remembers up
// to 4 x maxsize such keys, and 1024 at most; a fresh process finds the store's entries.) Per
// process, a budget of bytes (values plus arguments plus a fixed overhead per entry):
// PICOCACHE_MEMORY, e.g. `256MiB`, `64M`, `1048576` (bytes), `0` (the tier is off); 64 MiB by
// default. Over the budget, entries leave from the inserting function's least recently used end,
// then from the function holding the most bytes (for a function of maxsize none in CLOCK order:
// an entry used since it last reached the end gets a second chance, so its hits reorder nothing).
//
// Other processes: a clear made elsewhere reaches this tier within a second. Each function's
// Store::clear_generation() is read at most once a second (on that function's next call) and a
// change drops the function's entries here. A store that cannot tell (nullopt) leaves the tier
// with this process's own clears only. An entry evicted from the store by another process stays
// here until this tier evicts it (a hit that process would miss).
//
// ttl: each entry keeps the time it was written (by this process, or as the store says when it was
// read from there), and once older than its function's ttl it is absent here too.
//
// When the store is down the tier goes on caching: a broken store degrades the program to
// lru_cache, not to no cache at all.
#pragma once

#include <picocache/key.hpp>
#include <picocache/memoize.hpp>  // DecodeInto

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace picocache {
class CachedFunction;
}  // namespace picocache

namespace picocache::detail {

// The default byte budget, and how PICOCACHE_MEMORY's text becomes one: digits, optionally
// followed by K, M, G (or KB, KiB, MB, MiB, GB, GiB; all powers of 1024), case-insensitive.
// nullopt for anything else (then the default applies, with one warning).
inline constexpr std::uint64_t kDefaultMemoryBudget = std::uint64_t{64} << 20;
std::optional<std::uint64_t> parse_memory_budget(std::string_view text);

// What the tier found for a call.
enum class TierFound {
  hit,
  absent,
  // The tier dropped this key to keep fn within its maxsize: lru_cache would run the body, so
  // the call is a miss even if the store still has the entry (kept for other processes).
  dropped,
};

// The kept value of `fn`'s call with `arguments` (hashed to `key`), now the most recently used,
// decoded in place with `decode` into `out` (under the tier's lock: no copy of its bytes); `hit`
// means `out` holds the result, and a kept value that does not decode is absent. Absent when
// the tier is off. May read the store's clear generation first (see above). While `decode` runs,
// every tier function finds the tier off for this thread (a codec that calls a cached function
// would otherwise wait for the lock this thread holds). Counts nothing (the caller knows whether
// the call is a memory hit or a wait). Thread-safe; never throws.
TierFound tier_find_decoded(CachedFunction& fn, const Key128& key, std::string_view arguments,
                            DecodeInto decode, void* out);

// The same for a caller that wants the stored value itself (header included): a copy of it, or
// nullopt for absent and dropped alike.
std::optional<std::string> tier_find(CachedFunction& fn, const Key128& key,
                                     std::string_view arguments);

// Keeps `value` for `fn`'s call with `arguments`, written at `written_at` (epoch milliseconds:
// now for a new result, the store's StoredEntry::written_at for one read from it), evicting down
// to fn.maxsize() and the budget. A value alone larger than the budget is not kept. Thread-safe;
// never throws.
void tier_insert(CachedFunction& fn, const Key128& key, std::string_view arguments,
                 std::string_view value, std::int64_t written_at);

// Drops `fn`'s entries (cache_clear in this process).
void tier_clear(CachedFunction& fn);
// Forgets `fn` altogether (its destructor): a CachedFunction built later at the same address is
// another function and must find none of these entries.
void tier_forget(const CachedFunction& fn);
// Drops every entry (the process switched stores: configure()).
void tier_clear_all();

// How many entries and bytes the tier holds, for tests and statistics.
struct TierUsage {
  std::uint64_t entries = 0;
  std::uint64_t bytes = 0;
};
TierUsage tier_usage();
TierUsage tier_usage(const CachedFunction& fn);

// Sets the budget (0: off), dropping what no longer fits: for tests and benchmarks, which compare
// the tier on and off in one process. Normally the budget is PICOCACHE_MEMORY's, read once.
void set_tier_budget(std::uint64_t bytes);

}  // namespace picocache::detail

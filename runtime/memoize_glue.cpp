// detail::lookup and detail::remember: where memoize<R>() meets the in-process tier and the
// process's store. Every store failure stops here: the call runs uncached (the tier still caches
// it) and the session logs it once. A stored entry is verified against the call's arguments
// (entry_check.hpp) and its age (entry_age.hpp: ttl) before its value is used; the tier compares
// the arguments itself, and keeps the entry's write time for the same ttl check. The first store
// access of a function, and one an hour after, records its code version (version_keeping.hpp).
#include "entry_age.hpp"
#include "entry_check.hpp"
#include "memory_tier.hpp"
#include "single_flight.hpp"
#include "store_counters.hpp"
#include "store_session.hpp"
#include "version_keeping.hpp"

#include <picocache/memoize.hpp>

namespace picocache::detail {

namespace {

// Whether this thread's last lookup failed at the store or skipped it (see
// last_lookup_skips_lease()).
thread_local bool t_lookup_failed = false;

}  // namespace

bool last_lookup_skips_lease() { return t_lookup_failed; }

bool lookup(CachedFunction& fn, const Key128& key, std::string_view arguments, DecodeInto decode,
            void* out) {
  switch (tier_find_decoded(fn, key, arguments, decode, out)) {
    case TierFound::hit:
      count(store_counter_cells().memory_hits);
      t_lookup_failed = false;
      return true;
    case TierFound::dropped:
      // lru_cache would run the body: a miss, with no lease (whose second look would find the
      // store's copy, kept for other processes).
      t_lookup_failed = true;
      return false;
    case TierFound::absent:
      break;
  }
  std::optional<std::string> value;
  std::int64_t written_at = 0;
  t_lookup_failed = !read_stored(fn, key, arguments, value, &written_at);
  // Only a value that decodes is kept in the tier: another one is a miss, which replaces it.
  if (!value || !decode(*value, out)) return false;
  tier_insert(fn, key, arguments, *value, written_at);
  return true;
}

bool read_stored(CachedFunction& fn, const Key128& key, std::string_view arguments,
                 std::optional<std::string>& value, std::int64_t* written_at) {
  keep_versions(fn);  // a time comparison, except once an hour
  std::optional<StoredEntry> entry;
  const bool ok = StoreSession::instance().run(
      StoreAccess::read, "reading", fn,
      [&](Store& store, const FunctionRef& ref) { entry = store.get(ref, key); });
  if (!ok || !entry) return ok;
  if (entry->check != entry_check(arguments)) {
    // Another call's entry under the same key: a hash collision, accidental or forged.
    count(store_counter_cells().rejected_entries);
    return true;
  }
  // Older than the function's ttl now (the store's own expiry may lag, or was set with another
  // ttl): a miss, whose store replaces the entry.
  if (expired(entry->written_at, fn.ttl())) return true;
  value = std::move(entry->value);
  if (written_at != nullptr) *written_at = entry->written_at;
  return true;
}

bool store_result(CachedFunction& fn, const Key128& key, std::string_view arguments,
                  std::string_view value) {
  tier_insert(fn, key, arguments, value, epoch_ms());
  const std::string check = entry_check(arguments);
  return StoreSession::instance().run(StoreAccess::write, "storing a result of", fn,
                                      [&](Store& store, const FunctionRef& ref) {
                                        EntryWrite entry;
                                        entry.value = value;
                                        entry.check = check;
                                        entry.maxsize = fn.maxsize();
                                        if (fn.ttl() != kNoTtl) entry.ttl = fn.ttl();
                                        store.put(ref, key, entry);
                                      });
}

// By value: the signature memoize.hpp declares, which compiled user code calls.
void remember(CachedFunction& fn, const Key128& key, std::string_view arguments,
              std::string value) {  // NOLINT(performance-unnecessary-value-param)
  store_result(fn, key, arguments, value);
}

}  // namespace picocache::detail

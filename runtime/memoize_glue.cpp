// detail::lookup and detail::remember: where memoize<R>() meets the process's store. Every store
// failure stops here: the call runs uncached and the session logs it once. A stored entry is
// verified against the call's arguments (entry_check.hpp) before its value is used.
#include "entry_check.hpp"
#include "single_flight.hpp"
#include "store_counters.hpp"
#include "store_session.hpp"

#include <picocache/memoize.hpp>

namespace picocache::detail {

namespace {

// Whether this thread's last lookup failed at the store (see last_lookup_failed()).
thread_local bool t_lookup_failed = false;

}  // namespace

bool last_lookup_failed() { return t_lookup_failed; }

std::optional<std::string> lookup(CachedFunction& fn, const Key128& key,
                                  std::string_view arguments) {
  std::optional<StoredEntry> entry;
  t_lookup_failed = !StoreSession::instance().run(
      StoreAccess::read, "reading", fn,
      [&](Store& store, const FunctionRef& ref) { entry = store.get(ref, key); });
  if (!entry) return std::nullopt;
  if (entry->check != entry_check(arguments)) {
    // Another call's entry under the same key: a hash collision, accidental or forged.
    count(store_counter_cells().rejected_entries);
    return std::nullopt;
  }
  return std::move(entry->value);
}

void remember(CachedFunction& fn, const Key128& key, std::string_view arguments,
              std::string value) {
  const std::string check = entry_check(arguments);
  StoreSession::instance().run(StoreAccess::write, "storing a result of", fn,
                               [&](Store& store, const FunctionRef& ref) {
                                 EntryWrite entry;
                                 entry.value = value;
                                 entry.check = check;
                                 entry.maxsize = fn.maxsize();
                                 store.put(ref, key, entry);
                               });
}

}  // namespace picocache::detail

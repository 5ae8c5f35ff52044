// detail::lookup and detail::remember: where memoize<R>() meets the process's store. Every store
// failure stops here: the call runs uncached and the session logs it once.
#include "store_session.hpp"

#include <picocache/memoize.hpp>

namespace picocache::detail {

std::optional<std::string> lookup(CachedFunction& fn, const Key128& key) {
  std::optional<std::string> value;
  StoreSession::instance().run(
      "reading", fn, [&](Store& store, const FunctionRef& ref) { value = store.get(ref, key); });
  return value;
}

void remember(CachedFunction& fn, const Key128& key, std::string value) {
  StoreSession::instance().run(
      "storing a result of", fn,
      [&](Store& store, const FunctionRef& ref) { store.put(ref, key, value, fn.maxsize()); });
}

}  // namespace picocache::detail

// detail::lookup and detail::remember: where memoize<R>() meets the process's store. Every store
// failure stops here: the call runs uncached and the session logs it once.
#include "store_session.hpp"

#include <picocache/memoize.hpp>

namespace picocache::detail {

std::optional<std::string> lookup(CachedFunction& fn, const Key128& key) {
  StoreSession& session = StoreSession::instance();
  Store* store = session.store();
  if (!store) return std::nullopt;
  try {
    std::optional<std::string> value = store->get({fn.id(), fn.display_name()}, key);
    session.succeeded();
    return value;
  } catch (const std::exception& error) {
    session.failed("reading " + fn.display_name(), error);
    return std::nullopt;
  }
}

void remember(CachedFunction& fn, const Key128& key, std::string value) {
  StoreSession& session = StoreSession::instance();
  Store* store = session.store();
  if (!store) return;
  try {
    store->put({fn.id(), fn.display_name()}, key, value, fn.maxsize());
    session.succeeded();
  } catch (const std::exception& error) {
    session.failed("storing a result of " + fn.display_name(), error);
  }
}

}  // namespace picocache::detail

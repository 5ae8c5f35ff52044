// open_store(): from a URL to the store unit that serves it.
#include "stores/store_factories.hpp"

#include <picocache/picocache.hpp>

#include <type_traits>

namespace picocache {

std::unique_ptr<Store> open_store(std::string_view url) {
  return std::visit(
      [&](const auto& parsed) -> std::unique_ptr<Store> {
        using Parsed = std::decay_t<decltype(parsed)>;
        if constexpr (std::is_same_v<Parsed, SqliteUrl>) {
          return make_sqlite_store(parsed);
        } else {
#ifdef PICOCACHE_HAVE_REDIS
          return make_redis_store(parsed);
#else
          throw Error("picocache: \"" + redact_store_url(url) +
                      "\" names a Redis store, but this PicoCache was built without Redis "
                      "(configure it with -DPICOCACHE_WITH_REDIS=ON and libhiredis-dev)");
#endif
        }
      },
      parse_store_url(url));
}

}  // namespace picocache

// The constructors open_store() dispatches to, one per store unit. Each is defined in its store's
// .cpp; make_redis_store exists only when the runtime is built with the Redis store
// (PICOCACHE_HAVE_REDIS, from the CMake option PICOCACHE_WITH_REDIS).
#pragma once

#include "stores/store.hpp"
#include "stores/store_url.hpp"

#include <memory>

namespace picocache {

// Opens (or creates) the SQLite database; throws StoreError when it cannot.
std::unique_ptr<Store> make_sqlite_store(const SqliteUrl& url);

// Creates the Redis store; it may connect lazily, so a server that is down shows as StoreError
// from the first operation rather than from here.
std::unique_ptr<Store> make_redis_store(const RedisUrl& url);

}  // namespace picocache

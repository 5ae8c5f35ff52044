// The built-in stores' URL forms, parsed in one place (which scheme goes to which store is the
// registry's table, store_registry.hpp):
//
//   sqlite:picocache.db            a file relative to the working directory (the default store)
//   sqlite:relative/path.db
//   sqlite:///absolute/path.db
//   sqlite::memory:                a private in-memory database (nothing persists)
//   redis://[[user]:password@]host[:port][/db]     port 6379 and db 0 unless given; user and
//                                                  password may be %-escaped; [::1] for IPv6
//   unix:///path/redis.sock[?db=N]                 Redis over a Unix socket
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace picocache {

struct SqliteUrl {
  std::string path;  // as written (relative to the working directory, or absolute); empty if memory
  bool memory = false;
};

struct RedisUrl {
  std::string host;  // empty when unix_path is set
  std::uint16_t port = 6379;
  std::string user;      // empty: the default user
  std::string password;  // empty: no AUTH
  unsigned db = 0;
  std::string unix_path;  // set for unix:// URLs
};

// Parses a `sqlite:` URL; throws picocache::Error quoting the URL and saying what is wrong (an
// empty path, parameters, a host).
SqliteUrl parse_sqlite_url(std::string_view url);

// Parses a `redis://` or `unix://` URL; throws picocache::Error quoting the URL (password
// hidden) and saying what is wrong: a missing host, a bad port or db number, trailing characters.
RedisUrl parse_redis_url(std::string_view url);

// Throws picocache::Error "picocache: bad store URL '<url, password hidden>': <what>".
[[noreturn]] void bad_store_url(std::string_view url, std::string_view what);

// `url` with its password replaced by "***", for messages and logs.
std::string redact_store_url(std::string_view url);

}  // namespace picocache

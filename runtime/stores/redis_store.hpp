// RedisStore: the Store over a Redis server (or a Redis Cluster node) through hiredis.
//
// Key layout. Every key of a function shares the hash tag `{<function-id>}`, so one Redis
// Cluster slot holds them all and the Lua scripts below may touch them together:
//   picocache:{<id>}:v:<32 hex>   the value of one entry (the hex is Key128::to_hex())
//   picocache:{<id>}:lru          sorted set of the entries' hex, scored by recency tick
//   picocache:{<id>}:tick         the function's recency counter (INCR)
//   picocache:{<id>}:name         "qualified_name signature", for listings
//   picocache:functions           set of function ids, for listings (see redis_store.cpp)
//
// A hit is one round trip (one EVALSHA that reads the value and bumps its tick); a miss is two
// (that EVALSHA, then one EVALSHA that stores, ticks, evicts beyond maxsize and records the
// name, with the SADD to picocache:functions pipelined behind it). Both scripts are atomic, so
// maxsize holds however many processes write at once.
#pragma once

#include "stores/store.hpp"
#include "stores/store_url.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace picocache {

// The Redis store's timeouts, in one place. A server on the same host or LAN accepts a
// connection in well under 100 ms; every command here is O(log n) in Redis (except evicting or
// clearing many entries at once), so one that takes 2 s means the server is lost or stuck.
inline constexpr std::chrono::milliseconds redis_connect_timeout{100};
inline constexpr std::chrono::milliseconds redis_command_timeout{2000};
// After a failed connect, calls fail at once (no network) for this long, doubling up to the
// maximum while the server stays away; a successful connect resets it.
inline constexpr std::chrono::milliseconds redis_reconnect_backoff_initial{100};
inline constexpr std::chrono::milliseconds redis_reconnect_backoff_max{5000};

class RedisStore final : public Store {
 public:
  // Does not connect: the first call does (as ccache's remote storage), so a server that is
  // down when the program starts is only a StoreError on the calls made while it is down.
  explicit RedisStore(RedisUrl url);
  ~RedisStore() override;

  RedisStore(const RedisStore&) = delete;
  RedisStore& operator=(const RedisStore&) = delete;

  std::optional<std::string> get(const FunctionRef& fn, const Key128& key) override;
  void put(const FunctionRef& fn, const Key128& key, std::string_view value,
           std::uint64_t maxsize) override;
  void clear(const FunctionRef& fn) override;
  std::uint64_t size(const FunctionRef& fn) override;
  std::vector<FunctionSummary> functions() override;

  // The URL with any password masked: what error messages name.
  const std::string& display_url() const { return display_url_; }

  // "picocache:{<id>}:", the start of every key of the function `id`.
  static std::string key_prefix(std::string_view function_id);
  // The set of function ids, outside any hash tag.
  static constexpr std::string_view functions_key = "picocache:functions";

 private:
  class Connection;
  class Lease;
  enum class Script { get, put, clear };

  Lease acquire(const char* operation);
  void release(std::unique_ptr<Connection> connection);
  void connection_lost();
  std::unique_ptr<Connection> connect();
  void load_scripts(Connection& connection);
  [[noreturn]] void fail(const char* operation, std::string_view cause) const;

  struct ScriptReply;
  ScriptReply run_script(Connection& connection, Script script,
                         const std::vector<std::string_view>& keys,
                         const std::vector<std::string_view>& args, const char* operation,
                         std::initializer_list<std::string_view> also = {});

  const RedisUrl url_;
  const std::string display_url_;

  // SHA1s of the scripts, set once by the first successful connect (SCRIPT LOAD) and read-only
  // afterwards; scripts_loaded_ publishes them.
  std::atomic<bool> scripts_loaded_{false};
  std::string script_sha_[3];

  // Idle connections, reused by whichever thread calls next. A connection is used by one thread
  // at a time; connections made before a fork are dropped, never used, by the child.
  std::mutex mutex_;
  std::vector<std::unique_ptr<Connection>> idle_;
  pid_t pid_;
  std::uint64_t generation_ = 0;  // bumped when a connection is lost: older ones are dropped
  std::chrono::steady_clock::time_point next_connect_{};
  std::chrono::milliseconds backoff_{0};
  std::string last_connect_error_;
};

}  // namespace picocache

// RedisStore: the Store over a Redis server (or one Redis Cluster node) through hiredis.
//
// Key layout. Every key of a function shares the hash tag `{<function-id>}`, so one Redis
// Cluster slot holds them all and one Lua script may touch them together:
//   picocache:{<id>}:v:<32 hex>   the value of one entry (the hex is Key128::to_hex())
//   picocache:{<id>}:lru          sorted set of the entries' hex, scored by the time of their
//                                 last use: the per-function index that clear() and size() use
//                                 (no KEYS), and the LRU order
//   picocache:functions           hash id -> "qualified_name signature", for listings
//
// A hit is one round trip: GET and `ZADD lru XX <now> <entry>`, pipelined in one write. A miss
// is two: that, then one EVALSHA of a script that stores the value and evicts the least recently
// used entries beyond maxsize atomically (with the HSET of the name pipelined behind it), so
// maxsize holds however many processes write at once. How exact the LRU order is: see
// redis_store.cpp.
//
// Failure. Every failure is a StoreError naming the URL (password masked), the operation and
// the cause; the store never logs. While the server is away, calls fail at once instead of
// waiting on the network each time: after a failed connect (or a command that timed out) no
// reconnect is tried for a backoff that doubles from 100 ms to 5 s, and calls in between throw
// immediately. A pooled connection that the server closed (a restart) is replaced once within
// the same call, so a restart between calls costs nothing.
//
// Connections. A small pool shared by the threads (a connection serves one call at a time), so
// each thread in a call has its own. A forked child drops the parent's connections unused
// (detail::fork_generation) and opens its own.
#pragma once

#include "stores/store.hpp"
#include "stores/store_url.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace picocache {

// The Redis store's timeouts, in one place. A server on the same host or LAN accepts a
// connection in well under 200 ms; every command here is O(log n) in Redis (evicting or
// clearing is batched), so one that takes a second means the server is lost or stuck.
inline constexpr std::chrono::milliseconds kRedisConnectTimeout{200};
inline constexpr std::chrono::milliseconds kRedisCommandTimeout{1000};
// After a failed connect, calls fail at once (no network) for this long, doubling up to the
// maximum while the server stays away; a successful connect resets it.
inline constexpr std::chrono::milliseconds kRedisReconnectBackoffInitial{100};
inline constexpr std::chrono::milliseconds kRedisReconnectBackoffMax{5000};

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
  // The hash of function ids to names, outside any hash tag.
  static constexpr std::string_view kFunctionsKey = "picocache:functions";

 private:
  class Connection;
  class Lease;
  enum class Script { put, clear };

  // Runs `operation` on a pooled connection (or a new one), replacing a connection the server
  // closed once; turns every failure into a StoreError for `name`.
  template <class Operation>
  auto with_connection(const char* name, Operation&& operation);
  Lease acquire(const char* name);
  void release(std::unique_ptr<Connection> connection);
  // The server is away: drops every pooled connection and starts (or doubles) the backoff.
  void server_lost(std::string cause);
  // A pooled connection was closed by the server: drops the pool, no backoff.
  void connection_closed();
  std::unique_ptr<Connection> connect();
  void load_scripts(Connection& connection);
  [[noreturn]] void fail(const char* name, std::string_view cause) const;

  const RedisUrl url_;
  const std::string display_url_;

  // SHA1s of the scripts, set by the first successful connect (SCRIPT LOAD) and read-only
  // afterwards; scripts_loaded_ publishes them.
  std::atomic<bool> scripts_loaded_{false};
  std::string script_sha_[2];

  // Idle connections, reused by whichever thread calls next (a connection serves one thread
  // at a time). Connections made before a fork are dropped, never used, by the child.
  std::mutex mutex_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::uint64_t fork_generation_;  // detail::fork_generation() when idle_ was last valid
  std::uint64_t generation_ = 0;   // bumped when the server is lost: older connections are dropped
  // Reconnect backoff: zero while the server answers. While it is non-zero, one thread at a
  // time (probing_) tries to connect once next_connect_ has passed; the others fail at once.
  std::chrono::milliseconds backoff_{0};
  std::chrono::steady_clock::time_point next_connect_{};
  bool probing_ = false;
  std::string last_error_;
};

}  // namespace picocache

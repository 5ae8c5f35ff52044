// The Redis store's wire and connections: one hiredis connection with its own RESP writer, and
// the pool the store's threads share, with its reconnect backoff. The store (redis_store.cpp)
// only says which commands to send and what the replies mean.
//
// Failure. Every failure leaves the pool as a StoreError naming the URL (password masked), the
// operation and the cause, of kind `timeout` when the server did not answer in time. While the
// server is away, calls fail at once instead of waiting on the network each time: after a failed
// connect (or a command that timed out) no reconnect is tried for a backoff that doubles from
// 100 ms to 5 s, and calls in between throw immediately. A pooled connection that the server
// closed (a restart) is replaced once within the same call, so a restart between calls costs
// nothing.
//
// Connections. A connection serves one thread at a time; idle ones wait in the pool. A forked
// child drops the parent's connections unused (they share the parent's sockets) and opens its own.
#pragma once

#include "stores/store.hpp"
#include "stores/store_timeouts.hpp"
#include "stores/store_url.hpp"

#include <hiredis/hiredis.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace picocache::redis {

// Timeouts: connect and command timeouts come from the call bound (store_timeouts.hpp:
// 200 ms and 400 ms of the default 1 s). A server on the same host or LAN accepts a connection
// in well under 200 ms; every command here is O(log n) in Redis (evicting or clearing is
// batched), so one that takes 400 ms means the server is lost or stuck. A cached call makes at
// most two commands after one connect, so it waits at most the bound.
// After a failed connect, calls fail at once (no network) for this long, doubling up to the
// maximum while the server stays away; a successful connect resets it.
inline constexpr std::chrono::milliseconds kReconnectBackoffInitial{100};
inline constexpr std::chrono::milliseconds kReconnectBackoffMax{5000};

// The connection cannot be used any more (closed, reset, timed out, or it never came up).
// Internal to this unit and the store: ConnectionPool::with_connection turns it into StoreError.
struct Failure {
  std::string cause;
  bool timed_out = false;
};

// One command's arguments, borrowed (the strings must outlive the call).
class CommandArgs {
 public:
  CommandArgs(std::initializer_list<std::string_view> args);
  // Appends an argument; throws std::logic_error past kCapacity (a bug in the caller).
  void add(std::string_view arg);
  void set(std::size_t index, std::string_view arg) { args_[index] = arg; }
  const std::string_view* begin() const { return args_; }
  const std::string_view* end() const { return args_ + count_; }
  std::size_t size() const { return count_; }

 private:
  static constexpr std::size_t kCapacity = 16;
  std::string_view args_[kCapacity];
  std::size_t count_ = 0;
};

struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

// The reply's string (empty for replies without one).
std::string_view reply_text(const redisReply& reply);
// What an error reply means for the user: authentication problems are worded as such.
std::string describe_error_reply(std::string_view text);

// One hiredis connection, used by one thread at a time. Commands are written by this class
// (RESP, with send(MSG_NOSIGNAL), so a server that went away is an error, never SIGPIPE) and
// their replies read by hiredis. Any I/O failure throws Failure and marks it broken.
class Connection {
 public:
  Connection(redisContext* context, std::uint64_t generation, std::uint64_t fork_generation);
  // In a child after fork this closes only the child's copy of the socket (redisFree does not
  // shut the connection down), so the parent's connection is untouched.
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  redisContext* context() const { return context_; }
  bool broken() const { return broken_; }
  std::uint64_t generation() const { return generation_; }
  std::uint64_t fork_generation() const { return fork_generation_; }

  // Queues a command; flush() writes every queued command in one send. While asking() is on,
  // each command goes out behind an ASKING (a Redis Cluster ASK redirection), whose reply
  // receive() skips.
  void append(const CommandArgs& args);
  void set_asking(bool asking) { asking_ = asking; }
  // Writes the queued commands. Throws Failure (timed_out on a send timeout).
  void flush();
  // The next reply (error replies included: the connection is fine after one). Throws Failure.
  ReplyPtr receive();
  // One command, one round trip.
  ReplyPtr call(const CommandArgs& args);
  // Marks the connection broken and throws Failure{cause}.
  [[noreturn]] void lost(std::string cause);

 private:
  [[noreturn]] void timed_out(const char* what);
  ReplyPtr read_reply();

  redisContext* context_;
  std::uint64_t generation_;
  std::uint64_t fork_generation_;
  bool broken_ = false;
  bool asking_ = false;
  std::string out_;
  std::deque<bool> behind_asking_;  // per queued command whose reply is due: sent after ASKING
};

// The connections of one store: reused across calls and threads, replaced after a server
// restart, given up for a backoff while the server is away.
class ConnectionPool {
 public:
  // `scripts` are loaded (SCRIPT LOAD) by the first connect; script_sha(i) names script i after.
  // With `on_cluster_slots`, that first connect also sends CLUSTER SLOTS in the same round trip
  // and hands it the reply (an error reply from a standalone server included); it is called
  // without the pool's lock and must not throw.
  ConnectionPool(RedisUrl url, std::vector<std::string_view> scripts,
                 std::function<void(const redisReply&)> on_cluster_slots = {});
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // Runs `operation(Connection&)` on a pooled connection (or a new one), replacing a connection
  // the server closed once; turns every Failure into a StoreError for `name`.
  template <class Operation>
  auto with_connection(const char* name, Operation&& operation);

  // Throws StoreError "<url>: <name>: <cause>" (of `kind`).
  [[noreturn]] void fail(const char* name, std::string_view cause,
                         FailureKind kind = FailureKind::error) const;

  // The SHA1 of script `index` (valid once a connection was made).
  const std::string& script_sha(std::size_t index) const { return script_sha_[index]; }
  // The URL with any password masked: what error messages name.
  const std::string& display_url() const { return display_url_; }

  // Drops every idle connection (closing this process's descriptors).
  void drop_idle() noexcept;

 private:
  class Lease;

  Lease acquire(const char* name);
  void release(std::unique_ptr<Connection> connection);
  // The server is away: drops every pooled connection and starts (or doubles) the backoff.
  void server_lost(std::string cause);
  // A pooled connection was closed by the server: drops the pool, no backoff.
  void connection_closed();
  std::unique_ptr<Connection> connect();

  const RedisUrl url_;
  const std::string display_url_;
  const std::vector<std::string_view> scripts_;
  const std::function<void(const redisReply&)> on_cluster_slots_;

  // SHA1s of the scripts, set by the first successful connect (SCRIPT LOAD) and read-only
  // afterwards; scripts_loaded_ publishes them.
  std::atomic<bool> scripts_loaded_{false};
  std::vector<std::string> script_sha_;

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

// A connection borrowed from the pool for one operation: given back when the operation ends,
// or dropped when it broke.
class ConnectionPool::Lease {
 public:
  Lease(ConnectionPool& pool, std::unique_ptr<Connection> connection, bool reused)
      : pool_(pool), connection_(std::move(connection)), reused_(reused) {}
  Lease(Lease&& other) noexcept
      : pool_(other.pool_), connection_(std::move(other.connection_)), reused_(other.reused_) {}
  Lease& operator=(Lease&&) = delete;
  ~Lease() {
    if (connection_ && !connection_->broken()) pool_.release(std::move(connection_));
  }

  Connection& operator*() const { return *connection_; }
  // Whether the connection served earlier calls (and so may have been closed since).
  bool reused() const { return reused_; }

 private:
  ConnectionPool& pool_;
  std::unique_ptr<Connection> connection_;
  bool reused_;
};

template <class Operation>
auto ConnectionPool::with_connection(const char* name, Operation&& operation) {
  for (int attempt = 0;; ++attempt) {
    Lease lease = acquire(name);
    try {
      return operation(*lease);
    } catch (const Failure& failure) {
      // A pooled connection the server closed (it restarted, or dropped idle clients): try
      // once more on a new connection. A timeout is not retried: the server is stuck.
      if (attempt == 0 && lease.reused() && !failure.timed_out) {
        connection_closed();
        continue;
      }
      server_lost(failure.cause);
      fail(name, failure.cause, failure.timed_out ? FailureKind::timeout : FailureKind::error);
    }
  }
}

}  // namespace picocache::redis

// The PostgreSQL wire side of the PostgreSQL store: its URL (libpq's own connection URI, with
// PicoCache's parameters taken out), a connection with every call bounded by a deadline (libpq's
// blocking calls and its connect_timeout, 2 s at least, could outwait the 1 s bound of a cached
// call), and a bounded pool with reconnect backoff. Which SQL runs is postgres_store.cpp's.
#pragma once

#include "stores/store.hpp"

#include <libpq-fe.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace picocache::postgres {

inline constexpr std::size_t kDefaultPoolSize = 4;

struct PostgresUrl {
  std::string libpq_uri;  // what libpq is given: the URL without PicoCache's parameters
  std::string display;    // the URL with its password hidden, for messages
  std::string schema;     // picocache_schema=: where the tables live; empty: the search_path's
  std::size_t pool_size = kDefaultPoolSize;  // picocache_pool=
};

// Parses a `postgresql://` or `postgres://` URL: takes out picocache_schema= and
// picocache_pool=, rejects other picocache_* parameters, and lets libpq check the rest.
// Throws picocache::Error quoting the URL with its password hidden.
PostgresUrl parse_postgres_url(std::string_view url);

// A PGresult that frees itself.
struct ResultDeleter {
  void operator()(PGresult* result) const noexcept { PQclear(result); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

// Thrown by Connection; the pool turns it into a StoreError naming the store and operation.
struct Failure {
  std::string cause;
  bool timed_out = false;
};

// One prepared statement: its name, its SQL and its parameter count.
struct Statement {
  std::string name;
  std::string sql;
  int parameters = 0;
};

// One libpq connection, used by one thread at a time. Every call waits at most `timeout`.
class Connection {
 public:
  // Connects (non-blocking, polled against `connect_timeout`), sets statement_timeout to
  // `timeout`, runs `on_connect`, then prepares `statements`. Throws Failure.
  Connection(const PostgresUrl& url, std::chrono::milliseconds connect_timeout,
             std::chrono::milliseconds timeout, const std::vector<Statement>& statements,
             const std::function<void(Connection&)>& on_connect);
  ~Connection();  // closes it, unless it belongs to the parent of a fork (then it leaks it)
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs prepared statement `name` with text parameters (a null data pointer: NULL; text ones
  // must be NUL-terminated) and binary ones where `binary[i]`; results in binary when
  // `binary_result`. Throws Failure on a lost connection or a timeout; an SQL error comes back as a
  // failed result (see check()).
  ResultPtr run(const char* name, const std::vector<std::string_view>& values,
                const std::vector<bool>& binary, bool binary_result);
  // Runs SQL text without parameters (several statements allowed). Throws Failure.
  ResultPtr execute(const std::string& sql);
  // Throws Failure{<what>: <server message>} unless `result` is OK or TUPLES_OK. An SQL error
  // leaves the connection usable; a broken one is marked broken.
  void check(const ResultPtr& result, std::string_view what);

  bool broken() const { return broken_ || PQstatus(conn_) != CONNECTION_OK; }
  std::uint64_t fork_generation() const { return fork_generation_; }
  std::uint64_t generation() const { return generation_; }
  void set_generation(std::uint64_t generation) { generation_ = generation; }
  PGconn* raw() const { return conn_; }

 private:
  // The constructor's work after PQconnectStartParams: polls, sets timeouts, prepares.
  void set_up(std::chrono::milliseconds connect_timeout, const std::vector<Statement>& statements,
              const std::function<void(Connection&)>& on_connect);
  ResultPtr finish(std::string_view what);  // waits for the results of a sent query
  [[noreturn]] void lost(std::string cause, bool timed_out = false);
  void wait(bool for_write, std::chrono::steady_clock::time_point deadline, std::string_view what);

  PGconn* conn_ = nullptr;
  std::chrono::milliseconds timeout_;
  std::uint64_t fork_generation_;
  std::uint64_t generation_ = 0;
  bool broken_ = false;
};

// The connections of one store: at most `pool_size` at a time per process (a call waits for a
// free one up to half the store bound), reused across calls and threads, replaced after a
// server restart, given up for a growing backoff (100 ms up to 5 s) while the server is away.
class ConnectionPool {
 public:
  ConnectionPool(PostgresUrl url, std::vector<Statement> statements,
                 std::function<void(Connection&)> on_connect);
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // Runs `operation(Connection&)` on a pooled connection, retrying once on a new connection
  // when a reused one turns out closed; turns every Failure into a StoreError for `name`.
  template <class Operation>
  auto with_connection(const char* name, Operation&& operation);

  // A connection of its own, outside the pool's bound (leases hold one). Throws StoreError.
  std::unique_ptr<Connection> dedicated(const char* name);

  // Throws StoreError "<url>: <name>: <cause>".
  [[noreturn]] void fail(const char* name, std::string_view cause,
                         FailureKind kind = FailureKind::error) const;

  const PostgresUrl& url() const { return url_; }
  // Drops every idle connection; in a forked child, forgets the parent's without closing them.
  void drop_idle() noexcept;

 private:
  class Borrowed;
  Borrowed acquire(const char* name);
  void release(std::unique_ptr<Connection> connection) noexcept;
  std::unique_ptr<Connection> connect(const char* name);  // honours the backoff
  void server_lost(const std::string& cause);
  void forget_if_forked();  // with mutex_ held

  const PostgresUrl url_;
  const std::vector<Statement> statements_;
  const std::function<void(Connection&)> on_connect_;

  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t open_ = 0;  // connections out of the pool or idle in it
  std::uint64_t fork_generation_;
  std::uint64_t generation_ = 0;  // bumped when the server is lost: older connections dropped
  std::chrono::milliseconds backoff_{0};
  std::chrono::steady_clock::time_point next_connect_{};
  std::string last_error_;
};

class ConnectionPool::Borrowed {
 public:
  Borrowed(ConnectionPool& pool, std::unique_ptr<Connection> connection, bool reused)
      : pool_(pool), connection_(std::move(connection)), reused_(reused) {}
  Borrowed(Borrowed&& other) noexcept
      : pool_(other.pool_), connection_(std::move(other.connection_)), reused_(other.reused_) {}
  Borrowed& operator=(Borrowed&&) = delete;
  ~Borrowed() { pool_.release(std::move(connection_)); }
  Connection& operator*() const { return *connection_; }
  bool reused() const { return reused_; }

 private:
  ConnectionPool& pool_;
  std::unique_ptr<Connection> connection_;
  bool reused_;
};

template <class Operation>
auto ConnectionPool::with_connection(const char* name, Operation&& operation) {
  for (int attempt = 0;; ++attempt) {
    Borrowed borrowed = acquire(name);
    try {
      return operation(*borrowed);
    } catch (const Failure& failure) {
      // A pooled connection the server closed (a restart, an idle timeout): once more on a new
      // one. A timeout is not retried: the server is stuck, and the call's bound is spent.
      if (attempt == 0 && borrowed.reused() && !failure.timed_out && (*borrowed).broken()) {
        drop_idle();  // its idle siblings were most likely closed too
        continue;
      }
      if ((*borrowed).broken()) server_lost(failure.cause);
      fail(name, failure.cause, failure.timed_out ? FailureKind::timeout : FailureKind::error);
    }
  }
}

}  // namespace picocache::postgres

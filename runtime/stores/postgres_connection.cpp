// The PostgreSQL connection and pool (see postgres_connection.hpp): URL parameters, connecting
// with PQconnectStart/PQconnectPoll against our own deadline, queries sent asynchronously and
// awaited with poll() so a stopped server costs at most the timeout, and the pool's backoff.
#include "stores/postgres_connection.hpp"

#include "fork_generation.hpp"
#include "stores/store_timeouts.hpp"
#include "stores/store_url.hpp"

#include <picocache/picocache.hpp>

#include <fmt/format.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>

namespace picocache::postgres {
namespace {

constexpr std::chrono::milliseconds kBackoffInitial{100};
constexpr std::chrono::milliseconds kBackoffMax{5000};
constexpr std::size_t kMaxPoolSize = 64;

bool formats_binary(const std::vector<bool>& binary, std::size_t i) {
  return i < binary.size() && binary[i];
}

std::string server_message(PGconn* conn) {
  std::string message = conn != nullptr ? PQerrorMessage(conn) : "out of memory";
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  std::replace(message.begin(), message.end(), '\n', ' ');
  std::replace(message.begin(), message.end(), '\t', ' ');
  return message;
}

}  // namespace

PostgresUrl parse_postgres_url(std::string_view url) {
  PostgresUrl parsed;
  parsed.display = redact_store_url(url);
  const std::size_t query = url.find('?');
  std::string uri(url.substr(0, query));
  if (query != std::string_view::npos) {
    std::string_view parameters = url.substr(query + 1);
    std::vector<std::string_view> kept;
    while (!parameters.empty()) {
      const std::size_t amp = std::min(parameters.find('&'), parameters.size());
      const std::string_view parameter = parameters.substr(0, amp);
      parameters.remove_prefix(std::min(amp + 1, parameters.size()));
      const std::size_t equals = std::min(parameter.find('='), parameter.size());
      const std::string_view key = parameter.substr(0, equals);
      const std::string_view value = parameter.substr(std::min(equals + 1, parameter.size()));
      if (key == "picocache_schema") {
        if (value.empty()) bad_store_url(url, "empty picocache_schema=");
        parsed.schema = std::string(value);
      } else if (key == "picocache_pool") {
        std::size_t size = 0;
        const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), size);
        if (error != std::errc{} || end != value.data() + value.size() || size == 0 ||
            size > kMaxPoolSize) {
          bad_store_url(
              url, fmt::format("bad picocache_pool '{}' (expected 1 to {})", value, kMaxPoolSize));
        }
        parsed.pool_size = size;
      } else if (key.substr(0, 10) == "picocache_") {
        bad_store_url(url, fmt::format("unknown parameter '{}' (PicoCache's are picocache_schema= "
                                       "and picocache_pool=)",
                                       key));
      } else if (!parameter.empty()) {
        kept.push_back(parameter);
      }
    }
    if (!kept.empty()) uri += fmt::format("?{}", fmt::join(kept, "&"));
  }
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(uri.c_str(), &error);
  if (options == nullptr) {
    std::string message = error != nullptr ? error : "out of memory";
    PQfreemem(error);
    while (!message.empty() && message.back() == '\n') message.pop_back();
    // libpq quotes what it could not parse, which may be the password: never show it.
    bad_store_url(url, message.find("password") != std::string::npos || url.find('@') != url.npos
                           ? "libpq cannot parse it"
                           : fmt::format("libpq cannot parse it: {}", message));
  }
  PQconninfoFree(options);
  parsed.libpq_uri = std::move(uri);
  return parsed;
}

Connection::Connection(const PostgresUrl& url, std::chrono::milliseconds connect_timeout,
                       std::chrono::milliseconds timeout, const std::vector<Statement>& statements,
                       const std::function<void(Connection&)>& on_connect)
    : timeout_(timeout), fork_generation_(detail::fork_generation()) {
  // application_name first: one in the URL, coming later, overrides it.
  const char* keywords[] = {"application_name", "dbname", nullptr};
  const char* values[] = {"picocache", url.libpq_uri.c_str(), nullptr};
  conn_ = PQconnectStartParams(keywords, values, 1);
  // A constructor that throws runs no destructor: close the half-made connection here.
  try {
    set_up(connect_timeout, statements, on_connect);
  } catch (...) {
    if (conn_ != nullptr) PQfinish(conn_);
    conn_ = nullptr;
    throw;
  }
}

void Connection::set_up(std::chrono::milliseconds connect_timeout,
                        const std::vector<Statement>& statements,
                        const std::function<void(Connection&)>& on_connect) {
  if (conn_ == nullptr || PQstatus(conn_) == CONNECTION_BAD) {
    lost(fmt::format("cannot connect: {}", server_message(conn_)));
  }
  // NOTICEs ("relation ... already exists, skipping") are no business of the program's stderr.
  PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
  const auto deadline = std::chrono::steady_clock::now() + connect_timeout;
  for (PostgresPollingStatusType status = PGRES_POLLING_WRITING;;) {
    if (status == PGRES_POLLING_OK) break;
    if (status == PGRES_POLLING_FAILED) {
      lost(fmt::format("cannot connect: {}", server_message(conn_)));
    }
    wait(status == PGRES_POLLING_WRITING, deadline, "connecting");
    status = PQconnectPoll(conn_);
  }
  if (PQsetnonblocking(conn_, 1) != 0) lost("cannot make the connection non-blocking");
  check(execute(fmt::format("SET statement_timeout = {}; SET lock_timeout = {}", timeout_.count(),
                            timeout_.count())),
        "setting statement_timeout");
  if (on_connect) on_connect(*this);  // before preparing: it creates the tables they name
  for (const Statement& statement : statements) {
    if (PQsendPrepare(conn_, statement.name.c_str(), statement.sql.c_str(), statement.parameters,
                      nullptr) != 1) {
      lost(fmt::format("cannot prepare {}: {}", statement.name, server_message(conn_)));
    }
    check(finish("preparing statements"), statement.name);
  }
}

Connection::~Connection() {
  if (conn_ == nullptr) return;
  // A forked child shares the parent's socket: PQfinish would send the server a Terminate on
  // it and end the parent's session. Leak the handle instead (a few KB per fork).
  if (fork_generation_ != detail::fork_generation()) return;
  PQfinish(conn_);
}

void Connection::lost(std::string cause, bool timed_out) {
  broken_ = true;
  throw Failure{std::move(cause), timed_out};
}

void Connection::wait(bool for_write, std::chrono::steady_clock::time_point deadline,
                      std::string_view what) {
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      lost(fmt::format("timed out {} (after {} ms)", what, timeout_.count()), true);
    }
    pollfd fd{PQsocket(conn_), static_cast<short>(for_write ? POLLOUT : POLLIN), 0};
    if (fd.fd < 0) lost("the connection has no socket");
    const int ready = poll(&fd, 1, static_cast<int>(left.count()));
    if (ready > 0) return;
    if (ready < 0 && errno != EINTR) lost(fmt::format("poll failed: {}", std::strerror(errno)));
  }
}

ResultPtr Connection::finish(std::string_view what) {
  const auto deadline = std::chrono::steady_clock::now() + timeout_;
  for (;;) {
    const int flushed = PQflush(conn_);
    if (flushed < 0) lost(fmt::format("{}: {}", what, server_message(conn_)));
    if (flushed == 0) break;
    wait(true, deadline, what);
  }
  ResultPtr last;
  for (;;) {
    while (PQisBusy(conn_) != 0) {
      wait(false, deadline, what);
      if (PQconsumeInput(conn_) != 1) lost(fmt::format("{}: {}", what, server_message(conn_)));
    }
    PGresult* result = PQgetResult(conn_);
    if (result == nullptr) break;
    // Keep the first failure, else the last result (several statements in one text).
    if (!last || PQresultStatus(last.get()) == PGRES_COMMAND_OK ||
        PQresultStatus(last.get()) == PGRES_TUPLES_OK) {
      last.reset(result);
    } else {
      PQclear(result);
    }
  }
  if (!last) lost(fmt::format("{}: no result: {}", what, server_message(conn_)));
  if (PQstatus(conn_) != CONNECTION_OK) broken_ = true;
  return last;
}

ResultPtr Connection::run(const char* name, const std::vector<std::string_view>& values,
                          const std::vector<bool>& binary, bool binary_result) {
  constexpr std::size_t kMaxParameters = 8;
  const char* data[kMaxParameters];
  int lengths[kMaxParameters];
  int formats[kMaxParameters];
  const std::size_t n = std::min(values.size(), kMaxParameters);
  for (std::size_t i = 0; i < n; ++i) {
    // A null pointer is SQL NULL: an empty binary value must still point somewhere.
    data[i] = values[i].data();
    if (data[i] == nullptr && formats_binary(binary, i)) data[i] = "";
    lengths[i] = static_cast<int>(values[i].size());
    formats[i] = i < binary.size() && binary[i] ? 1 : 0;
  }
  // Text parameters must be NUL-terminated: the callers pass views of std::strings.
  if (PQsendQueryPrepared(conn_, name, static_cast<int>(n), data, lengths, formats,
                          binary_result ? 1 : 0) != 1) {
    lost(fmt::format("{}: {}", name, server_message(conn_)));
  }
  return finish(name);
}

ResultPtr Connection::execute(const std::string& sql) {
  if (PQsendQuery(conn_, sql.c_str()) != 1) lost(server_message(conn_));
  return finish("query");
}

void Connection::check(const ResultPtr& result, std::string_view what) {
  const ExecStatusType status = PQresultStatus(result.get());
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return;
  std::string message = PQresultErrorMessage(result.get());
  while (!message.empty() && message.back() == '\n') message.pop_back();
  std::replace(message.begin(), message.end(), '\n', ' ');
  const char* state = PQresultErrorField(result.get(), PG_DIAG_SQLSTATE);
  // 57014: statement_timeout; 55P03: lock_timeout.
  const bool timed_out =
      state != nullptr && (std::strcmp(state, "57014") == 0 || std::strcmp(state, "55P03") == 0);
  if (PQstatus(conn_) != CONNECTION_OK) broken_ = true;
  throw Failure{fmt::format("{}: {}", what, message), timed_out};
}

ConnectionPool::ConnectionPool(PostgresUrl url, std::vector<Statement> statements,
                               std::function<void(Connection&)> on_connect)
    : url_(std::move(url)),
      statements_(std::move(statements)),
      on_connect_(std::move(on_connect)),
      fork_generation_(detail::fork_generation()) {}

ConnectionPool::~ConnectionPool() = default;

void ConnectionPool::fail(const char* name, std::string_view cause, FailureKind kind) const {
  throw StoreError(fmt::format("{}: {}: {}", url_.display, name, cause), kind);
}

void ConnectionPool::forget_if_forked() {
  if (const std::uint64_t forks = detail::fork_generation(); forks != fork_generation_) {
    idle_.clear();  // their destructors leak the parent's handles, never close them
    open_ = 0;
    fork_generation_ = forks;
    backoff_ = std::chrono::milliseconds{0};
  }
}

void ConnectionPool::drop_idle() noexcept {
  std::unique_lock lock(mutex_, std::try_to_lock);
  if (!lock.owns_lock()) return;
  forget_if_forked();
  open_ -= std::min(open_, idle_.size());
  idle_.clear();
  ++generation_;
  freed_.notify_all();
}

ConnectionPool::Borrowed ConnectionPool::acquire(const char* name) {
  {
    std::unique_lock lock(mutex_);
    forget_if_forked();
    const auto deadline = std::chrono::steady_clock::now() + detail::store_call_bound() / 2;
    while (idle_.empty() && open_ >= url_.pool_size) {
      if (freed_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
          open_ >= url_.pool_size) {
        fail(name,
             fmt::format("all {} pooled connections busy (picocache_pool= sets how many)",
                         url_.pool_size),
             FailureKind::timeout);
      }
    }
    if (!idle_.empty()) {
      std::unique_ptr<Connection> connection = std::move(idle_.back());
      idle_.pop_back();
      return Borrowed(*this, std::move(connection), true);
    }
    ++open_;
  }
  try {
    return Borrowed(*this, connect(name), false);
  } catch (...) {
    std::lock_guard lock(mutex_);
    --open_;
    freed_.notify_one();
    throw;
  }
}

void ConnectionPool::release(std::unique_ptr<Connection> connection) noexcept {
  if (!connection) return;
  std::lock_guard lock(mutex_);
  if (connection->fork_generation() != fork_generation_) {
    return;  // the parent's: leaked by its destructor; open_ was reset by forget_if_forked
  }
  if (connection->broken() || connection->generation() != generation_) {
    --open_;
  } else {
    idle_.push_back(std::move(connection));
  }
  freed_.notify_one();
}

std::unique_ptr<Connection> ConnectionPool::connect(const char* name) {
  std::uint64_t generation;
  {
    std::lock_guard lock(mutex_);
    if (backoff_.count() != 0 && std::chrono::steady_clock::now() < next_connect_) {
      fail(name, fmt::format("{} (server unavailable; reconnecting after a backoff)", last_error_));
    }
    generation = generation_;
  }
  try {
    auto connection =
        std::make_unique<Connection>(url_, detail::store_call_bound() / 5,
                                     detail::store_call_bound() * 2 / 5, statements_, on_connect_);
    connection->set_generation(generation);
    std::lock_guard lock(mutex_);
    backoff_ = std::chrono::milliseconds{0};
    return connection;
  } catch (const Failure& failure) {
    server_lost(failure.cause);
    fail(name, failure.cause, failure.timed_out ? FailureKind::timeout : FailureKind::error);
  }
}

std::unique_ptr<Connection> ConnectionPool::dedicated(const char* name) { return connect(name); }

void ConnectionPool::server_lost(const std::string& cause) {
  std::lock_guard lock(mutex_);
  ++generation_;
  open_ -= std::min(open_, idle_.size());
  idle_.clear();
  backoff_ = backoff_.count() == 0 ? kBackoffInitial : std::min(backoff_ * 2, kBackoffMax);
  next_connect_ = std::chrono::steady_clock::now() + backoff_;
  last_error_ = cause;
  freed_.notify_all();
}

}  // namespace picocache::postgres

// The Redis wire and pool (see redis_connection.hpp): RESP writing, replies, connecting with
// AUTH / SELECT / SCRIPT LOAD (and CLUSTER SLOTS) in one round trip, and the pool's reconnect
// backoff.
#include "stores/redis_connection.hpp"

#include "fork_generation.hpp"

#include <fmt/format.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace picocache::redis {
namespace {

// An output buffer grown past this by a large value is given back after the write.
constexpr std::size_t kKeptBufferCapacity = std::size_t{1} << 20;
constexpr std::size_t kMaxIdleConnections = 16;

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0  // platforms without it use SO_NOSIGPIPE, set in connect()
#endif

timeval to_timeval(std::chrono::milliseconds duration) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(duration.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((duration.count() % 1000) * 1000);
  return tv;
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

void append_decimal(std::string& out, std::size_t n) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
  out.append(digits, end);
}

std::string make_display_url(const RedisUrl& url) {
  if (!url.unix_path.empty()) {
    std::string shown = fmt::format("unix://{}", url.unix_path);
    if (url.db != 0) shown += fmt::format("?db={}", url.db);
    return shown;
  }
  std::string shown = "redis://";
  if (!url.user.empty() || !url.password.empty()) {
    shown += url.user;
    if (!url.password.empty()) shown += ":***";
    shown += '@';
  }
  const bool ipv6 = url.host.find(':') != std::string::npos;
  shown += ipv6 ? fmt::format("[{}]", url.host) : url.host;
  shown += fmt::format(":{}/{}", url.port, url.db);
  return shown;
}

}  // namespace

CommandArgs::CommandArgs(std::initializer_list<std::string_view> args) {
  for (std::string_view arg : args) add(arg);
}

void CommandArgs::add(std::string_view arg) {
  if (count_ == kCapacity) throw std::logic_error("picocache: too many Redis command arguments");
  args_[count_++] = arg;
}

std::string_view reply_text(const redisReply& reply) {
  return reply.str != nullptr ? std::string_view(reply.str, reply.len) : std::string_view();
}

std::string describe_error_reply(std::string_view text) {
  if (starts_with(text, "NOAUTH")) return fmt::format("authentication required: {}", text);
  if (starts_with(text, "WRONGPASS")) return fmt::format("authentication failed: {}", text);
  return std::string(text);
}

Connection::Connection(redisContext* context, std::uint64_t generation,
                       std::uint64_t fork_generation)
    : context_(context), generation_(generation), fork_generation_(fork_generation) {}

Connection::~Connection() { redisFree(context_); }

void Connection::append(const CommandArgs& args) {
  if (asking_) out_ += "*1\r\n$6\r\nASKING\r\n";
  behind_asking_.push_back(asking_);
  out_ += '*';
  append_decimal(out_, args.size());
  out_ += "\r\n";
  for (std::string_view arg : args) {
    out_ += '$';
    append_decimal(out_, arg.size());
    out_ += "\r\n";
    out_ += arg;
    out_ += "\r\n";
  }
}

void Connection::flush() {
  std::size_t sent = 0;
  while (sent < out_.size()) {
    const ssize_t n = ::send(context_->fd, out_.data() + sent, out_.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    const int error = n < 0 ? errno : EPIPE;
    out_.clear();
    if (error == EAGAIN || error == EWOULDBLOCK) timed_out("send");
    lost(fmt::format("send failed: {}", std::strerror(error)));
  }
  out_.clear();
  if (out_.capacity() > kKeptBufferCapacity) out_.shrink_to_fit();
}

ReplyPtr Connection::receive() {
  if (!behind_asking_.empty()) {
    const bool asked = behind_asking_.front();
    behind_asking_.pop_front();
    if (asked) read_reply();  // ASKING's +OK
  }
  return read_reply();
}

ReplyPtr Connection::read_reply() {
  void* reply = nullptr;
  errno = 0;
  if (redisGetReply(context_, &reply) != REDIS_OK || reply == nullptr) {
    const int error = errno;
    if (context_->err == REDIS_ERR_IO && (error == EAGAIN || error == EWOULDBLOCK)) {
      timed_out("reply");
    }
    if (context_->err == REDIS_ERR_EOF) lost("connection closed by the server");
    lost(context_->errstr[0] != '\0' ? std::string(context_->errstr) : "connection error");
  }
  return ReplyPtr(static_cast<redisReply*>(reply));
}

ReplyPtr Connection::call(const CommandArgs& args) {
  append(args);
  flush();
  return receive();
}

void Connection::lost(std::string cause) {
  broken_ = true;
  behind_asking_.clear();
  throw Failure{std::move(cause), false};
}

void Connection::timed_out(const char* what) {
  broken_ = true;
  throw Failure{fmt::format("no {} within {} ms (command timeout)", what,
                            detail::redis_command_timeout().count()),
                true};
}

ConnectionPool::ConnectionPool(RedisUrl url, std::vector<std::string_view> scripts,
                               std::function<void(const redisReply&)> on_cluster_slots)
    : url_(std::move(url)),
      display_url_(make_display_url(url_)),
      scripts_(std::move(scripts)),
      on_cluster_slots_(std::move(on_cluster_slots)),
      script_sha_(scripts_.size()),
      fork_generation_(detail::fork_generation()) {}

ConnectionPool::~ConnectionPool() = default;

void ConnectionPool::fail(const char* name, std::string_view cause, FailureKind kind) const {
  throw StoreError(fmt::format("{}: {}: {}", display_url_, name, cause), kind);
}

void ConnectionPool::drop_idle() noexcept {
  std::unique_lock lock(mutex_, std::try_to_lock);
  if (lock.owns_lock()) idle_.clear();
}

ConnectionPool::Lease ConnectionPool::acquire(const char* name) {
  {
    std::lock_guard lock(mutex_);
    if (const std::uint64_t forks = detail::fork_generation(); forks != fork_generation_) {
      // A forked child: the pooled connections share the parent's sockets; never use them.
      // Freeing them closes only this process's descriptors.
      idle_.clear();
      fork_generation_ = forks;
      backoff_ = std::chrono::milliseconds{0};
      probing_ = false;
    }
    if (!idle_.empty()) {
      std::unique_ptr<Connection> connection = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(connection), true);
    }
    if (backoff_.count() != 0) {
      const auto now = std::chrono::steady_clock::now();
      if (probing_ || now < next_connect_) {
        const auto wait = std::max<std::int64_t>(
            0, std::chrono::duration_cast<std::chrono::milliseconds>(next_connect_ - now).count());
        fail(name, fmt::format("{} (server unavailable; next reconnect attempt in {} ms)",
                               last_error_, wait));
      }
      probing_ = true;  // this thread tries; the others keep failing at once meanwhile
    }
  }
  try {
    std::unique_ptr<Connection> connection = connect();
    std::lock_guard lock(mutex_);
    backoff_ = std::chrono::milliseconds{0};
    probing_ = false;
    return Lease(*this, std::move(connection), false);
  } catch (const Failure& failure) {
    server_lost(failure.cause);
    fail(name, failure.cause);
  } catch (...) {
    std::lock_guard lock(mutex_);
    probing_ = false;
    throw;
  }
}

void ConnectionPool::release(std::unique_ptr<Connection> connection) {
  std::lock_guard lock(mutex_);
  if (connection->fork_generation() != fork_generation_ ||
      connection->generation() != generation_) {
    return;
  }
  if (idle_.size() < kMaxIdleConnections) idle_.push_back(std::move(connection));
}

void ConnectionPool::connection_closed() {
  // Its siblings in the pool were very likely closed by the same restart: drop them all now
  // rather than meet each one's failure in a later call.
  std::lock_guard lock(mutex_);
  ++generation_;
  idle_.clear();
}

void ConnectionPool::server_lost(std::string cause) {
  std::lock_guard lock(mutex_);
  ++generation_;
  idle_.clear();
  backoff_ = backoff_.count() == 0 ? kReconnectBackoffInitial
                                   : std::min(backoff_ * 2, kReconnectBackoffMax);
  next_connect_ = std::chrono::steady_clock::now() + backoff_;
  probing_ = false;
  last_error_ = std::move(cause);
}

std::unique_ptr<Connection> ConnectionPool::connect() {
  const timeval connect_timeout = to_timeval(detail::redis_connect_timeout());
  redisContext* context =
      url_.unix_path.empty()
          ? redisConnectWithTimeout(url_.host.c_str(), static_cast<int>(url_.port), connect_timeout)
          : redisConnectUnixWithTimeout(url_.unix_path.c_str(), connect_timeout);
  if (context == nullptr) throw Failure{"cannot connect: out of memory", false};
  std::uint64_t generation;
  {
    std::lock_guard lock(mutex_);
    generation = generation_;
  }
  auto connection = std::make_unique<Connection>(context, generation, detail::fork_generation());
  if (context->err != 0) throw Failure{fmt::format("cannot connect: {}", context->errstr)};
  if (redisSetTimeout(context, to_timeval(detail::redis_command_timeout())) != REDIS_OK) {
    throw Failure{fmt::format("cannot set the command timeout: {}", context->errstr)};
  }
  if (url_.unix_path.empty()) redisEnableKeepAlive(context);  // notices a vanished peer
#ifdef SO_NOSIGPIPE
  const int one = 1;
  setsockopt(context->fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
#endif

  // AUTH, SELECT and the script loading (or a PING, to see the server answer) in one round
  // trip. Redis 6 ACL users authenticate with AUTH <user> <password>; AUTH <password> is the
  // default user (and all that older servers know).
  const std::string db = std::to_string(url_.db);
  const bool load = !scripts_loaded_.load(std::memory_order_acquire);
  std::size_t sent = 0;
  if (!url_.password.empty()) {
    connection->append(url_.user.empty() ? CommandArgs{"AUTH", url_.password}
                                         : CommandArgs{"AUTH", url_.user, url_.password});
    ++sent;
  }
  if (url_.db != 0) {
    connection->append({"SELECT", db});
    ++sent;
  }
  const bool ask_slots = load && on_cluster_slots_;
  if (load) {
    for (std::string_view script : scripts_) connection->append({"SCRIPT", "LOAD", script});
    sent += scripts_.size();
    if (ask_slots) {
      connection->append({"CLUSTER", "SLOTS"});
      ++sent;
    }
  } else if (sent == 0) {
    connection->append({"PING"});
    ++sent;
  }
  connection->flush();
  std::vector<ReplyPtr> replies;
  replies.reserve(sent);
  for (std::size_t i = 0; i < sent; ++i) replies.push_back(connection->receive());

  std::size_t next = 0;
  if (!url_.password.empty()) {
    const redisReply& reply = *replies[next++];
    if (reply.type == REDIS_REPLY_ERROR) {
      throw Failure{fmt::format("authentication failed: {}", reply_text(reply))};
    }
  }
  // An error past AUTH: NOAUTH when the server wants a password and the URL has none.
  auto check = [&](const char* what) -> const redisReply& {
    const redisReply& reply = *replies[next++];
    if (reply.type == REDIS_REPLY_ERROR) {
      const std::string_view text = reply_text(reply);
      throw Failure{starts_with(text, "NOAUTH") ? describe_error_reply(text)
                                                : fmt::format("{}: {}", what, text)};
    }
    return reply;
  };
  if (url_.db != 0) check(fmt::format("cannot select db {}", url_.db).c_str());
  if (load) {
    std::vector<std::string> sha(scripts_.size());
    for (std::string& digest : sha) {
      const redisReply& reply = check("cannot load the Lua scripts");
      if (reply.type != REDIS_REPLY_STRING) {
        throw Failure{"cannot load the Lua scripts: unexpected reply to SCRIPT LOAD"};
      }
      digest = std::string(reply_text(reply));
    }
    {
      std::lock_guard lock(mutex_);
      if (!scripts_loaded_.load(std::memory_order_relaxed)) {
        script_sha_ = std::move(sha);
        scripts_loaded_.store(true, std::memory_order_release);
      }
    }
    if (ask_slots) on_cluster_slots_(*replies[next++]);
  } else if (next < sent) {
    check("PING");
  }
  return connection;
}

}  // namespace picocache::redis

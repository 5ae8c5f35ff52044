// RedisStore (see redis_store.hpp): the recency scheme and the two Lua scripts, the connection
// with its own RESP writer, and the connection pool with its reconnect backoff.
#include "stores/redis_store.hpp"

#include "fork_generation.hpp"
#include "stores/store_factories.hpp"

#include <picocache/memoize.hpp>

#include <fmt/format.h>
#include <hiredis/hiredis.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <initializer_list>
#include <iterator>
#include <stdexcept>
#include <tuple>
#include <utility>

namespace picocache {

namespace {

// Recency is the time of the last use, in microseconds since the epoch on the client's clock
// (kept increasing within a process), stored as the entry's score in the function's sorted set.
// A hit can then record itself with a plain `ZADD lru XX <now> <entry>` pipelined behind its GET:
// one round trip and two of Redis's cheapest commands, where a script would cost the server
// several times a GET (EVALSHA ~6 us, GET ~0.4 us, measured on Redis 7). XX updates only an
// entry that is still there, so a hit racing with an eviction never leaves a ghost in the
// index. The LRU order is exact among the processes of one machine; across machines it is exact
// up to their clock skew (NTP keeps that to milliseconds).
//
// The scripts name their keys in KEYS except the value keys of evicted or cleared entries,
// which come out of the sorted set; they are built from the same `picocache:{<id>}:` prefix, so
// they live in the same cluster slot as the declared keys.

// KEYS: value, lru. ARGV: entry hex, value, maxsize (-1: unbounded), value-key prefix, score.
// Stores the entry and its recency, then evicts the least recently used entries (lowest
// scores) until at most maxsize remain, all in one atomic step. Returns the number evicted.
constexpr std::string_view kPutScript = R"lua(
redis.call('SET', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[5], ARGV[1])
local maxsize = tonumber(ARGV[3])
if maxsize < 0 then return 0 end
local excess = redis.call('ZCARD', KEYS[2]) - maxsize
if excess <= 0 then return 0 end
local victims = redis.call('ZRANGE', KEYS[2], 0, excess - 1)
for first = 1, #victims, 500 do
  local keys = {}
  for i = first, math.min(first + 499, #victims) do keys[#keys + 1] = ARGV[4] .. victims[i] end
  redis.call('UNLINK', unpack(keys))
end
redis.call('ZREMRANGEBYRANK', KEYS[2], 0, excess - 1)
return excess
)lua";

// KEYS: lru. ARGV: value-key prefix, batch size. Deletes up to a batch of entries (so one call
// never blocks the server for long) with their index entries; Redis drops the sorted set when
// it is empty. Returns how many entries remain. No KEYS command: the sorted set lists them.
constexpr std::string_view kClearScript = R"lua(
local batch = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[2]) - 1)
if #batch > 0 then
  local keys = {}
  for i = 1, #batch do keys[i] = ARGV[1] .. batch[i] end
  redis.call('UNLINK', unpack(keys))
  redis.call('ZREM', KEYS[1], unpack(batch))
end
return redis.call('ZCARD', KEYS[1])
)lua";

constexpr std::string_view kScriptTexts[] = {kPutScript, kClearScript};
constexpr std::size_t kClearBatch = 500;
constexpr std::size_t kMaxIdleConnections = 16;
// An output buffer grown past this by a large value is given back after the write.
constexpr std::size_t kKeptBufferCapacity = std::size_t{1} << 20;

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0  // platforms without it use SO_NOSIGPIPE, set in connect()
#endif

timeval to_timeval(std::chrono::milliseconds duration) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(duration.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((duration.count() % 1000) * 1000);
  return tv;
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

struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

std::string_view reply_text(const redisReply& reply) {
  return reply.str != nullptr ? std::string_view(reply.str, reply.len) : std::string_view();
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// What an error reply means for the user: authentication problems are worded as such.
std::string describe_error_reply(std::string_view text) {
  if (starts_with(text, "NOAUTH")) return fmt::format("authentication required: {}", text);
  if (starts_with(text, "WRONGPASS")) return fmt::format("authentication failed: {}", text);
  return std::string(text);
}

// The connection cannot be used any more (closed, reset, timed out, or it never came up).
// Internal: with_connection() turns it into a StoreError.
struct RedisFailure {
  std::string cause;
  bool timed_out = false;
};

// One command's arguments, borrowed (the strings must outlive the call).
class CommandArgs {
 public:
  CommandArgs(std::initializer_list<std::string_view> args) {
    for (std::string_view arg : args) add(arg);
  }
  void add(std::string_view arg) {
    if (count_ == kCapacity) throw std::logic_error("picocache: too many Redis command arguments");
    args_[count_++] = arg;
  }
  void set(std::size_t index, std::string_view arg) { args_[index] = arg; }
  const std::string_view* begin() const { return args_; }
  const std::string_view* end() const { return args_ + count_; }
  std::size_t size() const { return count_; }

 private:
  static constexpr std::size_t kCapacity = 16;
  std::string_view args_[kCapacity];
  std::size_t count_ = 0;
};

void append_decimal(std::string& out, std::size_t n) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
  out.append(digits, end);
}

// The recency score of a use now: microseconds since the epoch (exact in a Lua number and a
// sorted-set score until the year 2255), never smaller than the last score this process gave,
// should the clock step back.
std::string recency_score() {
  static std::atomic<std::int64_t> last{0};
  const std::int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  std::int64_t previous = last.load(std::memory_order_relaxed);
  while (previous < now && !last.compare_exchange_weak(previous, now, std::memory_order_relaxed)) {
  }
  const std::int64_t score = std::max(now, previous);
  char digits[24];
  return std::string(digits, std::to_chars(digits, digits + sizeof digits, score).ptr);
}

}  // namespace

// One hiredis connection, used by one thread at a time. Commands are written by this class
// (RESP, with send(MSG_NOSIGNAL), so a server that went away is an error, never SIGPIPE) and
// their replies read by hiredis. Any I/O failure throws RedisFailure and marks it broken.
class RedisStore::Connection {
 public:
  Connection(redisContext* context, std::uint64_t generation, std::uint64_t fork_generation)
      : context_(context), generation_(generation), fork_generation_(fork_generation) {}
  ~Connection() {
    // In a child after fork this closes only the child's copy of the socket (redisFree does
    // not shut the connection down), so the parent's connection is untouched.
    redisFree(context_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  redisContext* context() const { return context_; }
  bool broken() const { return broken_; }
  std::uint64_t generation() const { return generation_; }
  std::uint64_t fork_generation() const { return fork_generation_; }

  // Queues a command; flush() writes every queued command in one send.
  void append(const CommandArgs& args) {
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

  void flush() {
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

  // The next reply (error replies included: the connection is fine after one).
  ReplyPtr receive() {
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

  // One command, one round trip.
  ReplyPtr call(const CommandArgs& args) {
    append(args);
    flush();
    return receive();
  }

  [[noreturn]] void lost(std::string cause) {
    broken_ = true;
    throw RedisFailure{std::move(cause), false};
  }

 private:
  [[noreturn]] void timed_out(const char* what) {
    broken_ = true;
    throw RedisFailure{
        fmt::format("no {} within {} ms (command timeout)", what, kRedisCommandTimeout.count()),
        true};
  }

  redisContext* context_;
  std::uint64_t generation_;
  std::uint64_t fork_generation_;
  bool broken_ = false;
  std::string out_;
};

// A connection borrowed from the pool for one operation: given back when the operation ends,
// or dropped when it broke.
class RedisStore::Lease {
 public:
  Lease(RedisStore& store, std::unique_ptr<Connection> connection, bool reused)
      : store_(store), connection_(std::move(connection)), reused_(reused) {}
  Lease(Lease&& other) noexcept
      : store_(other.store_), connection_(std::move(other.connection_)), reused_(other.reused_) {}
  Lease& operator=(Lease&&) = delete;
  ~Lease() {
    if (connection_ && !connection_->broken()) store_.release(std::move(connection_));
  }

  Connection& operator*() const { return *connection_; }
  // Whether the connection served earlier calls (and so may have been closed since).
  bool reused() const { return reused_; }

 private:
  RedisStore& store_;
  std::unique_ptr<Connection> connection_;
  bool reused_;
};

RedisStore::RedisStore(RedisUrl url)
    : url_(std::move(url)),
      display_url_(make_display_url(url_)),
      fork_generation_(detail::fork_generation()) {}

RedisStore::~RedisStore() = default;

std::string RedisStore::key_prefix(std::string_view function_id) {
  std::string prefix;
  prefix.reserve(14 + function_id.size());
  prefix += "picocache:{";
  prefix += function_id;
  prefix += "}:";
  return prefix;
}

void RedisStore::fail(const char* name, std::string_view cause) const {
  throw StoreError(fmt::format("{}: {}: {}", display_url_, name, cause));
}

template <class Operation>
auto RedisStore::with_connection(const char* name, Operation&& operation) {
  for (int attempt = 0;; ++attempt) {
    Lease lease = acquire(name);
    try {
      return operation(*lease);
    } catch (const RedisFailure& failure) {
      // A pooled connection the server closed (it restarted, or dropped idle clients): try
      // once more on a new connection. A timeout is not retried: the server is stuck.
      if (attempt == 0 && lease.reused() && !failure.timed_out) {
        connection_closed();
        continue;
      }
      server_lost(failure.cause);
      fail(name, failure.cause);
    }
  }
}

RedisStore::Lease RedisStore::acquire(const char* name) {
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
  } catch (const RedisFailure& failure) {
    server_lost(failure.cause);
    fail(name, failure.cause);
  } catch (...) {
    std::lock_guard lock(mutex_);
    probing_ = false;
    throw;
  }
}

void RedisStore::release(std::unique_ptr<Connection> connection) {
  std::lock_guard lock(mutex_);
  if (connection->fork_generation() != fork_generation_ ||
      connection->generation() != generation_) {
    return;
  }
  if (idle_.size() < kMaxIdleConnections) idle_.push_back(std::move(connection));
}

void RedisStore::connection_closed() {
  // Its siblings in the pool were very likely closed by the same restart: drop them all now
  // rather than meet each one's failure in a later call.
  std::lock_guard lock(mutex_);
  ++generation_;
  idle_.clear();
}

void RedisStore::server_lost(std::string cause) {
  std::lock_guard lock(mutex_);
  ++generation_;
  idle_.clear();
  backoff_ = backoff_.count() == 0 ? kRedisReconnectBackoffInitial
                                   : std::min(backoff_ * 2, kRedisReconnectBackoffMax);
  next_connect_ = std::chrono::steady_clock::now() + backoff_;
  probing_ = false;
  last_error_ = std::move(cause);
}

std::unique_ptr<RedisStore::Connection> RedisStore::connect() {
  const timeval connect_timeout = to_timeval(kRedisConnectTimeout);
  redisContext* context =
      url_.unix_path.empty()
          ? redisConnectWithTimeout(url_.host.c_str(), static_cast<int>(url_.port), connect_timeout)
          : redisConnectUnixWithTimeout(url_.unix_path.c_str(), connect_timeout);
  if (context == nullptr) throw RedisFailure{"cannot connect: out of memory", false};
  std::uint64_t generation;
  {
    std::lock_guard lock(mutex_);
    generation = generation_;
  }
  auto connection = std::make_unique<Connection>(context, generation, detail::fork_generation());
  if (context->err != 0) throw RedisFailure{fmt::format("cannot connect: {}", context->errstr)};
  if (redisSetTimeout(context, to_timeval(kRedisCommandTimeout)) != REDIS_OK) {
    throw RedisFailure{fmt::format("cannot set the command timeout: {}", context->errstr)};
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
  if (load) {
    for (std::string_view script : kScriptTexts) connection->append({"SCRIPT", "LOAD", script});
    sent += std::size(kScriptTexts);
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
      throw RedisFailure{fmt::format("authentication failed: {}", reply_text(reply))};
    }
  }
  // An error past AUTH: NOAUTH when the server wants a password and the URL has none.
  auto check = [&](const char* what) -> const redisReply& {
    const redisReply& reply = *replies[next++];
    if (reply.type == REDIS_REPLY_ERROR) {
      const std::string_view text = reply_text(reply);
      throw RedisFailure{starts_with(text, "NOAUTH") ? describe_error_reply(text)
                                                     : fmt::format("{}: {}", what, text)};
    }
    return reply;
  };
  if (url_.db != 0) check(fmt::format("cannot select db {}", url_.db).c_str());
  if (load) {
    std::string sha[std::size(kScriptTexts)];
    for (std::string& digest : sha) {
      const redisReply& reply = check("cannot load the Lua scripts");
      if (reply.type != REDIS_REPLY_STRING) {
        throw RedisFailure{"cannot load the Lua scripts: unexpected reply to SCRIPT LOAD"};
      }
      digest = std::string(reply_text(reply));
    }
    std::lock_guard lock(mutex_);
    if (!scripts_loaded_.load(std::memory_order_relaxed)) {
      for (std::size_t i = 0; i < std::size(sha); ++i) script_sha_[i] = std::move(sha[i]);
      scripts_loaded_.store(true, std::memory_order_release);
    }
  } else if (next < sent) {
    check("PING");
  }
  return connection;
}

namespace {

// EVALSHA <sha> <numkeys> keys... args..., falling back to EVAL <script> when the server has
// lost its script cache (a restart, SCRIPT FLUSH, a failover): EVAL caches it again, so the
// next EVALSHA finds it. `also` is pipelined behind the script, in the same round trip.
// Returns the script's reply; error replies are returned too, for the caller to word.
ReplyPtr eval_script(auto& connection, std::string_view sha, std::string_view script,
                     std::initializer_list<std::string_view> keys,
                     std::initializer_list<std::string_view> args,
                     const CommandArgs* also = nullptr) {
  static constexpr std::string_view kKeyCounts[] = {"0", "1", "2", "3", "4", "5"};
  CommandArgs command{"EVALSHA", sha, kKeyCounts[keys.size()]};
  for (std::string_view key : keys) command.add(key);
  for (std::string_view arg : args) command.add(arg);
  connection.append(command);
  if (also != nullptr) connection.append(*also);
  connection.flush();
  ReplyPtr reply = connection.receive();
  if (also != nullptr) connection.receive();  // HSET: a listing detail, never fails the put
  if (reply->type == REDIS_REPLY_ERROR && starts_with(reply_text(*reply), "NOSCRIPT")) {
    command.set(0, "EVAL");
    command.set(1, script);
    reply = connection.call(command);
  }
  return reply;
}

}  // namespace

std::optional<std::string> RedisStore::get(const FunctionRef& fn, const Key128& key) {
  const std::string prefix = key_prefix(fn.id);
  const std::string hex = key.to_hex();
  const std::string value_key = prefix + "v:" + hex;
  const std::string lru_key = prefix + "lru";
  const std::string score = recency_score();
  return with_connection("get", [&](Connection& connection) -> std::optional<std::string> {
    // One round trip: the GET and the recency update go out in one write.
    connection.append({"GET", value_key});
    connection.append({"ZADD", lru_key, "XX", score, hex});
    connection.flush();
    const ReplyPtr reply = connection.receive();
    connection.receive();  // ZADD's count; a failed recency update is not worth a miss
    if (reply->type == REDIS_REPLY_NIL) return std::nullopt;
    if (reply->type == REDIS_REPLY_STRING) return std::string(reply->str, reply->len);
    if (reply->type == REDIS_REPLY_ERROR) fail("get", describe_error_reply(reply_text(*reply)));
    fail("get", "unexpected reply type to GET");
  });
}

void RedisStore::put(const FunctionRef& fn, const Key128& key, std::string_view value,
                     std::uint64_t maxsize) {
  const std::string prefix = key_prefix(fn.id);
  const std::string hex = key.to_hex();
  const std::string value_key = prefix + "v:" + hex;
  const std::string lru_key = prefix + "lru";
  const std::string value_prefix = prefix + "v:";
  const std::string limit = maxsize == unbounded ? std::string("-1") : std::to_string(maxsize);
  const std::string score = recency_score();
  // picocache:functions is outside the function's hash tag, so the put script (which may only
  // touch one cluster slot) cannot write it; the HSET pipelined behind the script costs no
  // round trip. Ids are never removed (clear leaves them; functions() skips the empty ones),
  // so no clear racing with a put can hide a function that has entries.
  const CommandArgs name{"HSET", kFunctionsKey, fn.id, fn.name};
  with_connection("put", [&](Connection& connection) {
    const ReplyPtr reply =
        eval_script(connection, script_sha_[static_cast<int>(Script::put)], kPutScript,
                    {value_key, lru_key}, {hex, value, limit, value_prefix, score}, &name);
    if (reply->type == REDIS_REPLY_ERROR) fail("put", describe_error_reply(reply_text(*reply)));
    return true;
  });
}

void RedisStore::clear(const FunctionRef& fn) {
  const std::string prefix = key_prefix(fn.id);
  const std::string lru_key = prefix + "lru";
  const std::string value_prefix = prefix + "v:";
  const std::string batch = std::to_string(kClearBatch);
  with_connection("clear", [&](Connection& connection) {
    // Batches keep each script short. Writers adding entries meanwhile could prolong this
    // forever, so stop after the batches that were there at the start plus a margin: what
    // they add after the clear began is theirs.
    std::uint64_t rounds_left = 0;
    for (;;) {
      const ReplyPtr reply = eval_script(connection, script_sha_[static_cast<int>(Script::clear)],
                                         kClearScript, {lru_key}, {value_prefix, batch});
      if (reply->type == REDIS_REPLY_ERROR) {
        fail("clear", describe_error_reply(reply_text(*reply)));
      }
      if (reply->type != REDIS_REPLY_INTEGER) fail("clear", "unexpected reply type");
      const auto left = static_cast<std::uint64_t>(reply->integer);
      if (left == 0) return true;
      if (rounds_left == 0) {
        rounds_left = left / kClearBatch + 16;
      } else if (--rounds_left == 0) {
        return true;
      }
    }
  });
}

std::uint64_t RedisStore::size(const FunctionRef& fn) {
  const std::string lru_key = key_prefix(fn.id) + "lru";
  return with_connection("size", [&](Connection& connection) -> std::uint64_t {
    const ReplyPtr reply = connection.call({"ZCARD", lru_key});
    if (reply->type == REDIS_REPLY_ERROR) fail("size", describe_error_reply(reply_text(*reply)));
    if (reply->type != REDIS_REPLY_INTEGER) fail("size", "unexpected reply type");
    return static_cast<std::uint64_t>(reply->integer);
  });
}

std::vector<FunctionSummary> RedisStore::functions() {
  return with_connection("functions", [&](Connection& connection) {
    const ReplyPtr all = connection.call({"HGETALL", kFunctionsKey});
    if (all->type == REDIS_REPLY_ERROR) {
      fail("functions", describe_error_reply(reply_text(*all)));
    }
    if (all->type != REDIS_REPLY_ARRAY) fail("functions", "unexpected reply type");
    std::vector<FunctionSummary> summaries;
    for (std::size_t i = 0; i + 1 < all->elements; i += 2) {
      FunctionSummary summary;
      summary.id = std::string(reply_text(*all->element[i]));
      summary.name = std::string(reply_text(*all->element[i + 1]));
      summaries.push_back(std::move(summary));
    }
    // Every function's size in one round trip: a ZCARD per function, pipelined.
    std::vector<std::string> lru_keys;
    lru_keys.reserve(summaries.size());
    for (const FunctionSummary& summary : summaries) {
      lru_keys.push_back(key_prefix(summary.id) + "lru");
      connection.append({"ZCARD", lru_keys.back()});
    }
    connection.flush();
    for (FunctionSummary& summary : summaries) {
      const ReplyPtr size = connection.receive();
      if (size->type == REDIS_REPLY_INTEGER && size->integer > 0) {
        summary.size = static_cast<std::uint64_t>(size->integer);
      }
    }
    std::erase_if(summaries, [](const FunctionSummary& summary) { return summary.size == 0; });
    std::sort(summaries.begin(), summaries.end(), [](const auto& a, const auto& b) {
      return std::tie(a.name, a.id) < std::tie(b.name, b.id);
    });
    return summaries;
  });
}

std::unique_ptr<Store> make_redis_store(const RedisUrl& url) {
  return std::make_unique<RedisStore>(url);
}

}  // namespace picocache

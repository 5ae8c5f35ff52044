// RedisStore (see redis_store.hpp): the key layout, the three Lua scripts, and the connection
// pool with its reconnect backoff. The store never logs: every failure is a StoreError naming
// the URL (password masked), the operation and the cause; the runtime decides what to say.
#include "stores/redis_store.hpp"

#include "stores/store_factories.hpp"

#include <picocache/memoize.hpp>

#include <hiredis/hiredis.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <sys/time.h>
#include <unistd.h>
#include <utility>

namespace picocache {

namespace {

// Recency is a per-function counter INCRemented inside the scripts, not the server clock
// (TIME): it is a strict total order of every get and put of the function, whoever made them,
// with no ties within a millisecond and nothing to go wrong when a clock steps or a cluster
// fails over to a replica whose clock differs. It costs one INCR, in the same script.
//
// The scripts name their keys in KEYS except the value keys of evicted or cleared entries,
// which come out of the sorted set; they are built from the same `picocache:{<id>}:` prefix, so
// they live in the same cluster slot as the declared keys, which Redis Cluster accepts.

// KEYS: value, lru, tick. ARGV: entry hex. Returns the value or nil.
constexpr const char* get_script = R"lua(
local value = redis.call('GET', KEYS[1])
if value then
  redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[3]), ARGV[1])
else
  redis.call('ZREM', KEYS[2], ARGV[1])
end
return value
)lua";

// KEYS: value, lru, tick, name. ARGV: entry hex, value, maxsize (-1: unbounded), name,
// value-key prefix. Stores, ticks, records the name, then evicts the least recently used
// entries (lowest ticks) until at most maxsize remain. Returns the number evicted.
constexpr const char* put_script = R"lua(
redis.call('SET', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[3]), ARGV[1])
redis.call('SET', KEYS[4], ARGV[4])
local maxsize = tonumber(ARGV[3])
if maxsize < 0 then return 0 end
local excess = redis.call('ZCARD', KEYS[2]) - maxsize
if excess <= 0 then return 0 end
local victims = redis.call('ZRANGE', KEYS[2], 0, excess - 1)
for _, member in ipairs(victims) do
  redis.call('DEL', ARGV[5] .. member)
end
redis.call('ZREMRANGEBYRANK', KEYS[2], 0, excess - 1)
return excess
)lua";

// KEYS: lru, tick, name. ARGV: value-key prefix, batch size. Deletes up to a batch of entries
// (so one call never blocks the server for long) and, once none are left, the function's other
// keys. Returns how many entries remain. No KEYS command: the sorted set lists the entries.
constexpr const char* clear_script = R"lua(
local batch = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[2]) - 1)
for _, member in ipairs(batch) do
  redis.call('DEL', ARGV[1] .. member)
end
if #batch > 0 then redis.call('ZREM', KEYS[1], unpack(batch)) end
local left = redis.call('ZCARD', KEYS[1])
if left == 0 then redis.call('DEL', KEYS[1], KEYS[2], KEYS[3]) end
return left
)lua";

constexpr const char* script_text[] = {get_script, put_script, clear_script};
constexpr std::size_t clear_batch = 1000;
constexpr std::size_t max_idle_connections = 16;

timeval to_timeval(std::chrono::milliseconds duration) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(duration.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((duration.count() % 1000) * 1000);
  return tv;
}

std::string make_display_url(const RedisUrl& url) {
  std::string shown;
  if (!url.unix_path.empty()) {
    shown = fmt::format("unix://{}", url.unix_path);
    if (url.db != 0) shown += fmt::format("?db={}", url.db);
    return shown;
  }
  shown = "redis://";
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
  return std::string_view(reply.str, reply.len);
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

}  // namespace

// One hiredis connection, used by one thread at a time.
class RedisStore::Connection {
 public:
  Connection(redisContext* context, std::uint64_t generation)
      : context_(context), generation_(generation), pid_(getpid()) {}
  ~Connection() {
    // In a child after fork this only closes the child's copy of the socket; the parent's
    // connection is untouched.
    if (context_ != nullptr) redisFree(context_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  redisContext* context() const { return context_; }
  bool broken() const { return context_->err != 0; }
  std::uint64_t generation() const { return generation_; }
  pid_t pid() const { return pid_; }

  // Sends one command and reads its reply; nullptr means the connection broke (see error()).
  ReplyPtr command(std::size_t argc, const char* const* argv, const std::size_t* lengths) {
    void* reply = redisCommandArgv(context_, static_cast<int>(argc), const_cast<const char**>(argv),
                                   lengths);
    return ReplyPtr(static_cast<redisReply*>(reply));
  }
  ReplyPtr command(std::initializer_list<std::string_view> args) {
    const char* argv[8];
    std::size_t lengths[8];
    std::size_t argc = 0;
    for (std::string_view arg : args) {
      argv[argc] = arg.data();
      lengths[argc++] = arg.size();
    }
    return command(argc, argv, lengths);
  }
  // Queues a command for the next read_reply (pipelining).
  bool append(std::size_t argc, const char* const* argv, const std::size_t* lengths) {
    return redisAppendCommandArgv(context_, static_cast<int>(argc),
                                  const_cast<const char**>(argv), lengths) == REDIS_OK;
  }
  ReplyPtr read_reply() {
    void* reply = nullptr;
    if (redisGetReply(context_, &reply) != REDIS_OK) return nullptr;
    return ReplyPtr(static_cast<redisReply*>(reply));
  }

  std::string error() const {
    if (context_->err == REDIS_ERR_EOF) return "connection closed by the server";
    return context_->errstr[0] != '\0' ? std::string(context_->errstr) : "connection error";
  }

 private:
  redisContext* context_;
  std::uint64_t generation_;
  pid_t pid_;
};

// A connection borrowed from the pool for one operation: given back when the operation ends,
// unless it broke (then the store is told, and the connection is freed).
class RedisStore::Lease {
 public:
  Lease(RedisStore& store, std::unique_ptr<Connection> connection)
      : store_(store), connection_(std::move(connection)) {}
  Lease(Lease&& other) noexcept
      : store_(other.store_), connection_(std::move(other.connection_)) {}
  ~Lease() {
    if (!connection_) return;
    if (connection_->broken()) {
      store_.connection_lost();
    } else {
      store_.release(std::move(connection_));
    }
  }
  Connection& operator*() const { return *connection_; }
  Connection* operator->() const { return connection_.get(); }

 private:
  RedisStore& store_;
  std::unique_ptr<Connection> connection_;
};

struct RedisStore::ScriptReply {
  ReplyPtr reply;
};

RedisStore::RedisStore(RedisUrl url)
    : url_(std::move(url)), display_url_(make_display_url(url_)), pid_(getpid()) {}

RedisStore::~RedisStore() = default;

std::string RedisStore::key_prefix(std::string_view function_id) {
  std::string prefix;
  prefix.reserve(14 + function_id.size());
  prefix += "picocache:{";
  prefix += function_id;
  prefix += "}:";
  return prefix;
}

void RedisStore::fail(const char* operation, std::string_view cause) const {
  throw StoreError(fmt::format("{}: {}: {}", display_url_, operation, cause));
}

RedisStore::Lease RedisStore::acquire(const char* operation) {
  {
    std::lock_guard lock(mutex_);
    const pid_t pid = getpid();
    if (pid != pid_) {
      // A forked child: the parent's connections share its sockets; never use them.
      idle_.clear();
      pid_ = pid;
      backoff_ = std::chrono::milliseconds{0};
      next_connect_ = {};
    }
    while (!idle_.empty()) {
      std::unique_ptr<Connection> connection = std::move(idle_.back());
      idle_.pop_back();
      if (connection->generation() == generation_) return Lease(*this, std::move(connection));
    }
    const auto now = std::chrono::steady_clock::now();
    if (now < next_connect_) {
      const auto wait =
          std::chrono::duration_cast<std::chrono::milliseconds>(next_connect_ - now).count();
      fail(operation, fmt::format("{} (not reconnecting for another {} ms)", last_connect_error_,
                                  wait));
    }
  }
  try {
    std::unique_ptr<Connection> connection = connect();
    std::lock_guard lock(mutex_);
    backoff_ = std::chrono::milliseconds{0};
    next_connect_ = {};
    return Lease(*this, std::move(connection));
  } catch (const StoreError& error) {
    std::lock_guard lock(mutex_);
    backoff_ = backoff_.count() == 0 ? redis_reconnect_backoff_initial
                                     : std::min(backoff_ * 2, redis_reconnect_backoff_max);
    next_connect_ = std::chrono::steady_clock::now() + backoff_;
    const std::string_view message = error.what();
    // Keep only the cause: the message is re-worded for the operation that meets the backoff.
    last_connect_error_ = std::string(message.substr(std::min(message.size(),
                                                              display_url_.size() + 2)));
    fail(operation, last_connect_error_);
  }
}

void RedisStore::release(std::unique_ptr<Connection> connection) {
  std::lock_guard lock(mutex_);
  if (connection->pid() != pid_ || connection->generation() != generation_) return;
  if (idle_.size() < max_idle_connections) idle_.push_back(std::move(connection));
}

void RedisStore::connection_lost() {
  // The server went away or restarted: the other idle connections are just as dead, so drop
  // them now rather than fail one call per connection.
  std::lock_guard lock(mutex_);
  ++generation_;
  idle_.clear();
}

std::unique_ptr<RedisStore::Connection> RedisStore::connect() {
  const timeval connect_timeout = to_timeval(redis_connect_timeout);
  redisContext* context =
      url_.unix_path.empty()
          ? redisConnectWithTimeout(url_.host.c_str(), static_cast<int>(url_.port), connect_timeout)
          : redisConnectUnixWithTimeout(url_.unix_path.c_str(), connect_timeout);
  if (context == nullptr) fail("connect", "cannot allocate a hiredis context");
  std::uint64_t generation;
  {
    std::lock_guard lock(mutex_);
    generation = generation_;
  }
  auto connection = std::make_unique<Connection>(context, generation);
  if (context->err != 0) fail("connect", connection->error());
  if (redisSetTimeout(context, to_timeval(redis_command_timeout)) != REDIS_OK) {
    fail("connect", connection->error());
  }

  if (!url_.password.empty()) {
    // Redis 6 ACL users authenticate with AUTH <user> <password>; older servers know only
    // AUTH <password>, which is what an URL without a user asks for.
    ReplyPtr reply = url_.user.empty() ? connection->command({"AUTH", url_.password})
                                       : connection->command({"AUTH", url_.user, url_.password});
    if (!reply) fail("connect", connection->error());
    if (reply->type == REDIS_REPLY_ERROR) {
      fail("connect", fmt::format("authentication failed: {}", reply_text(*reply)));
    }
  }
  if (url_.db != 0) {
    const std::string db = std::to_string(url_.db);
    ReplyPtr reply = connection->command({"SELECT", db});
    if (!reply) fail("connect", connection->error());
    if (reply->type == REDIS_REPLY_ERROR) {
      fail("connect", fmt::format("cannot select db {}: {}", url_.db, reply_text(*reply)));
    }
  }
  if (!scripts_loaded_.load(std::memory_order_acquire)) load_scripts(*connection);
  return connection;
}

void RedisStore::load_scripts(Connection& connection) {
  std::string sha[3];
  for (std::size_t i = 0; i < 3; ++i) {
    ReplyPtr reply = connection.command({"SCRIPT", "LOAD", script_text[i]});
    if (!reply) fail("connect", connection.error());
    if (reply->type == REDIS_REPLY_ERROR) {
      const std::string_view text = reply_text(*reply);
      fail("connect", starts_with(text, "NOAUTH")
                          ? fmt::format("authentication required: {}", text)
                          : fmt::format("cannot load the Lua scripts: {}", text));
    }
    if (reply->type != REDIS_REPLY_STRING) fail("connect", "unexpected reply to SCRIPT LOAD");
    sha[i] = std::string(reply_text(*reply));
  }
  std::lock_guard lock(mutex_);
  if (scripts_loaded_.load(std::memory_order_relaxed)) return;
  for (std::size_t i = 0; i < 3; ++i) script_sha_[i] = std::move(sha[i]);
  scripts_loaded_.store(true, std::memory_order_release);
}

RedisStore::ScriptReply RedisStore::run_script(Connection& connection, Script script,
                                               const std::vector<std::string_view>& keys,
                                               const std::vector<std::string_view>& args,
                                               const char* operation,
                                               std::initializer_list<std::string_view> also) {
  const auto index = static_cast<std::size_t>(script);
  const std::string key_count = std::to_string(keys.size());
  constexpr std::size_t max_args = 12;
  const char* argv[max_args];
  std::size_t lengths[max_args];
  std::size_t argc = 0;
  auto push = [&](std::string_view arg) {
    argv[argc] = arg.data();
    lengths[argc++] = arg.size();
  };
  push("EVALSHA");
  push(script_sha_[index]);
  push(key_count);
  for (std::string_view key : keys) push(key);
  for (std::string_view arg : args) push(arg);

  ReplyPtr reply;
  if (also.size() == 0) {
    reply = connection.command(argc, argv, lengths);
  } else {
    // The extra command goes in the same write, behind the script: still one round trip.
    const char* also_argv[4];
    std::size_t also_lengths[4];
    std::size_t also_argc = 0;
    for (std::string_view arg : also) {
      also_argv[also_argc] = arg.data();
      also_lengths[also_argc++] = arg.size();
    }
    if (!connection.append(argc, argv, lengths) ||
        !connection.append(also_argc, also_argv, also_lengths)) {
      fail(operation, connection.error());
    }
    reply = connection.read_reply();
    ReplyPtr also_reply = connection.read_reply();
    if (!also_reply) fail(operation, connection.error());
    if (also_reply->type == REDIS_REPLY_ERROR) fail(operation, reply_text(*also_reply));
  }
  if (reply && reply->type == REDIS_REPLY_ERROR && starts_with(reply_text(*reply), "NOSCRIPT")) {
    // The server lost its script cache (a restart, SCRIPT FLUSH, a failover): EVAL sends the
    // script itself and caches it again, so the next EVALSHA finds it.
    argv[0] = "EVAL";
    lengths[0] = 4;
    argv[1] = script_text[index];
    lengths[1] = std::strlen(script_text[index]);
    reply = connection.command(argc, argv, lengths);
  }
  if (!reply) fail(operation, connection.error());
  if (reply->type == REDIS_REPLY_ERROR) {
    const std::string_view text = reply_text(*reply);
    fail(operation, starts_with(text, "NOAUTH") ? fmt::format("authentication required: {}", text)
                                                : std::string(text));
  }
  return ScriptReply{std::move(reply)};
}

std::optional<std::string> RedisStore::get(const FunctionRef& fn, const Key128& key) {
  const std::string prefix = key_prefix(fn.id);
  const std::string hex = key.to_hex();
  const std::string value_key = prefix + "v:" + hex;
  const std::string lru_key = prefix + "lru";
  const std::string tick_key = prefix + "tick";

  Lease connection = acquire("get");
  ScriptReply result = run_script(*connection, Script::get, {value_key, lru_key, tick_key}, {hex},
                                  "get");
  const redisReply& reply = *result.reply;
  if (reply.type == REDIS_REPLY_NIL) return std::nullopt;
  if (reply.type != REDIS_REPLY_STRING) fail("get", "unexpected reply type from the get script");
  return std::string(reply.str, reply.len);
}

void RedisStore::put(const FunctionRef& fn, const Key128& key, std::string_view value,
                     std::uint64_t maxsize) {
  const std::string prefix = key_prefix(fn.id);
  const std::string hex = key.to_hex();
  const std::string value_key = prefix + "v:" + hex;
  const std::string lru_key = prefix + "lru";
  const std::string tick_key = prefix + "tick";
  const std::string name_key = prefix + "name";
  const std::string value_prefix = prefix + "v:";
  const std::string limit = maxsize == unbounded ? std::string("-1") : std::to_string(maxsize);

  Lease connection = acquire("put");
  // picocache:functions is outside the function's hash tag, so the put script (which may only
  // touch one cluster slot) cannot add to it; a separate SADD, pipelined behind the script,
  // costs no extra round trip. Ids are never removed (clear leaves them; functions() skips
  // the empty ones), so no clear racing with a put can drop a function that has entries.
  run_script(*connection, Script::put, {value_key, lru_key, tick_key, name_key},
             {hex, value, limit, fn.name, value_prefix}, "put", {"SADD", functions_key, fn.id});
}

void RedisStore::clear(const FunctionRef& fn) {
  const std::string prefix = key_prefix(fn.id);
  const std::string lru_key = prefix + "lru";
  const std::string tick_key = prefix + "tick";
  const std::string name_key = prefix + "name";
  const std::string value_prefix = prefix + "v:";
  const std::string batch = std::to_string(clear_batch);

  Lease connection = acquire("clear");
  // Batches keep each script short; writers adding entries meanwhile can only prolong this by
  // as many batches as they add entries, so stop after what was there plus a margin.
  std::size_t rounds_left = 0;
  for (;;) {
    ScriptReply result = run_script(*connection, Script::clear, {lru_key, tick_key, name_key},
                                    {value_prefix, batch}, "clear");
    if (result.reply->type != REDIS_REPLY_INTEGER) fail("clear", "unexpected reply type");
    const auto left = static_cast<std::uint64_t>(result.reply->integer);
    if (left == 0) return;
    if (rounds_left == 0) {
      rounds_left = left / clear_batch + 16;
    } else if (--rounds_left == 0) {
      return;
    }
  }
}

std::uint64_t RedisStore::size(const FunctionRef& fn) {
  const std::string lru_key = key_prefix(fn.id) + "lru";
  Lease connection = acquire("size");
  ReplyPtr reply = connection->command({"ZCARD", lru_key});
  if (!reply) fail("size", connection->error());
  if (reply->type != REDIS_REPLY_INTEGER) {
    fail("size", reply->type == REDIS_REPLY_ERROR ? reply_text(*reply) : "unexpected reply type");
  }
  return static_cast<std::uint64_t>(reply->integer);
}

std::vector<FunctionSummary> RedisStore::functions() {
  Lease connection = acquire("functions");
  ReplyPtr members = connection->command({"SMEMBERS", functions_key});
  if (!members) fail("functions", connection->error());
  if (members->type != REDIS_REPLY_ARRAY) {
    fail("functions",
         members->type == REDIS_REPLY_ERROR ? reply_text(*members) : "unexpected reply type");
  }
  std::vector<std::string> ids;
  ids.reserve(members->elements);
  for (std::size_t i = 0; i < members->elements; ++i) {
    const redisReply& element = *members->element[i];
    if (element.type == REDIS_REPLY_STRING) ids.emplace_back(element.str, element.len);
  }
  std::sort(ids.begin(), ids.end());

  // Every id's name and size in one round trip: GET and ZCARD per id, pipelined.
  for (const std::string& id : ids) {
    const std::string prefix = key_prefix(id);
    const std::string name_key = prefix + "name";
    const std::string lru_key = prefix + "lru";
    const char* get_argv[2] = {"GET", name_key.c_str()};
    const std::size_t get_lengths[2] = {3, name_key.size()};
    const char* zcard_argv[2] = {"ZCARD", lru_key.c_str()};
    const std::size_t zcard_lengths[2] = {5, lru_key.size()};
    if (!connection->append(2, get_argv, get_lengths) ||
        !connection->append(2, zcard_argv, zcard_lengths)) {
      fail("functions", connection->error());
    }
  }
  std::vector<FunctionSummary> summaries;
  for (const std::string& id : ids) {
    ReplyPtr name = connection->read_reply();
    if (!name) fail("functions", connection->error());
    ReplyPtr size = connection->read_reply();
    if (!size) fail("functions", connection->error());
    if (size->type != REDIS_REPLY_INTEGER || size->integer <= 0) continue;  // cleared
    FunctionSummary summary;
    summary.id = id;
    if (name->type == REDIS_REPLY_STRING) summary.name = std::string(name->str, name->len);
    summary.size = static_cast<std::uint64_t>(size->integer);
    summaries.push_back(std::move(summary));
  }
  return summaries;
}

std::unique_ptr<Store> make_redis_store(const RedisUrl& url) {
  return std::make_unique<RedisStore>(url);
}

}  // namespace picocache

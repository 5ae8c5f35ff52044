// The Redis store: the Store over a Redis server (or one Redis Cluster node) through hiredis.
// Connections, RESP and the pool are redis_connection.hpp's; this file says which commands a
// store operation sends and what their replies mean.
//
// Key layout. Every key of a function shares the hash tag `{<function-id>}`, so one Redis
// Cluster slot holds them all and one Lua script may touch them together:
//   picocache:{<id>}:v:<32 hex>      one entry, packed by entry_envelope.hpp (the hex is
//                                    Key128::to_hex())
//   picocache:{<id>}:lru             sorted set of the entries' hex, scored by the time of their
//                                    last use: the per-function index that clear() and size()
//                                    use (no KEYS), and the LRU order
//   picocache:{<id>}:lease:<32 hex>  a single-flight lease: a random token, with an expiry
//   picocache:functions              hash id -> "qualified_name signature", for listings
//
// A hit is one round trip: GET and `ZADD lru XX <now> <entry>`, pipelined in one write. A miss
// is two: that, then one EVALSHA of a script that stores the value and evicts the least recently
// used entries beyond maxsize atomically (with the HSET of the name pipelined behind it), so
// maxsize holds however many processes write at once.
//
// Recency is the time of the last use in microseconds, as the entry's score. A hit records
// itself with a plain `ZADD lru XX <client now>` pipelined behind its GET (a script would cost
// the server several times a GET: EVALSHA ~6 us, GET ~0.4 us on Redis 7). XX updates only an
// entry that is still there, so a hit racing with an eviction never leaves a ghost in the index.
// The put script scores with the server's clock (TIME) and first brings scores that lie in the
// server's future (a client whose clock ran ahead) back to now, so a clock step can never make
// an entry outrank every later one. The LRU order is exact up to the clients' clock skew
// against the server (NTP keeps that to milliseconds).
#include "fork_generation.hpp"
#include "stores/entry_envelope.hpp"
#include "stores/redis_connection.hpp"
#include "stores/store_registry.hpp"

#include <picocache/memoize.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <random>
#include <tuple>
#include <utility>

namespace picocache {
namespace {

using redis::CommandArgs;
using redis::Connection;
using redis::describe_error_reply;
using redis::reply_text;
using redis::ReplyPtr;

// The hash of function ids to names, outside any hash tag.
constexpr std::string_view kFunctionsKey = "picocache:functions";

// KEYS: value, lru. ARGV: entry hex, packed entry, maxsize (-1: unbounded), value-key prefix,
// ttl in ms (0: none). Stores the entry and its recency (the server's clock), then evicts the
// least recently used entries (lowest scores) until at most maxsize remain, all in one atomic
// step. Scores in the server's future are first brought back to just before now (at most 64 per
// put: a clock step is undone over the next puts). Returns the number evicted.
constexpr std::string_view kPutScript = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local ahead = redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. now, '+inf', 'LIMIT', 0, 64)
for i = 1, #ahead do redis.call('ZADD', KEYS[2], now - 1, ahead[i]) end
local ttl = tonumber(ARGV[5])
if ttl > 0 then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ttl)
else
  redis.call('SET', KEYS[1], ARGV[2])
end
redis.call('ZADD', KEYS[2], now, ARGV[1])
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

// KEYS: lease. ARGV: token, ms. Extends the lease if the token still holds it: 1, else 0.
constexpr std::string_view kRenewScript = R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
)lua";

// KEYS: lease. ARGV: token. Deletes the lease if the token still holds it.
constexpr std::string_view kReleaseScript = R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
)lua";

enum Script : std::size_t { kPut, kClear, kRenew, kRelease };

constexpr std::size_t kClearBatch = 500;

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

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A token no other lease holder has: 128 random bits per process, and a counter.
std::string new_lease_token() {
  static const std::string kProcessPart = [] {
    std::random_device device;
    return fmt::format("{:08x}{:08x}{:08x}{:08x}", device(), device(), device(), device());
  }();
  static std::atomic<std::uint64_t> counter{0};
  return fmt::format("{}-{}-{}", kProcessPart, detail::fork_generation(),
                     counter.fetch_add(1, std::memory_order_relaxed));
}

std::string key_prefix(std::string_view function_id) {
  std::string prefix;
  prefix.reserve(14 + function_id.size());
  prefix += "picocache:{";
  prefix += function_id;
  prefix += "}:";
  return prefix;
}

// EVALSHA <sha> <numkeys> keys... args..., falling back to EVAL <script> when the server has
// lost its script cache (a restart, SCRIPT FLUSH, a failover): EVAL caches it again, so the
// next EVALSHA finds it. `also` is pipelined behind the script, in the same round trip.
// Returns the script's reply; error replies are returned too, for the caller to word.
ReplyPtr eval_script(Connection& connection, std::string_view sha, std::string_view script,
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
  if (reply->type == REDIS_REPLY_ERROR && reply_text(*reply).substr(0, 8) == "NOSCRIPT") {
    command.set(0, "EVAL");
    command.set(1, script);
    reply = connection.call(command);
  }
  return reply;
}

class RedisStore;

class RedisLease final : public KeyLease {
 public:
  RedisLease(RedisStore& store, std::string key, std::string token)
      : store_(store), key_(std::move(key)), token_(std::move(token)) {}
  ~RedisLease() override;
  bool renew(std::chrono::milliseconds duration) override;

 private:
  RedisStore& store_;
  std::string key_;
  std::string token_;
};

class RedisStore final : public Store {
 public:
  // Does not connect: the first call does (as ccache's remote storage), so a server that is
  // down when the program starts is only a StoreError on the calls made while it is down.
  explicit RedisStore(RedisUrl url)
      : pool_(std::move(url), {kPutScript, kClearScript, kRenewScript, kReleaseScript}) {}

  StoreCapabilities capabilities() const override { return {}; }

  std::optional<StoredEntry> get(const FunctionRef& fn, const Key128& key) override {
    return read(fn, key, true);
  }

  std::optional<StoredEntry> peek(const FunctionRef& fn, const Key128& key) override {
    return read(fn, key, false);
  }

  void put(const FunctionRef& fn, const Key128& key, const EntryWrite& entry) override {
    const std::string prefix = key_prefix(fn.id);
    const std::string hex = key.to_hex();
    const std::string value_key = prefix + "v:" + hex;
    const std::string lru_key = prefix + "lru";
    const std::string value_prefix = prefix + "v:";
    const std::string limit =
        entry.maxsize == unbounded ? std::string("-1") : std::to_string(entry.maxsize);
    const std::string ttl = entry.ttl
                                ? std::to_string(std::max<std::int64_t>(1, entry.ttl->count()))
                                : std::string("0");
    const std::string packed = pack_entry(entry.check, now_ms(), entry.value);
    // picocache:functions is outside the function's hash tag, so the put script (which may only
    // touch one cluster slot) cannot write it; the HSET pipelined behind the script costs no
    // round trip. Ids are never removed (clear leaves them; functions() skips the empty ones),
    // so no clear racing with a put can hide a function that has entries.
    const CommandArgs name{"HSET", kFunctionsKey, fn.id, fn.name};
    pool_.with_connection("put", [&](Connection& connection) {
      const ReplyPtr reply =
          eval_script(connection, pool_.script_sha(kPut), kPutScript, {value_key, lru_key},
                      {hex, packed, limit, value_prefix, ttl}, &name);
      if (reply->type == REDIS_REPLY_ERROR) {
        pool_.fail("put", describe_error_reply(reply_text(*reply)));
      }
      return true;
    });
  }

  void clear(const FunctionRef& fn) override {
    const std::string prefix = key_prefix(fn.id);
    const std::string lru_key = prefix + "lru";
    const std::string value_prefix = prefix + "v:";
    const std::string batch = std::to_string(kClearBatch);
    pool_.with_connection("clear", [&](Connection& connection) {
      // Batches keep each script short. Writers adding entries meanwhile could prolong this
      // forever, so stop after the batches that were there at the start plus a margin: what
      // they add after the clear began is theirs.
      std::uint64_t rounds_left = 0;
      for (;;) {
        const ReplyPtr reply = eval_script(connection, pool_.script_sha(kClear), kClearScript,
                                           {lru_key}, {value_prefix, batch});
        if (reply->type == REDIS_REPLY_ERROR) {
          pool_.fail("clear", describe_error_reply(reply_text(*reply)));
        }
        if (reply->type != REDIS_REPLY_INTEGER) pool_.fail("clear", "unexpected reply type");
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

  std::uint64_t size(const FunctionRef& fn) override {
    const std::string lru_key = key_prefix(fn.id) + "lru";
    return pool_.with_connection("size", [&](Connection& connection) -> std::uint64_t {
      const ReplyPtr reply = connection.call({"ZCARD", lru_key});
      if (reply->type == REDIS_REPLY_ERROR) {
        pool_.fail("size", describe_error_reply(reply_text(*reply)));
      }
      if (reply->type != REDIS_REPLY_INTEGER) pool_.fail("size", "unexpected reply type");
      return static_cast<std::uint64_t>(reply->integer);
    });
  }

  std::vector<FunctionSummary> functions() override {
    return pool_.with_connection("functions", [&](Connection& connection) {
      const ReplyPtr all = connection.call({"HGETALL", kFunctionsKey});
      if (all->type == REDIS_REPLY_ERROR) {
        pool_.fail("functions", describe_error_reply(reply_text(*all)));
      }
      if (all->type != REDIS_REPLY_ARRAY) pool_.fail("functions", "unexpected reply type");
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

  std::unique_ptr<KeyLease> try_lease(const FunctionRef& fn, const Key128& key,
                                      std::chrono::milliseconds duration) override {
    std::string lease_key = key_prefix(fn.id) + "lease:" + key.to_hex();
    std::string token = new_lease_token();
    const std::string ms = std::to_string(std::max<std::int64_t>(1, duration.count()));
    const bool taken = pool_.with_connection("lease", [&](Connection& connection) {
      const ReplyPtr reply = connection.call({"SET", lease_key, token, "NX", "PX", ms});
      if (reply->type == REDIS_REPLY_ERROR) {
        pool_.fail("lease", describe_error_reply(reply_text(*reply)));
      }
      return reply->type == REDIS_REPLY_STATUS;  // OK; nil when another holds it
    });
    if (!taken) return nullptr;
    return std::make_unique<RedisLease>(*this, std::move(lease_key), std::move(token));
  }

  void close() noexcept override { pool_.drop_idle(); }

  // For RedisLease: runs a lease script, 1 when it found the token.
  bool run_lease_script(Script script, std::string_view lease_key, std::string_view token,
                        std::string_view ms) {
    const std::string_view text = script == kRenew ? kRenewScript : kReleaseScript;
    return pool_.with_connection("lease", [&](Connection& connection) {
      const ReplyPtr reply =
          script == kRenew
              ? eval_script(connection, pool_.script_sha(script), text, {lease_key}, {token, ms})
              : eval_script(connection, pool_.script_sha(script), text, {lease_key}, {token});
      if (reply->type == REDIS_REPLY_ERROR) {
        pool_.fail("lease", describe_error_reply(reply_text(*reply)));
      }
      return reply->type == REDIS_REPLY_INTEGER && reply->integer == 1;
    });
  }

 private:
  std::optional<StoredEntry> read(const FunctionRef& fn, const Key128& key, bool use) {
    const std::string prefix = key_prefix(fn.id);
    const std::string hex = key.to_hex();
    const std::string value_key = prefix + "v:" + hex;
    const std::string lru_key = prefix + "lru";
    const std::string score = use ? recency_score() : std::string();
    return pool_.with_connection("get", [&](Connection& connection) -> std::optional<StoredEntry> {
      // One round trip: the GET and the recency update go out in one write.
      connection.append({"GET", value_key});
      if (use) connection.append({"ZADD", lru_key, "XX", score, hex});
      connection.flush();
      const ReplyPtr reply = connection.receive();
      if (use) connection.receive();  // ZADD's count; a failed recency update is not worth a miss
      if (reply->type == REDIS_REPLY_NIL) return std::nullopt;
      if (reply->type == REDIS_REPLY_STRING) return unpack_entry(reply_text(*reply));
      if (reply->type == REDIS_REPLY_ERROR) {
        pool_.fail("get", describe_error_reply(reply_text(*reply)));
      }
      pool_.fail("get", "unexpected reply type to GET");
    });
  }

  redis::ConnectionPool pool_;
};

RedisLease::~RedisLease() {
  try {
    store_.run_lease_script(kRelease, key_, token_, {});
  } catch (const StoreError&) {
    // ignored: the lease expires by itself
  }
}

bool RedisLease::renew(std::chrono::milliseconds duration) {
  return store_.run_lease_script(kRenew, key_, token_,
                                 std::to_string(std::max<std::int64_t>(1, duration.count())));
}

}  // namespace

StoreKind redis_store_kind() {
  return StoreKind{
      "redis",
      {"redis", "unix"},
      "redis://[[USER]:PASSWORD@]HOST[:PORT][/DB], unix:///PATH/redis.sock[?db=N]",
      [](std::string_view url) { parse_redis_url(url); },
      [](std::string_view url, const OpenOptions&) -> std::unique_ptr<Store> {
        return std::make_unique<RedisStore>(parse_redis_url(url));
      },
  };
}

}  // namespace picocache

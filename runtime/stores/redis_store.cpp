// The Redis store: the Store over a Redis server or a Redis Cluster through hiredis.
// Connections, RESP and the pool are redis_connection.hpp's, slots and redirections
// redis_cluster.hpp's; this file says which commands a store operation sends, where (which
// cluster node), and what their replies mean.
//
// Cluster. The first connection to the URL's server asks it for CLUSTER SLOTS, in the round trip
// that loads the scripts (so the first call still costs two). A standalone server refuses, and the
// store stays standalone (one pool, the URL's server); a cluster node answers, and from then on
// each operation goes to the master of its function's slot. (Learning the cluster only from a MOVED
// would miss it when every function used lives on the URL's node: that node's death would then
// leave the store with no map to find the replica that took over.) A MOVED also makes it read
// CLUSTER SLOTS again; each operation goes to the master of its function's slot
// (one pool per node), following MOVED (the map is read again), ASK (the retried commands go
// behind ASKING) and TRYAGAIN (a short pause), at most kMaxRedirections times per call. A node
// that fails marks the map stale: the next call reads it again (at most every 200 ms), which is
// how a replica that took over is found. functions() reads the map itself and lists every master.
//
// Key layout (4). Every key of every code version of a function shares the hash tag
// `{<family>}` (FunctionRef::family: the same for every version), so one Redis Cluster slot holds
// them all, one Lua script may touch them together, and dropping a superseded version works on a
// cluster. With F the family, P the prefix `picocache:{<F>}:<id>:` and G the version's current
// generation (decimal digits):
//   picocache:{<F>}:versions  hash: version id -> its last recorded use, ms since the epoch
//                             (record_use, at most hourly per process); drop_versions() reads it
//   P gen                 the current generation G (a string of digits); a clear replaces it
//   P name                "qualified_name signature": the function's registry entry, for listings
//   P version             the code version ("fp:<hex>" or "v:<text>"), written by record_use
//   P old                 set of the generations a clear replaced whose keys are still to delete
//   P g<G>:v:<32 hex>     one entry, packed by entry_envelope.hpp (the hex is Key128::to_hex())
//   P g<G>:lru            sorted set of the entries' hex, scored by the time of their last use
//                         in microseconds: the index that size() and clear use, and the LRU order
//   P g<G>:exp            sorted set of the hex of entries put with a ttl, scored by when they
//                         expire (the server's clock in ms): how puts find expired entries
//   P lease:<32 hex>      a single-flight lease: a random token, with an expiry
// A ref without a family (a tool that knows only the id) uses the id as its family. Keys of
// layout 3 (`picocache:{<id>}:...`, before versions were kept) are never read again: they are
// left to Redis' own eviction (maxmemory policy) and are not listed; under `noeviction` delete
// them by hand (`redis-cli --scan --pattern 'picocache:{*}:*'` lists both layouts; layout 3's
// have no second `:` between the `}` and the 32-hex id).
//
// Any maxmemory policy. Redis may evict or expire any key on its own, so an entry counts only
// when both its value and its index entry are there: a value the index lacks (an orphan) is a
// miss and is deleted, an index entry whose value is gone (a ghost) is a miss and is removed, and
// a hit never re-creates an index entry (ZADD XX). Puts remove the ghosts of a random sample and
// size() all of them, so size() is the live count. clear() is O(1) on the server: it gives the
// function a new generation, so no key of the old one is ever read again, even one whose index
// was evicted; the old generation's keys are then deleted in batches through its index, by the
// clear and by later puts (the set `old` remembers the pending ones). No put ever writes into an
// old generation (the put script reads the generation itself), so nothing outlives the deletion.
// A lost `gen` key (evicted) is a clear: the next put starts a new generation and queues the one
// the client knew for deletion (the index of a generation no client knew is never read again and
// is left to Redis, whose allkeys policy evicted `gen` and evicts it in turn). Generations are the
// server's clock in microseconds (and one more than the last), so a lost `gen` never brings an old
// generation back.
//
// Generations in the client. Each process caches each function's generation for a second: a hit
// with a fresh generation is one round trip of GET and `ZADD lru XX CH <now> <entry>` (CH tells
// whether the index still has the entry); for a function of maxsize none, whose entries are never
// evicted for maxsize, just the GET (its entries' scores stay their write times: should a later
// build bound the function, its first evictions go by write time). A hit with no fresh generation
// runs the read script (also one round trip), which reads the generation with the entry. A put
// learns the generation from its script's reply.
//
// Bounded work. A put evicts at most kEvictBudget entries beyond maxsize (after maxsize shrank,
// the size converges to it over the next puts), checks kGhostSample entries for ghosts, removes
// at most kEvictBudget expired entries and deletes at most kEvictBudget entries of an old
// generation.
//
// ttl. A value put with a ttl gets it as its PX, and its hex goes into `exp` with its expiry. Each
// put of the function first removes (value, index and `exp` entry) up to kEvictBudget entries
// whose expiry has passed, ahead of any LRU victim, so the index holds only live entries after a
// put unless more than that many expired since the last one. The runtime also checks the
// entry's write time against the ttl it has now (entry_age.hpp), so a shortened ttl applies to
// entries already stored; a lengthened one cannot revive what Redis expired. clear() and size()
// work in batches of kBatch, one short script each. No script touches more than a few hundred keys.
//
// Recency is the time of the last use in microseconds, as the entry's score. A hit records
// itself with a plain ZADD pipelined behind its GET (a script would cost the server several
// times a GET: EVALSHA ~6 us, GET ~0.4 us on Redis 7). The put script scores with the server's
// clock (TIME) and first brings scores that lie in the server's future (a client whose clock ran
// ahead) back to now, so a clock step can never make an entry outrank every later one. The LRU
// order is exact up to the clients' clock skew against the server (NTP keeps that to
// milliseconds), whatever the maxmemory policy: Redis' own evictions only remove entries (each
// is then a miss), they never reorder the ones that remain.
#include "fork_generation.hpp"
#include "stores/entry_envelope.hpp"
#include "stores/redis_cluster.hpp"
#include "stores/redis_connection.hpp"
#include "stores/store_registry.hpp"

#include <picocache/memoize.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <map>
#include <mutex>
#include <random>
#include <thread>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <utility>

namespace picocache {
namespace {

using redis::CommandArgs;
using redis::Connection;
using redis::ConnectionPool;
using redis::describe_error_reply;
using redis::reply_text;
using redis::ReplyPtr;

// How many entries one put evicts at most (beyond maxsize), and deletes of an old generation.
constexpr int kEvictBudget = 64;
// How many random index entries one put checks for a value Redis evicted or expired.
constexpr int kGhostSample = 8;
// Entries per script of clear() and size().
constexpr int kBatch = 500;
// Redirections one call follows at most, and how often a stale cluster map is re-read at most.
constexpr int kMaxRedirections = 8;
constexpr std::chrono::milliseconds kSlotRefreshInterval{200};
// How long a process trusts the generation it last read.
constexpr std::chrono::milliseconds kGenerationFreshFor{1000};

// The Lua that deletes up to `budget` entries of the old generation `old` (its values and index
// entries) and forgets the generation (and its `exp` set) once its index is empty. Shared by the
// put and collect scripts; `prefix` is P.
#define PICOCACHE_COLLECT_LUA                                                          \
  "local function collect(prefix, old, budget)\n"                                      \
  "  local lru = prefix .. 'g' .. old .. ':lru'\n"                                     \
  "  local batch = redis.call('ZRANGE', lru, 0, budget - 1)\n"                         \
  "  if #batch > 0 then\n"                                                             \
  "    local keys = {}\n"                                                              \
  "    for i = 1, #batch do keys[i] = prefix .. 'g' .. old .. ':v:' .. batch[i] end\n" \
  "    redis.call('UNLINK', unpack(keys))\n"                                           \
  "    redis.call('ZREM', lru, unpack(batch))\n"                                       \
  "  end\n"                                                                            \
  "  if #batch < budget then\n"                                                        \
  "    redis.call('SREM', prefix .. 'old', old)\n"                                     \
  "    redis.call('UNLINK', prefix .. 'g' .. old .. ':exp')\n"                         \
  "  end\n"                                                                            \
  "  return #batch\n"                                                                  \
  "end\n"

// KEYS: gen. ARGV: P, the generation the client knows ('' if none), entry hex, packed entry,
// maxsize (-1: unbounded), ttl in ms (0: none), name. Stores the entry in the current generation
// (starting one if `gen` is missing) with its recency (the server's clock) and the name, removes
// expired entries (at most kEvictBudget) and the ghosts of a sample, evicts the least recently used
// entries beyond maxsize (at most kEvictBudget), and deletes up to kEvictBudget entries of an old
// generation. Scores in the server's future are first brought back to just before now (at most 64
// per put). Returns {generation, number evicted}.
constexpr std::string_view kPutScript = PICOCACHE_COLLECT_LUA R"lua(
local prefix = ARGV[1]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local gen = redis.call('GET', KEYS[1])
if not gen then
  gen = string.format('%.0f', now)
  redis.call('SET', KEYS[1], gen)
  if ARGV[2] ~= '' and ARGV[2] ~= gen then redis.call('SADD', prefix .. 'old', ARGV[2]) end
end
local lru = prefix .. 'g' .. gen .. ':lru'
local vprefix = prefix .. 'g' .. gen .. ':v:'
local ahead = redis.call('ZRANGEBYSCORE', lru, '(' .. string.format('%.0f', now), '+inf',
                         'LIMIT', 0, 64)
for i = 1, #ahead do redis.call('ZADD', lru, now - 1, ahead[i]) end
local ttl = tonumber(ARGV[6])
local exp = prefix .. 'g' .. gen .. ':exp'
local now_ms = math.floor(now / 1000)
if ttl > 0 then
  redis.call('SET', vprefix .. ARGV[3], ARGV[4], 'PX', ttl)
  redis.call('ZADD', exp, now_ms + ttl, ARGV[3])
else
  redis.call('SET', vprefix .. ARGV[3], ARGV[4])
end
redis.call('ZADD', lru, now, ARGV[3])
redis.call('SET', prefix .. 'name', ARGV[7])
local expiring = redis.call('EXISTS', exp) == 1
if expiring then
  if ttl == 0 then redis.call('ZREM', exp, ARGV[3]) end
  local gone = redis.call('ZRANGEBYSCORE', exp, '-inf', string.format('%.0f', now_ms),
                          'LIMIT', 0, 64)
  if #gone > 0 then
    local keys = {}
    for i = 1, #gone do keys[i] = vprefix .. gone[i] end
    redis.call('UNLINK', unpack(keys))
    redis.call('ZREM', lru, unpack(gone))
    redis.call('ZREM', exp, unpack(gone))
  end
end
local sample = redis.call('ZRANDMEMBER', lru, 8)
for i = 1, #sample do
  if redis.call('EXISTS', vprefix .. sample[i]) == 0 then redis.call('ZREM', lru, sample[i]) end
end
local evicted = 0
local maxsize = tonumber(ARGV[5])
if maxsize >= 0 then
  local excess = redis.call('ZCARD', lru) - maxsize
  if excess > 0 then
    evicted = math.min(excess, 64)
    local victims = redis.call('ZRANGE', lru, 0, evicted - 1)
    local keys = {}
    for i = 1, #victims do keys[i] = vprefix .. victims[i] end
    redis.call('UNLINK', unpack(keys))
    redis.call('ZREMRANGEBYRANK', lru, 0, evicted - 1)
    if expiring then redis.call('ZREM', exp, unpack(victims)) end
  end
end
local old = redis.call('SRANDMEMBER', prefix .. 'old')
if old then collect(prefix, old, 64) end
return {gen, evicted}
)lua";
static_assert(kGhostSample == 8 && kEvictBudget == 64, "the put script spells them out");

// KEYS: gen. ARGV: P, entry hex, recency score ('' for a peek). A read that also learns the
// generation: reads the entry and records its use (if the index has it) in the current
// generation, and removes an orphan or a ghost it meets. Returns {generation or nil, packed
// entry or nil}; the entry only when both its value and index entry are there.
constexpr std::string_view kReadScript = R"lua(
local gen = redis.call('GET', KEYS[1])
if not gen then return {false, false} end
local base = ARGV[1] .. 'g' .. gen
local value = redis.call('GET', base .. ':v:' .. ARGV[2])
local indexed = redis.call('ZSCORE', base .. ':lru', ARGV[2])
if value and indexed then
  if ARGV[3] ~= '' then redis.call('ZADD', base .. ':lru', 'XX', ARGV[3], ARGV[2]) end
  return {gen, value}
end
if value then redis.call('UNLINK', base .. ':v:' .. ARGV[2]) end
if indexed then redis.call('ZREM', base .. ':lru', ARGV[2]) end
return {gen, false}
)lua";

// KEYS: gen. ARGV: P, generation, entry hex. After a fast read found only one of value and index
// entry: 1 if both are there after all (the index update raced with another use), else removes
// the one that is left (an orphan value or a ghost index entry) and returns 0.
constexpr std::string_view kRepairScript = R"lua(
local base = ARGV[1] .. 'g' .. ARGV[2]
local value_key = base .. ':v:' .. ARGV[3]
local indexed = redis.call('ZSCORE', base .. ':lru', ARGV[3])
local exists = redis.call('EXISTS', value_key)
if indexed and exists == 1 then return 1 end
if indexed then redis.call('ZREM', base .. ':lru', ARGV[3]) end
if exists == 1 then redis.call('UNLINK', value_key) end
return 0
)lua";

// KEYS: gen. ARGV: P, the generation the client knows ('' if none). Starts a new generation
// (the server's clock in microseconds, and more than the last) and queues the old one for
// deletion. Returns the new generation.
constexpr std::string_view kClearScript = R"lua(
local t = redis.call('TIME')
local new = tonumber(t[1]) * 1000000 + tonumber(t[2])
local gen = redis.call('GET', KEYS[1])
if gen and tonumber(gen) >= new then new = tonumber(gen) + 1 end
local text = string.format('%.0f', new)
redis.call('SET', KEYS[1], text)
local old = gen or ARGV[2]
if old ~= '' then redis.call('SADD', ARGV[1] .. 'old', old) end
return text
)lua";

// KEYS: gen. ARGV: P, batch size. Deletes up to a batch of entries of an old generation. Returns
// 1 when there may be more to delete, 0 when no old generation is left.
constexpr std::string_view kCollectScript = PICOCACHE_COLLECT_LUA R"lua(
local old = redis.call('SRANDMEMBER', ARGV[1] .. 'old')
if not old then return 0 end
collect(ARGV[1], old, tonumber(ARGV[2]))
return 1
)lua";

// KEYS: gen. ARGV: P, start rank, batch size. Removes the ghosts among a batch of the current
// generation's index entries (ranks start..start+batch-1). Returns {the next start rank, or -1
// when the index was done, the index's size}.
constexpr std::string_view kScrubScript = R"lua(
local gen = redis.call('GET', KEYS[1])
if not gen then return {-1, 0} end
local base = ARGV[1] .. 'g' .. gen
local start = tonumber(ARGV[2])
local batch = tonumber(ARGV[3])
local members = redis.call('ZRANGE', base .. ':lru', start, start + batch - 1)
local removed = 0
for i = 1, #members do
  if redis.call('EXISTS', base .. ':v:' .. members[i]) == 0 then
    redis.call('ZREM', base .. ':lru', members[i])
    removed = removed + 1
  end
end
local next = start + #members - removed
if #members < batch then next = -1 end
return {next, redis.call('ZCARD', base .. ':lru')}
)lua";

#undef PICOCACHE_COLLECT_LUA

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

// KEYS: versions. ARGV: version id, use time (ms), P version, version text. Records the use (a
// later one is never moved back) and the version text.
constexpr std::string_view kRecordUseScript = R"lua(
local last = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if tonumber(ARGV[2]) > last then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
redis.call('SET', ARGV[3], ARGV[4])
return 1
)lua";

// KEYS: versions. ARGV: version id, the use time read before its entries were dropped. Forgets
// the version unless a use was recorded since (then it stays, for the next drop to see).
constexpr std::string_view kForgetVersionScript = R"lua(
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('HDEL', KEYS[1], ARGV[1]) end
return 0
)lua";

enum Script : std::size_t {
  kPut,
  kRead,
  kRepair,
  kClear,
  kCollect,
  kScrub,
  kRenew,
  kRelease,
  kRecordUse,
  kForgetVersion
};
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

// The family's hash tag part: `picocache:{<family>}:` (the id's when the ref has no family).
std::string family_prefix(std::string_view family) {
  std::string prefix;
  prefix.reserve(14 + family.size());
  prefix += "picocache:{";
  prefix += family;
  prefix += "}:";
  return prefix;
}

std::string_view family_of(const FunctionRef& fn) { return fn.family.empty() ? fn.id : fn.family; }

// P: `picocache:{<family>}:<id>:`.
std::string key_prefix(const FunctionRef& fn) {
  std::string prefix = family_prefix(family_of(fn));
  prefix += fn.id;
  prefix += ':';
  return prefix;
}

// EVALSHA <sha> <numkeys> keys... args..., falling back to EVAL <script> when the server has
// lost its script cache (a restart, SCRIPT FLUSH, a failover): EVAL caches it again, so the
// next EVALSHA finds it.
// Returns the script's reply; error replies are returned too, for the caller to word.
ReplyPtr eval_script(Connection& connection, std::string_view sha, std::string_view script,
                     std::initializer_list<std::string_view> keys,
                     std::initializer_list<std::string_view> args) {
  static constexpr std::string_view kKeyCounts[] = {"0", "1", "2", "3", "4", "5"};
  CommandArgs command{"EVALSHA", sha, kKeyCounts[keys.size()]};
  for (std::string_view key : keys) command.add(key);
  for (std::string_view arg : args) command.add(arg);
  connection.append(command);
  connection.flush();
  ReplyPtr reply = connection.receive();
  if (reply->type == REDIS_REPLY_ERROR && reply_text(*reply).substr(0, 8) == "NOSCRIPT") {
    command.set(0, "EVAL");
    command.set(1, script);
    reply = connection.call(command);
  }
  return reply;
}

// A Redis Cluster redirection (or TRYAGAIN) met by an operation, thrown out of it (after every
// reply it had pipelined was read) for RedisStore::routed() to follow.
struct Redirected {
  redis::Redirection redirection;
};

// Reacts to an error reply: throws Redirected for MOVED, ASK and TRYAGAIN, else fails the
// operation with the server's message.
[[noreturn]] void error_reply(const ConnectionPool& pool, const char* name,
                              const redisReply& reply) {
  const std::string_view text = reply_text(reply);
  const redis::Redirection redirection = redis::parse_redirection(text);
  if (redirection.kind != redis::Redirection::none) throw Redirected{redirection};
  pool.fail(name, describe_error_reply(text));
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
      : url_(url),
        seed_{url.host, url.port},
        pool_(std::move(url), scripts(),
              [this](const redisReply& reply) { learn_topology(reply); }) {}

  StoreCapabilities capabilities() const override { return {}; }

  std::optional<StoredEntry> get(const FunctionRef& fn, const Key128& key) override {
    return read(fn, key, true);
  }

  std::optional<StoredEntry> peek(const FunctionRef& fn, const Key128& key) override {
    return read(fn, key, false);
  }

  void put(const FunctionRef& fn, const Key128& key, const EntryWrite& entry) override {
    const std::string prefix = key_prefix(fn);
    const std::string gen_key = prefix + "gen";
    const std::string known = known_generation(fn.id, false).value_or(std::string());
    const std::string hex = key.to_hex();
    const std::string limit =
        entry.maxsize == unbounded ? std::string("-1") : std::to_string(entry.maxsize);
    const std::string ttl = entry.ttl
                                ? std::to_string(std::max<std::int64_t>(1, entry.ttl->count()))
                                : std::string("0");
    const std::string packed = pack_entry(entry.check, now_ms(), entry.value);
    routed(prefix, "put", [&](ConnectionPool& pool, Connection& connection) {
      const ReplyPtr reply = eval_script(connection, pool.script_sha(kPut), kPutScript, {gen_key},
                                         {prefix, known, hex, packed, limit, ttl, fn.name});
      if (reply->type == REDIS_REPLY_ERROR) error_reply(pool, "put", *reply);
      if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2 ||
          reply->element[0]->type != REDIS_REPLY_STRING) {
        pool.fail("put", "unexpected reply to the put script");
      }
      remember_generation(fn.id, reply_text(*reply->element[0]));
      return true;
    });
  }

  // `P gen`, read fresh (one GET): the generation only grows, so any change is a clear. A
  // function never stored has none yet: 0.
  std::optional<std::uint64_t> clear_generation(const FunctionRef& fn) override {
    const std::string prefix = key_prefix(fn);
    return routed(prefix, "clear generation", [&](ConnectionPool& pool, Connection& connection) {
      const ReplyPtr reply = connection.call({"GET", prefix + "gen"});
      if (reply->type == REDIS_REPLY_ERROR) error_reply(pool, "clear generation", *reply);
      if (reply->type == REDIS_REPLY_NIL) return std::optional<std::uint64_t>(0);
      std::uint64_t generation = 0;
      const std::string_view text =
          reply->type == REDIS_REPLY_STRING ? reply_text(*reply) : std::string_view();
      const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), generation);
      if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
        pool.fail("clear generation", "the generation key holds no number");
      }
      return std::optional<std::uint64_t>(generation);
    });
  }

  void clear(const FunctionRef& fn) override {
    const std::string prefix = key_prefix(fn);
    const std::string gen_key = prefix + "gen";
    const std::string known = known_generation(fn.id, false).value_or(std::string());
    const std::string batch = std::to_string(kBatch);
    routed(prefix, "clear", [&](ConnectionPool& pool, Connection& connection) {
      const ReplyPtr reply = eval_script(connection, pool.script_sha(kClear), kClearScript,
                                         {gen_key}, {prefix, known});
      if (reply->type == REDIS_REPLY_ERROR) error_reply(pool, "clear", *reply);
      if (reply->type != REDIS_REPLY_STRING) pool.fail("clear", "unexpected reply type");
      remember_generation(fn.id, reply_text(*reply));
      // The old generation is unreachable already; deleting its keys is housekeeping, in
      // batches so that no script blocks the server. Nobody adds to an old generation, so
      // this ends; the bound only guards against a server that misbehaves.
      for (int round = 0; round < 1'000'000; ++round) {
        const ReplyPtr done = eval_script(connection, pool.script_sha(kCollect), kCollectScript,
                                          {gen_key}, {prefix, batch});
        if (done->type == REDIS_REPLY_ERROR) error_reply(pool, "clear", *done);
        if (done->type != REDIS_REPLY_INTEGER) pool.fail("clear", "unexpected reply type");
        if (done->integer == 0) break;
      }
      return true;
    });
  }

  std::uint64_t size(const FunctionRef& fn) override {
    const std::string prefix = key_prefix(fn);
    return routed(prefix, "size", [&](ConnectionPool& pool, Connection& connection) {
      return live_size(pool, connection, prefix);
    });
  }

  std::vector<FunctionSummary> functions() override {
    std::vector<FunctionSummary> summaries;
    for (ConnectionPool* node : master_pools()) {
      std::vector<FunctionSummary> listed = functions_on(*node);
      summaries.insert(summaries.end(), std::make_move_iterator(listed.begin()),
                       std::make_move_iterator(listed.end()));
    }
    std::sort(summaries.begin(), summaries.end(), [](const auto& a, const auto& b) {
      return std::tie(a.name, a.id) < std::tie(b.name, b.id);
    });
    return summaries;
  }

  // The functions whose registry entries one node (a standalone server, or one cluster master)
  // holds.
  std::vector<FunctionSummary> functions_on(ConnectionPool& pool) {
    return pool.with_connection("functions", [&](Connection& connection) {
      // The registry entries are keys in each function's own slot (so that a cluster keeps
      // every key of a function together); listing them is a SCAN, for tools only.
      std::vector<std::string> name_keys;
      std::string cursor = "0";
      do {
        const ReplyPtr page =
            connection.call({"SCAN", cursor, "MATCH", "picocache:{*}:*:name", "COUNT", "1000"});
        if (page->type == REDIS_REPLY_ERROR) error_reply(pool, "functions", *page);
        if (page->type != REDIS_REPLY_ARRAY || page->elements != 2 ||
            page->element[1]->type != REDIS_REPLY_ARRAY) {
          pool.fail("functions", "unexpected reply to SCAN");
        }
        cursor = std::string(reply_text(*page->element[0]));
        const redisReply& keys = *page->element[1];
        for (std::size_t i = 0; i < keys.elements; ++i) {
          name_keys.emplace_back(reply_text(*keys.element[i]));
        }
      } while (cursor != "0");
      std::sort(name_keys.begin(), name_keys.end());
      name_keys.erase(std::unique(name_keys.begin(), name_keys.end()), name_keys.end());
      std::vector<FunctionSummary> summaries;
      for (const std::string& name_key : name_keys) {
        // "picocache:{" family "}:" id ":name"; layout 3's "picocache:{" id "}:name" is skipped.
        constexpr std::size_t kHead = 11;
        constexpr std::size_t kIdAndTail = 32 + 5;
        const std::size_t close = name_key.find("}:", kHead);
        if (close == std::string::npos || name_key.size() != close + 2 + kIdAndTail) continue;
        FunctionSummary summary;
        summary.family = name_key.substr(kHead, close - kHead);
        summary.id = name_key.substr(close + 2, 32);
        const FunctionRef ref{summary.id, {}, summary.family};
        const std::string prefix = key_prefix(ref);
        connection.append({"GET", name_key});
        connection.append({"GET", prefix + "version"});
        connection.append({"HGET", family_prefix(summary.family) + "versions", summary.id});
        connection.flush();
        const ReplyPtr name = connection.receive();
        const ReplyPtr version = connection.receive();
        const ReplyPtr last_used = connection.receive();
        if (name->type != REDIS_REPLY_STRING) continue;  // cleared meanwhile, or evicted
        summary.name = std::string(reply_text(*name));
        if (version->type == REDIS_REPLY_STRING) summary.version = reply_text(*version);
        if (last_used->type == REDIS_REPLY_STRING) {
          const std::string_view text = reply_text(*last_used);
          std::from_chars(text.data(), text.data() + text.size(), summary.last_used_ms);
        }
        summary.size = live_size(pool, connection, prefix);
        if (summary.size > 0) summaries.push_back(std::move(summary));
      }
      return summaries;
    });
  }

  void record_use(const FunctionRef& fn, std::int64_t at_ms) override {
    const std::string versions = family_prefix(family_of(fn)) + "versions";
    const std::string version_key = key_prefix(fn) + "version";
    const std::string at = std::to_string(at_ms);
    routed(versions, "recording a use", [&](ConnectionPool& pool, Connection& connection) {
      const ReplyPtr reply = eval_script(connection, pool.script_sha(kRecordUse), kRecordUseScript,
                                         {versions}, {fn.id, at, version_key, fn.version});
      if (reply->type == REDIS_REPLY_ERROR) error_reply(pool, "recording a use", *reply);
      return true;
    });
  }

  // Reads the family's versions (one slot: their hash tag), clears each one last used before the
  // cutoff that still has entries, then forgets it unless a use was recorded meanwhile. Not one
  // script (a clear works in batches): a version first used again during the drop loses the
  // entries it had, not its later ones.
  std::vector<FunctionSummary> drop_versions(std::string_view family, std::string_view keep_id,
                                             std::int64_t cutoff_ms) override {
    const std::string versions = family_prefix(family) + "versions";
    struct Candidate {
      FunctionSummary summary;
      std::string recorded;  // the use time as stored, for the forget script's check
    };
    std::vector<Candidate> candidates;
    routed(versions, "dropping old versions", [&](ConnectionPool& pool, Connection& connection) {
      candidates.clear();
      const ReplyPtr all = connection.call({"HGETALL", versions});
      if (all->type == REDIS_REPLY_ERROR) error_reply(pool, "dropping old versions", *all);
      if (all->type != REDIS_REPLY_ARRAY) pool.fail("dropping old versions", "unexpected reply");
      for (std::size_t i = 0; i + 1 < all->elements; i += 2) {
        Candidate candidate;
        candidate.summary.id = reply_text(*all->element[i]);
        candidate.summary.family = std::string(family);
        candidate.recorded = reply_text(*all->element[i + 1]);
        const auto [end, error] = std::from_chars(
            candidate.recorded.data(), candidate.recorded.data() + candidate.recorded.size(),
            candidate.summary.last_used_ms);
        if (error != std::errc() || candidate.summary.id == keep_id ||
            candidate.summary.last_used_ms >= cutoff_ms) {
          continue;
        }
        const FunctionRef ref{candidate.summary.id, {}, family};
        const std::string prefix = key_prefix(ref);
        candidate.summary.size = live_size(pool, connection, prefix);
        connection.append({"GET", prefix + "name"});
        connection.append({"GET", prefix + "version"});
        connection.flush();
        const ReplyPtr name = connection.receive();
        const ReplyPtr version = connection.receive();
        if (name->type == REDIS_REPLY_STRING) candidate.summary.name = reply_text(*name);
        if (version->type == REDIS_REPLY_STRING) candidate.summary.version = reply_text(*version);
        candidates.push_back(std::move(candidate));
      }
      return true;
    });
    std::vector<FunctionSummary> dropped;
    for (Candidate& candidate : candidates) {
      const FunctionRef ref{candidate.summary.id, candidate.summary.name, family};
      if (candidate.summary.size > 0) clear(ref);
      routed(versions, "dropping old versions", [&](ConnectionPool& pool, Connection& connection) {
        const ReplyPtr reply =
            eval_script(connection, pool.script_sha(kForgetVersion), kForgetVersionScript,
                        {versions}, {candidate.summary.id, candidate.recorded});
        if (reply->type == REDIS_REPLY_ERROR) error_reply(pool, "dropping old versions", *reply);
        return true;
      });
      if (candidate.summary.size > 0) dropped.push_back(std::move(candidate.summary));
    }
    return dropped;
  }

  std::unique_ptr<KeyLease> try_lease(const FunctionRef& fn, const Key128& key,
                                      std::chrono::milliseconds duration) override {
    std::string lease_key = key_prefix(fn) + "lease:" + key.to_hex();
    std::string token = new_lease_token();
    const std::string ms = std::to_string(std::max<std::int64_t>(1, duration.count()));
    const bool taken =
        routed(lease_key, "lease", [&](ConnectionPool& pool, Connection& connection) {
          const ReplyPtr reply = connection.call({"SET", lease_key, token, "NX", "PX", ms});
          if (reply->type == REDIS_REPLY_ERROR) error_reply(pool, "lease", *reply);
          return reply->type == REDIS_REPLY_STATUS;  // OK; nil when another holds it
        });
    if (!taken) return nullptr;
    return std::make_unique<RedisLease>(*this, std::move(lease_key), std::move(token));
  }

  void close() noexcept override {
    pool_.drop_idle();
    std::unique_lock lock(cluster_mutex_, std::try_to_lock);
    if (!lock.owns_lock()) return;
    for (auto& [address, node] : nodes_) node->drop_idle();
  }

  // For RedisLease: runs a lease script, 1 when it found the token.
  bool run_lease_script(Script script, std::string_view lease_key, std::string_view token,
                        std::string_view ms) {
    const std::string_view text = script == kRenew ? kRenewScript : kReleaseScript;
    return routed(lease_key, "lease", [&](ConnectionPool& pool, Connection& connection) {
      const ReplyPtr reply =
          script == kRenew
              ? eval_script(connection, pool.script_sha(script), text, {lease_key}, {token, ms})
              : eval_script(connection, pool.script_sha(script), text, {lease_key}, {token});
      if (reply->type == REDIS_REPLY_ERROR) error_reply(pool, "lease", *reply);
      return reply->type == REDIS_REPLY_INTEGER && reply->integer == 1;
    });
  }

 private:
  struct KnownGeneration {
    std::string generation;
    std::chrono::steady_clock::time_point read_at;
  };

  // The generation this process last learned for `id`: only one read within the last second
  // when `fresh`, else any (for puts and clears, whose scripts read the real one).
  std::optional<std::string> known_generation(std::string_view id, bool fresh) {
    std::lock_guard lock(generations_mutex_);
    const auto found = generations_.find(std::string(id));
    if (found == generations_.end()) return std::nullopt;
    if (fresh && std::chrono::steady_clock::now() - found->second.read_at >= kGenerationFreshFor) {
      return std::nullopt;
    }
    return found->second.generation;
  }

  void remember_generation(std::string_view id, std::string_view generation) {
    std::lock_guard lock(generations_mutex_);
    KnownGeneration& known = generations_[std::string(id)];
    known.generation = std::string(generation);
    known.read_at = std::chrono::steady_clock::now();
  }

  void forget_generation(std::string_view id) {
    std::lock_guard lock(generations_mutex_);
    generations_.erase(std::string(id));
  }

  // The function's live entry count: its index without the ghosts, which this removes in
  // batches (one short script each).
  std::uint64_t live_size(ConnectionPool& pool, Connection& connection, const std::string& prefix) {
    const std::string gen_key = prefix + "gen";
    const std::string batch = std::to_string(kBatch);
    std::string start = "0";
    for (;;) {
      const ReplyPtr reply = eval_script(connection, pool.script_sha(kScrub), kScrubScript,
                                         {gen_key}, {prefix, start, batch});
      if (reply->type == REDIS_REPLY_ERROR) error_reply(pool, "size", *reply);
      if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2 ||
          reply->element[0]->type != REDIS_REPLY_INTEGER ||
          reply->element[1]->type != REDIS_REPLY_INTEGER) {
        pool.fail("size", "unexpected reply to the size script");
      }
      if (reply->element[0]->integer < 0) {
        return static_cast<std::uint64_t>(std::max<long long>(0, reply->element[1]->integer));
      }
      start = std::to_string(reply->element[0]->integer);
    }
  }

  std::optional<StoredEntry> read(const FunctionRef& fn, const Key128& key, bool use) {
    const std::string prefix = key_prefix(fn);
    const std::string hex = key.to_hex();
    // A function of maxsize none records no use (see the top): its score is '' as a peek's.
    const bool records_use = use && !fn.unordered;
    const std::string score = records_use ? recency_score() : std::string();
    const std::optional<std::string> generation = known_generation(fn.id, true);
    return routed(
        prefix, "get",
        [&](ConnectionPool& pool, Connection& connection) -> std::optional<StoredEntry> {
          if (!generation)
            return read_learning_generation(pool, connection, fn.id, prefix, hex, score);
          // One round trip: the GET and the recency update (or, for a peek, the index lookup) go
          // out in one write. CH makes ZADD say whether the index still has the entry.
          const std::string base = prefix + "g" + *generation;
          const std::string value_key = base + ":v:" + hex;
          if (use && !records_use) return read_value_only(pool, connection, value_key);
          const std::string lru_key = base + ":lru";
          connection.append({"GET", value_key});
          if (use) {
            connection.append({"ZADD", lru_key, "XX", "CH", score, hex});
          } else {
            connection.append({"ZSCORE", lru_key, hex});
          }
          connection.flush();
          const ReplyPtr value = connection.receive();
          const ReplyPtr index = connection.receive();
          check_get_reply(pool, *value);
          const bool found = value->type == REDIS_REPLY_STRING;
          const bool indexed = use ? index->type == REDIS_REPLY_INTEGER && index->integer == 1
                                   : index->type == REDIS_REPLY_STRING;
          if (!found && !indexed) return std::nullopt;
          if (found && indexed) return unpack_entry(reply_text(*value));
          // Only one of the two: Redis evicted or expired the other (or, rarely, another use gave
          // the same score, so CH counted no change). The repair script tells which, atomically.
          const ReplyPtr repaired = eval_script(connection, pool.script_sha(kRepair), kRepairScript,
                                                {prefix + "gen"}, {prefix, *generation, hex});
          if (repaired->type == REDIS_REPLY_ERROR) error_reply(pool, "get", *repaired);
          if (found && repaired->type == REDIS_REPLY_INTEGER && repaired->integer == 1) {
            return unpack_entry(reply_text(*value));
          }
          return std::nullopt;
        });
  }

  // A hit of a function of maxsize none: one GET, no recency (nothing of it is evicted for
  // maxsize). A value whose index entry Redis evicted is served too: it was stored for this
  // generation, so it is this call's result; the index only lacks it for size() (see the top).
  std::optional<StoredEntry> read_value_only(ConnectionPool& pool, Connection& connection,
                                             const std::string& value_key) {
    const ReplyPtr value = connection.call({"GET", value_key});
    check_get_reply(pool, *value);
    if (value->type == REDIS_REPLY_NIL) return std::nullopt;
    return unpack_entry(reply_text(*value));
  }

  // Fails the call unless a GET's reply is a value or nil.
  static void check_get_reply(ConnectionPool& pool, const redisReply& reply) {
    if (reply.type == REDIS_REPLY_ERROR) error_reply(pool, "get", reply);
    if (reply.type != REDIS_REPLY_NIL && reply.type != REDIS_REPLY_STRING) {
      pool.fail("get", "unexpected reply type to GET");
    }
  }

  // A read through the read script, which also returns the function's current generation.
  std::optional<StoredEntry> read_learning_generation(ConnectionPool& pool, Connection& connection,
                                                      std::string_view id,
                                                      const std::string& prefix,
                                                      const std::string& hex,
                                                      const std::string& score) {
    const ReplyPtr reply = eval_script(connection, pool.script_sha(kRead), kReadScript,
                                       {prefix + "gen"}, {prefix, hex, score});
    if (reply->type == REDIS_REPLY_ERROR) error_reply(pool, "get", *reply);
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2) {
      pool.fail("get", "unexpected reply to the read script");
    }
    if (reply->element[0]->type == REDIS_REPLY_STRING) {
      remember_generation(id, reply_text(*reply->element[0]));
    } else {
      forget_generation(id);
    }
    if (reply->element[1]->type != REDIS_REPLY_STRING) return std::nullopt;
    return unpack_entry(reply_text(*reply->element[1]));
  }

  static std::vector<std::string_view> scripts() {
    return {kPutScript,   kReadScript,  kRepairScript,  kClearScript,     kCollectScript,
            kScrubScript, kRenewScript, kReleaseScript, kRecordUseScript, kForgetVersionScript};
  }

  // ---- Redis Cluster ----
  // Standalone until a node answers MOVED (or functions() finds a cluster): then every
  // operation goes to the master of its function's slot, through a pool per node.

  // Runs `operation(pool, connection)` on the node that serves `tagged_key`'s slot, following
  // MOVED (and learning the new map), ASK (once, after ASKING) and TRYAGAIN (after a pause).
  template <class Operation>
  std::invoke_result_t<Operation&, ConnectionPool&, Connection&> routed(std::string_view tagged_key,
                                                                        const char* name,
                                                                        Operation&& operation) {
    const std::uint16_t slot = redis::key_slot(tagged_key);
    std::optional<redis::NodeAddress> ask;
    for (int attempt = 0;; ++attempt) {
      ConnectionPool& pool = ask ? node_pool(*ask) : pool_for_slot(slot);
      const bool asking = ask.has_value();
      ask.reset();
      try {
        return pool.with_connection(name, [&](Connection& connection) {
          connection.set_asking(asking);
          struct StopAsking {
            Connection& connection;
            ~StopAsking() { connection.set_asking(false); }
          } stop{connection};
          return operation(pool, connection);
        });
      } catch (const Redirected& redirected) {
        if (attempt >= kMaxRedirections) {
          pool.fail(name, fmt::format("still redirected after {} attempts (cluster resharding?)",
                                      attempt + 1));
        }
        const redis::Redirection& redirection = redirected.redirection;
        if (redirection.kind == redis::Redirection::moved) {
          learn_moved(redirection);
        } else if (redirection.kind == redis::Redirection::ask) {
          ask = redirection.node;
        } else {
          std::this_thread::sleep_for(std::chrono::milliseconds(5 * (attempt + 1)));
        }
      } catch (const StoreError&) {
        node_failed();
        throw;
      }
    }
  }

  // The pool of the master that serves `slot` (the seed's while standalone).
  ConnectionPool& pool_for_slot(std::uint16_t slot) {
    bool refresh = false;
    {
      std::lock_guard lock(cluster_mutex_);
      if (!cluster_) return pool_;
      refresh = stale_ && std::chrono::steady_clock::now() >= next_refresh_;
    }
    if (refresh) refresh_slots(std::nullopt);
    std::lock_guard lock(cluster_mutex_);
    const redis::NodeAddress* master = slots_.master_of(slot);
    return master != nullptr ? node_pool_locked(*master) : pool_;
  }

  ConnectionPool& node_pool(const redis::NodeAddress& node) {
    std::lock_guard lock(cluster_mutex_);
    return node_pool_locked(node);
  }

  ConnectionPool& node_pool_locked(const redis::NodeAddress& node) {
    if (node == seed_) return pool_;
    std::unique_ptr<ConnectionPool>& pool = nodes_[node.text()];
    if (!pool) {
      RedisUrl url = url_;
      url.host = node.host;
      url.port = static_cast<std::uint16_t>(node.port);
      url.unix_path.clear();
      pool = std::make_unique<ConnectionPool>(std::move(url), scripts());
    }
    return *pool;
  }

  // The seed's first connection's CLUSTER SLOTS reply (see the top of this file): a cluster
  // node's map, or a standalone server's error.
  void learn_topology(const redisReply& reply) noexcept {
    if (reply.type == REDIS_REPLY_ERROR) return;
    std::optional<redis::SlotMap> map = redis::SlotMap::from_cluster_slots(reply, seed_.host);
    if (!map) return;  // not a map we understand: MOVED will teach the store instead
    std::lock_guard lock(cluster_mutex_);
    slots_ = std::move(*map);
    cluster_ = true;
    stale_ = false;
    next_refresh_ = std::chrono::steady_clock::now() + kSlotRefreshInterval;
  }

  // A MOVED: the cluster's map changed (or this is the first sign of a cluster). Re-reads the
  // whole map from the node named, or at least points the slot there.
  void learn_moved(const redis::Redirection& moved) {
    {
      std::lock_guard lock(cluster_mutex_);
      cluster_ = true;
      slots_.assign(moved.slot, moved.node);
    }
    refresh_slots(moved.node);
  }

  // A node failed: re-read the map before the next call (a replica may have taken over).
  void node_failed() {
    std::lock_guard lock(cluster_mutex_);
    if (cluster_) stale_ = true;
  }

  // Reads CLUSTER SLOTS from `preferred`, else the seed, else any known master; keeps the
  // current map when none answers. Returns whether a map was read.
  bool refresh_slots(const std::optional<redis::NodeAddress>& preferred) {
    std::vector<redis::NodeAddress> candidates;
    if (preferred) candidates.push_back(*preferred);
    candidates.push_back(seed_);
    {
      std::lock_guard lock(cluster_mutex_);
      next_refresh_ = std::chrono::steady_clock::now() + kSlotRefreshInterval;
      for (const redis::NodeAddress& master : slots_.masters()) candidates.push_back(master);
    }
    for (const redis::NodeAddress& candidate : candidates) {
      try {
        std::optional<redis::SlotMap> map = read_slots(node_pool(candidate), candidate.host);
        if (!map) return false;  // not a cluster
        std::lock_guard lock(cluster_mutex_);
        slots_ = std::move(*map);
        cluster_ = true;
        stale_ = false;
        return true;
      } catch (const StoreError&) {
        // ignored: this node is down or not answering; try the next candidate
      }
    }
    return false;
  }

  // CLUSTER SLOTS from one node; nullopt when the node is no cluster node.
  std::optional<redis::SlotMap> read_slots(ConnectionPool& pool, const std::string& host) {
    return pool.with_connection("cluster slots", [&](Connection& connection) {
      const ReplyPtr reply = connection.call({"CLUSTER", "SLOTS"});
      if (reply->type == REDIS_REPLY_ERROR) return std::optional<redis::SlotMap>();
      std::optional<redis::SlotMap> map = redis::SlotMap::from_cluster_slots(*reply, host);
      if (!map) pool.fail("cluster slots", "unexpected reply to CLUSTER SLOTS");
      return map;
    });
  }

  // Every master's pool for listings: the seed alone when it is no cluster node.
  std::vector<ConnectionPool*> master_pools() {
    if (!refresh_slots(std::nullopt)) {
      std::lock_guard lock(cluster_mutex_);
      if (!cluster_) return {&pool_};
    }
    std::vector<ConnectionPool*> pools;
    std::lock_guard lock(cluster_mutex_);
    for (const redis::NodeAddress& master : slots_.masters()) {
      pools.push_back(&node_pool_locked(master));
    }
    return pools;
  }

  const RedisUrl url_;
  const redis::NodeAddress seed_;
  ConnectionPool pool_;  // the seed's: the server named by the URL
  std::mutex cluster_mutex_;
  bool cluster_ = false;
  bool stale_ = false;
  std::chrono::steady_clock::time_point next_refresh_{};
  redis::SlotMap slots_;
  std::map<std::string, std::unique_ptr<ConnectionPool>> nodes_;  // by "host:port"

  std::mutex generations_mutex_;
  std::unordered_map<std::string, KnownGeneration> generations_;
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

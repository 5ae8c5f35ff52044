// No store operation blocks the Redis server, at any size: a function with 100,000 entries
// (written straight to the server by a pipelined writer, in layout 4) whose maxsize drops to 10,
// then a size() and a clear of 100,000 entries. The server's SLOWLOG, set to log every command
// over 50 ms, must stay empty, and the size must converge to the new maxsize. Runs alone (ctest
// RUN_SERIAL): a busy machine would make the server's own timings meaningless.
#include "redis_raw.hpp"
#include "redis_server.hpp"
#include "store_calls.hpp"
#include "stores/entry_envelope.hpp"
#include "stores/store.hpp"
#include "stores/store_registry.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace picocache {
namespace {

using testing::RawRedisConnection;
using testing::RedisServer;

constexpr char function_id[] = "0123456789abcdef0123456789abcdef";
const FunctionRef fib{function_id, "fib int (int)"};
constexpr std::uint64_t kLarge = 100000;
constexpr std::uint64_t kSmall = 10;

Key128 key_of(std::uint64_t n) { return Key128{n * 0x9e3779b97f4a7c15ULL + 1, n}; }
std::string value_of(std::uint64_t n) { return "value-" + std::to_string(n); }

// What a first run with maxsize 100,000 leaves: `count` entries of `fib`, written in pipelined
// batches of 1000 (MSET of the values, ZADD of their recency).
void fill(RawRedisConnection& raw, std::uint64_t count) {
  const std::string prefix = testing::function_prefix(function_id);
  const std::string generation = "1";
  raw.command({"SET", prefix + "gen", generation});
  raw.command({"SET", prefix + "name", std::string(fib.name)});
  const std::string base = prefix + "g" + generation + ":";
  std::size_t pending = 0;
  for (std::uint64_t first = 0; first < count; first += 1000) {
    std::vector<std::string> values = {"MSET"};
    std::vector<std::string> index = {"ZADD", base + "lru"};
    for (std::uint64_t n = first; n < std::min(count, first + 1000); ++n) {
      values.push_back(base + "v:" + key_of(n).to_hex());
      values.push_back(pack_entry("", 0, value_of(n)));
      index.push_back(std::to_string(1000000 + n));  // older than any use now
      index.push_back(key_of(n).to_hex());
    }
    raw.append(values);
    raw.append(index);
    pending += 2;
  }
  for (; pending > 0; --pending) raw.receive();
}

TEST(RedisLatency, MaxsizeDroppingFrom100000To10NeverBlocksTheServerAndConverges) {
  PICOCACHE_REQUIRE_REDIS_SERVER();
  RedisServer server(
      testing::RedisServerOptions{"", false, {"--slowlog-log-slower-than", "50000"}});
  RawRedisConnection raw("127.0.0.1", server.port());
  fill(raw, kLarge);
  const std::string lru = testing::function_prefix(function_id) + "g" +
                          raw.command({"GET", testing::function_prefix(function_id) + "gen"}).text +
                          ":lru";
  ASSERT_EQ(raw.command({"ZCARD", lru}).integer, static_cast<long long>(kLarge));
  raw.command({"SLOWLOG", "RESET"});

  auto store = open_store(server.url());
  EXPECT_EQ(store->size(fib), kLarge);  // a size() of 100,000 entries, in batches
  // The second run, with maxsize 10: each put evicts at most 64 of the excess.
  std::uint64_t puts = 0;
  while (raw.command({"ZCARD", lru}).integer > static_cast<long long>(kSmall) && puts < 5000) {
    put_value(*store, fib, key_of(kLarge + puts), value_of(kLarge + puts), kSmall);
    ++puts;
  }
  EXPECT_EQ(store->size(fib), kSmall);
  EXPECT_GE(puts, (kLarge - kSmall) / 63);  // at most 64 evictions per put
  EXPECT_LE(puts, (kLarge - kSmall) / 63 + 1);
  EXPECT_EQ(value_at(*store, fib, key_of(kLarge + puts - 1)), value_of(kLarge + puts - 1));
  EXPECT_EQ(raw.command({"DBSIZE"}).integer, static_cast<long long>(kSmall + 3));  // gen, name, lru

  EXPECT_EQ(raw.slowlog(), std::vector<std::string>{}) << "a command over 50 ms while shrinking";

  // A clear of 100,000 entries.
  fill(raw, kLarge);
  raw.command({"SLOWLOG", "RESET"});
  store->clear(fib);
  EXPECT_EQ(store->size(fib), 0u);
  EXPECT_EQ(raw.command({"DBSIZE"}).integer, 2);  // gen, name
  EXPECT_EQ(raw.slowlog(), std::vector<std::string>{}) << "a command over 50 ms while clearing";
}

}  // namespace
}  // namespace picocache

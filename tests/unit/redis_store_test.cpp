// The Redis store against a private redis-server, for what only Redis has: the hash-tag key
// layout, one round trip per hit, AUTH and ACL users, db selection, unix sockets, many processes
// on one function, fork, a lost script cache, and a server that goes away, stops answering or
// comes back. (What every store must do is the shared suite in store_conformance_test.cpp.)
#include "redis_raw.hpp"
#include "redis_server.hpp"
#include "store_calls.hpp"
#include "stores/entry_envelope.hpp"
#include "stores/redis_cluster.hpp"
#include "stores/redis_connection.hpp"
#include "stores/store.hpp"
#include "stores/store_registry.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace picocache {
namespace {

using namespace std::chrono_literals;
using testing::RedisServer;
using testing::RedisServerOptions;

constexpr std::uint64_t unbounded_maxsize = ~std::uint64_t{0};

// A raw connection to `server` (its password, db `db`), to look at what the store wrote.
class RawRedis : public testing::RawRedisConnection {
 public:
  explicit RawRedis(const RedisServer& server, int db = 0)
      : RawRedisConnection("127.0.0.1", server.port(), server.password(), db) {}
};

// What changed between two command_calls(), without the INFO calls that took them.
std::map<std::string, long long> calls_between(const std::map<std::string, long long>& before,
                                               const std::map<std::string, long long>& after) {
  std::map<std::string, long long> delta;
  for (const auto& [name, count] : after) {
    const auto old = before.find(name);
    const long long change = count - (old == before.end() ? 0 : old->second);
    if (change != 0 && name != "info") delta[name] = change;
  }
  return delta;
}

// A TCP relay between the store and the server that counts round trips: a round trip begins
// each time the client sends after the server has spoken (or first). One client at a time.
class RoundTripCounter {
 public:
  explicit RoundTripCounter(int upstream_port) : upstream_port_(upstream_port) {
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        listen(listener_, 4) != 0 ||
        getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      throw std::runtime_error("RoundTripCounter: cannot listen");
    }
    port_ = ntohs(address.sin_port);
    if (pipe(wake_) != 0) throw std::runtime_error("RoundTripCounter: pipe failed");
    thread_ = std::thread([this] { run(); });
  }
  ~RoundTripCounter() {
    const char byte = 0;
    [[maybe_unused]] const auto written = write(wake_[1], &byte, 1);
    thread_.join();
    close(listener_);
    close(wake_[0]);
    close(wake_[1]);
  }
  RoundTripCounter(const RoundTripCounter&) = delete;
  RoundTripCounter& operator=(const RoundTripCounter&) = delete;

  int port() const { return port_; }
  int round_trips() const { return round_trips_.load(); }

 private:
  void run() {
    int client = -1, server = -1;
    bool client_spoke_last = false;
    char buffer[65536];
    for (;;) {
      std::vector<pollfd> fds = {{wake_[0], POLLIN, 0}, {listener_, POLLIN, 0}};
      if (client >= 0) fds.push_back({client, POLLIN, 0});
      if (server >= 0) fds.push_back({server, POLLIN, 0});
      if (poll(fds.data(), fds.size(), -1) < 0) continue;
      if (fds[0].revents != 0) break;
      if (fds[1].revents != 0) {
        const int accepted = accept(listener_, nullptr, nullptr);
        if (client >= 0) {
          close(client);
          close(server);
        }
        client = accepted;
        server = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = htons(static_cast<std::uint16_t>(upstream_port_));
        if (connect(server, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) break;
        client_spoke_last = false;
        continue;
      }
      for (std::size_t i = 2; i < fds.size(); ++i) {
        if (fds[i].revents == 0) continue;
        const bool from_client = fds[i].fd == client;
        const ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
        if (n <= 0) {
          close(client);
          close(server);
          client = server = -1;
          break;
        }
        if (from_client && !client_spoke_last) ++round_trips_;
        client_spoke_last = from_client;
        if (write(from_client ? server : client, buffer, static_cast<std::size_t>(n)) != n) break;
      }
    }
    if (client >= 0) close(client);
    if (server >= 0) close(server);
  }

  int upstream_port_;
  int listener_ = -1;
  int port_ = 0;
  int wake_[2] = {-1, -1};
  std::atomic<int> round_trips_{0};
  std::thread thread_;
};

constexpr char function_id[] = "0123456789abcdef0123456789abcdef";
constexpr char other_id[] = "fedcba9876543210fedcba9876543210";
const FunctionRef fib{function_id, "fib int (int)"};
const FunctionRef other{other_id, "other int (int)"};

Key128 key_of(std::uint64_t n) { return Key128{n * 0x9e3779b97f4a7c15ULL + 1, n}; }
std::string value_of(std::uint64_t n) {
  return "value-" + std::to_string(n) + std::string(40, static_cast<char>('a' + n % 26));
}

// Key names of layout 4 (see redis_store.cpp): P = picocache:{<family>}:<id>:, where a ref
// without a family (these tests') has its id as its family, and the keys of the function's
// current generation, P g<gen>:..., read from P gen.
std::string prefix_of(std::string_view id) {
  return "picocache:{" + std::string(id) + "}:" + std::string(id) + ":";
}
std::string generation_prefix(RawRedis& raw, std::string_view id) {
  const std::string gen = raw.command({"GET", prefix_of(id) + "gen"}).text;
  if (gen.empty()) throw std::runtime_error("no generation for " + std::string(id));
  return prefix_of(id) + "g" + gen + ":";
}
std::string lru_key(RawRedis& raw, std::string_view id) {
  return generation_prefix(raw, id) + "lru";
}
std::string value_key(RawRedis& raw, std::string_view id, const Key128& key) {
  return generation_prefix(raw, id) + "v:" + key.to_hex();
}
bool is_value_key(const std::string& key) { return key.find(":v:") != std::string::npos; }

class RedisStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    PICOCACHE_REQUIRE_REDIS_SERVER();
    server_ = std::make_unique<RedisServer>(options());
  }
  virtual RedisServerOptions options() const { return {}; }

  std::unique_ptr<RedisServer> server_;
};

// ---- Key layout ------------------------------------------------------------------------------

TEST_F(RedisStoreTest, EveryKeyOfAFunctionSharesOneHashTag) {
  auto store = open_store(server_->url());
  put_value(*store, fib, key_of(1), value_of(1), 10);
  put_value(*store, fib, key_of(2), value_of(2), 10);
  put_value(*store, other, key_of(1), value_of(1), 10);

  RawRedis raw(*server_);
  const std::string prefix = prefix_of(function_id);
  const std::string other_prefix = prefix_of(other_id);
  const std::string gen = generation_prefix(raw, function_id);
  const std::string other_gen = generation_prefix(raw, other_id);
  const std::set<std::string> expected = {
      prefix + "gen",
      prefix + "name",
      gen + "v:" + key_of(1).to_hex(),
      gen + "v:" + key_of(2).to_hex(),
      gen + "lru",
      other_prefix + "gen",
      other_prefix + "name",
      other_gen + "v:" + key_of(1).to_hex(),
      other_gen + "lru",
  };
  EXPECT_EQ(raw.keys(), expected);

  // Every key of a function maps to one cluster slot: the slot of its hash tag.
  for (const std::string& key : expected) {
    const std::uint16_t slot = redis::key_slot(key);
    EXPECT_EQ(slot, redis::key_slot(key.rfind(prefix, 0) == 0 ? function_id : other_id)) << key;
  }

  EXPECT_EQ(unpack_entry(raw.command({"GET", gen + "v:" + key_of(2).to_hex()}).text)->value,
            value_of(2));
  EXPECT_EQ(raw.command({"GET", prefix + "name"}).text, "fib int (int)");
  EXPECT_EQ(raw.command({"TYPE", gen + "lru"}).text, "zset");
  const auto members = raw.command({"ZRANGE", gen + "lru", "0", "-1"}).elements;
  EXPECT_EQ(std::set<std::string>(members.begin(), members.end()),
            (std::set<std::string>{key_of(1).to_hex(), key_of(2).to_hex()}));
}

// Key layout 4: every version of a function lives under its family's hash tag (one slot), with
// the family's hash of last uses; a layout-3 key is neither listed nor read.
TEST_F(RedisStoreTest, EveryVersionOfAFunctionSharesItsFamilysHashTag) {
  auto store = open_store(server_->url());
  const std::string family = "f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0";
  const FunctionRef v1{function_id, "fib int (int)", family, "v:1"};
  const FunctionRef v2{other_id, "fib int (int)", family, "v:2"};
  store->record_use(v1, 1000);
  store->record_use(v2, 2000);
  put_value(*store, v1, key_of(1), value_of(1), 10);
  put_value(*store, v2, key_of(1), value_of(2), 10);
  RawRedis raw(*server_);
  raw.command({"SET", "picocache:{" + std::string(other_id) + "}:name", "stale"});  // layout 3
  const std::uint16_t slot = redis::key_slot(family);
  std::size_t keys_of_family = 0;
  for (const std::string& key : raw.keys()) {
    if (key.rfind("picocache:{" + family + "}:", 0) != 0) continue;
    ++keys_of_family;
    EXPECT_EQ(redis::key_slot(key), slot) << key;
  }
  EXPECT_GE(keys_of_family, 9u);  // versions, and per version gen, name, version, v:..., lru
  const std::string versions = "picocache:{" + family + "}:versions";
  EXPECT_EQ(raw.command({"HGET", versions, function_id}).text, "1000");
  EXPECT_EQ(raw.command({"HGET", versions, other_id}).text, "2000");
  EXPECT_EQ(raw.command({"GET", testing::function_prefix(function_id, family) + "version"}).text,
            "v:1");
  const std::vector<FunctionSummary> listed = store->functions();
  ASSERT_EQ(listed.size(), 2u) << "a layout-3 key was listed";
  for (const FunctionSummary& row : listed) EXPECT_EQ(row.family, family);

  const std::vector<FunctionSummary> dropped = store->drop_versions(family, other_id, 1500);
  ASSERT_EQ(dropped.size(), 1u);
  EXPECT_EQ(dropped[0].id, function_id);
  EXPECT_EQ(raw.command({"HGET", versions, function_id}).type, REDIS_REPLY_NIL)
      << "a dropped version stays in the family's hash";
  EXPECT_EQ(value_at(*store, v2, key_of(1)), value_of(2));
}

TEST_F(RedisStoreTest, RecencyIsTheTimeOfTheLastUseInMicroseconds) {
  auto store = open_store(server_->url());
  const auto now_us = [] {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
  const long long before = now_us();
  put_value(*store, fib, key_of(1), value_of(1), 10);
  put_value(*store, fib, key_of(2), value_of(2), 10);
  RawRedis raw(*server_);
  const std::string lru = lru_key(raw, function_id);
  auto score = [&](std::uint64_t n) {
    return std::stoll(raw.command({"ZSCORE", lru, key_of(n).to_hex()}).text);
  };
  EXPECT_GE(score(1), before);
  EXPECT_LE(score(1), score(2));
  std::this_thread::sleep_for(2ms);
  ASSERT_TRUE(value_at(*store, fib, key_of(1)));
  EXPECT_GT(score(1), score(2));
  EXPECT_LE(score(1), now_us());
  // A miss records nothing: no ghost entry in the index.
  EXPECT_FALSE(value_at(*store, fib, key_of(3)));
  EXPECT_EQ(raw.command({"ZCARD", lru}).integer, 2);
}

// A client whose clock ran ahead wrote scores in the server's future. They must not outrank every
// later use: the put script scores with the server's TIME and brings future scores back to now,
// so a new entry at a full cache is kept, not evicted at once (which froze the LRU).
TEST_F(RedisStoreTest, ScoresFromTheFutureDoNotMakeNewEntriesEvictThemselves) {
  auto store = open_store(server_->url());
  for (std::uint64_t n = 1; n <= 3; ++n) put_value(*store, fib, key_of(n), value_of(n), 3);
  RawRedis raw(*server_);
  const std::string lru = lru_key(raw, function_id);
  for (std::uint64_t n = 1; n <= 3; ++n) {
    raw.command({"ZADD", lru, "9000000000000000", key_of(n).to_hex()});  // the year 2255
  }
  put_value(*store, fib, key_of(4), value_of(4), 3);
  put_value(*store, fib, key_of(5), value_of(5), 3);
  EXPECT_EQ(value_at(*store, fib, key_of(4)), value_of(4));
  EXPECT_EQ(value_at(*store, fib, key_of(5)), value_of(5));
  EXPECT_EQ(store->size(fib), 3u);
  const long long soon_us = (std::stoll(raw.command({"TIME"}).elements.at(0)) + 10) * 1000000;
  for (const std::string& member : raw.command({"ZRANGE", lru, "0", "-1"}).elements) {
    EXPECT_LE(std::stoll(raw.command({"ZSCORE", lru, member}).text), soon_us)
        << "a future score was left in place";
  }
}

// ---- Round trips -----------------------------------------------------------------------------

TEST_F(RedisStoreTest, AHitIsOneRoundTripOfGetAndZaddXx) {
  RoundTripCounter proxy(server_->port());
  auto store = open_store("redis://127.0.0.1:" + std::to_string(proxy.port()));
  put_value(*store, fib, key_of(1), value_of(1), 10);  // connected, scripts loaded

  RawRedis raw(*server_);
  const auto before = raw.command_calls();
  const int trips = proxy.round_trips();
  EXPECT_EQ(value_at(*store, fib, key_of(1)), value_of(1));
  EXPECT_EQ(proxy.round_trips() - trips, 1);
  const auto delta = calls_between(before, raw.command_calls());
  const std::map<std::string, long long> expected = {{"get", 1}, {"zadd", 1}};
  EXPECT_EQ(delta, expected);
}

// maxsize none: nothing is evicted for maxsize, so a hit records no use and is a single GET, as
// a raw read of the value would be. The entry's score stays its write time.
TEST_F(RedisStoreTest, AHitOfAFunctionOfMaxsizeNoneIsOneGetAndRecordsNoUse) {
  RoundTripCounter proxy(server_->port());
  auto store = open_store("redis://127.0.0.1:" + std::to_string(proxy.port()));
  FunctionRef unordered_fib = fib;
  unordered_fib.unordered = true;
  put_value(*store, unordered_fib, key_of(1), value_of(1), unbounded_maxsize);

  RawRedis raw(*server_);
  const std::string lru = lru_key(raw, function_id);
  const std::string written = raw.command({"ZSCORE", lru, key_of(1).to_hex()}).text;
  const auto before = raw.command_calls();
  const int trips = proxy.round_trips();
  EXPECT_EQ(value_at(*store, unordered_fib, key_of(1)), value_of(1));
  EXPECT_FALSE(value_at(*store, unordered_fib, key_of(2)));
  EXPECT_EQ(proxy.round_trips() - trips, 2);
  const auto delta = calls_between(before, raw.command_calls());
  const std::map<std::string, long long> expected = {{"get", 2}};
  EXPECT_EQ(delta, expected);
  EXPECT_EQ(raw.command({"ZSCORE", lru, key_of(1).to_hex()}).text, written);
  // The same function seen by a bounded caller records its use again.
  std::this_thread::sleep_for(2ms);
  EXPECT_EQ(value_at(*store, fib, key_of(1)), value_of(1));
  EXPECT_NE(raw.command({"ZSCORE", lru, key_of(1).to_hex()}).text, written);
}

TEST_F(RedisStoreTest, AMissIsTwoRoundTripsTheSecondOnePutScript) {
  RoundTripCounter proxy(server_->port());
  auto store = open_store("redis://127.0.0.1:" + std::to_string(proxy.port()));
  put_value(*store, fib, key_of(1), value_of(1), 10);  // connected, scripts loaded

  RawRedis raw(*server_);
  const auto before = raw.command_calls();
  const int trips = proxy.round_trips();
  EXPECT_FALSE(value_at(*store, fib, key_of(2)));
  put_value(*store, fib, key_of(2), value_of(2), 10);
  EXPECT_EQ(proxy.round_trips() - trips, 2);
  const auto delta = calls_between(before, raw.command_calls());
  EXPECT_EQ(delta.at("evalsha"), 1);
  EXPECT_EQ(delta.count("hset"), 0u);  // the name is written by the put script
  EXPECT_EQ(delta.count("eval"), 0u);
  EXPECT_EQ(delta.count("keys"), 0u);
}

TEST_F(RedisStoreTest, TheFirstCallConnectsInOneRoundTrip) {
  RoundTripCounter proxy(server_->port());
  auto store = open_store("redis://127.0.0.1:" + std::to_string(proxy.port()) + "/2");
  EXPECT_FALSE(value_at(*store, fib, key_of(1)));  // SELECT + SCRIPT LOADs together, then the get
  EXPECT_EQ(proxy.round_trips(), 2);
}

// ---- Eviction and clear ----------------------------------------------------------------------

TEST_F(RedisStoreTest, EvictionDeletesTheValueKeys) {
  auto store = open_store(server_->url());
  for (std::uint64_t n = 0; n < 50; ++n) put_value(*store, fib, key_of(n), value_of(n), 8);
  EXPECT_EQ(store->size(fib), 8u);
  RawRedis raw(*server_);
  std::size_t value_keys = 0;
  for (const std::string& key : raw.keys()) value_keys += is_value_key(key);
  EXPECT_EQ(value_keys, 8u);
  for (std::uint64_t n = 42; n < 50; ++n) EXPECT_EQ(value_at(*store, fib, key_of(n)), value_of(n));
}

// ttl = 1 s: after expiry, the function's next put leaves its index equal to its live value
// keys (more entries than the put's ghost sample of 8, so the sample alone would not do it).
TEST_F(RedisStoreTest, AfterTheTtlTheNextPutLeavesTheIndexEqualToTheLiveValueKeys) {
  auto store = open_store(server_->url());
  const auto put_with_ttl = [&](std::uint64_t n) {
    const std::string value = value_of(n);
    EntryWrite entry;
    entry.value = value;
    entry.maxsize = 100;
    entry.ttl = std::chrono::seconds(1);
    store->put(fib, key_of(n), entry);
  };
  for (std::uint64_t n = 0; n < 30; ++n) put_with_ttl(n);
  RawRedis raw(*server_);
  const auto value_keys = [&] {
    std::set<std::string> hexes;
    for (const std::string& key : raw.keys()) {
      if (is_value_key(key)) hexes.insert(key.substr(key.rfind(':') + 1));
    }
    return hexes;
  };
  const auto index = [&] {
    const auto members = raw.command({"ZRANGE", lru_key(raw, function_id), "0", "-1"}).elements;
    return std::set<std::string>(members.begin(), members.end());
  };
  EXPECT_EQ(value_keys().size(), 30u);
  EXPECT_EQ(index(), value_keys());
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));

  put_with_ttl(100);
  EXPECT_EQ(value_keys(), (std::set<std::string>{key_of(100).to_hex()}));
  EXPECT_EQ(index(), value_keys()) << "the index kept expired entries";
  const std::string expiring = generation_prefix(raw, function_id) + "exp";
  EXPECT_EQ(raw.command({"ZCARD", expiring}).integer, 1);
  EXPECT_EQ(store->size(fib), 1u);
  EXPECT_EQ(value_at(*store, fib, key_of(100)), value_of(100));
}

TEST_F(RedisStoreTest, UnboundedNeverEvicts) {
  auto store = open_store(server_->url());
  for (std::uint64_t n = 0; n < 300; ++n)
    put_value(*store, fib, key_of(n), value_of(n), unbounded_maxsize);
  EXPECT_EQ(store->size(fib), 300u);
}

TEST_F(RedisStoreTest, ClearRemovesEveryKeyOfTheFunctionWithoutKeysCommand) {
  auto store = open_store(server_->url());
  for (std::uint64_t n = 0; n < 2500; ++n)
    put_value(*store, fib, key_of(n), value_of(n), unbounded_maxsize);
  put_value(*store, other, key_of(1), value_of(1), 10);

  RawRedis raw(*server_);
  const auto before = raw.command_calls();
  store->clear(fib);
  const auto delta = calls_between(before, raw.command_calls());
  EXPECT_EQ(delta.count("keys"), 0u);
  EXPECT_EQ(delta.count("scan"), 0u);
  // One script starts a new generation; 2500 entries of the old one go in batches of 500, and
  // one more script finds nothing left.
  EXPECT_EQ(delta.at("evalsha"), 1 + 5 + 2);

  EXPECT_EQ(store->size(fib), 0u);
  EXPECT_FALSE(value_at(*store, fib, key_of(7)));
  const std::string other_gen = generation_prefix(raw, other_id);
  EXPECT_EQ(raw.keys(), (std::set<std::string>{
                            other_gen + "v:" + key_of(1).to_hex(), other_gen + "lru",
                            prefix_of(other_id) + "gen", prefix_of(other_id) + "name",
                            prefix_of(function_id) + "gen", prefix_of(function_id) + "name"}));
  EXPECT_EQ(value_at(*store, other, key_of(1)), value_of(1));
}

TEST_F(RedisStoreTest, FunctionsListsNamesAndSizesButNotClearedOnes) {
  auto store = open_store(server_->url());
  put_value(*store, fib, key_of(1), value_of(1), 10);
  put_value(*store, fib, key_of(2), value_of(2), 10);
  put_value(*store, other, key_of(1), value_of(1), 10);
  auto listed = store->functions();
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].id, function_id);
  EXPECT_EQ(listed[0].name, "fib int (int)");
  EXPECT_EQ(listed[0].size, 2u);
  EXPECT_EQ(listed[1].id, other_id);
  EXPECT_EQ(listed[1].size, 1u);

  store->clear(other);
  listed = store->functions();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].id, function_id);
}

TEST_F(RedisStoreTest, TheLeastRecentlyUsedGoesFirstAsInLruCache) {
  auto store = open_store(server_->url());
  put_value(*store, fib, key_of(1), value_of(1), 2);
  put_value(*store, fib, key_of(2), value_of(2), 2);
  ASSERT_TRUE(value_at(*store, fib, key_of(1)));  // 1 is now more recent than 2
  put_value(*store, fib, key_of(3), value_of(3), 2);
  EXPECT_EQ(store->size(fib), 2u);
  EXPECT_FALSE(value_at(*store, fib, key_of(2)));
  EXPECT_EQ(value_at(*store, fib, key_of(1)), value_of(1));
  EXPECT_EQ(value_at(*store, fib, key_of(3)), value_of(3));
}

TEST_F(RedisStoreTest, MaxsizeZeroKeepsNothing) {
  auto store = open_store(server_->url());
  put_value(*store, fib, key_of(1), value_of(1), 0);
  EXPECT_EQ(store->size(fib), 0u);
  EXPECT_FALSE(value_at(*store, fib, key_of(1)));
  RawRedis raw(*server_);
  for (const std::string& key : raw.keys()) {
    EXPECT_FALSE(is_value_key(key)) << key;
  }
}

TEST_F(RedisStoreTest, ValuesAreBinarySafeAndMayBeLarge) {
  auto store = open_store(server_->url());
  std::string binary("\0\r\n*3\r\n$-1\xff\x80", 13);
  for (int i = 0; i < 256; ++i) binary.push_back(static_cast<char>(i));
  put_value(*store, fib, key_of(1), binary, 10);
  EXPECT_EQ(value_at(*store, fib, key_of(1)), binary);
  std::string large(8u << 20, '\0');
  for (std::size_t i = 0; i < large.size(); i += 4093) large[i] = static_cast<char>(i);
  put_value(*store, fib, key_of(2), large, 10);
  EXPECT_EQ(value_at(*store, fib, key_of(2)), large);
  put_value(*store, fib, key_of(3), "", 10);
  EXPECT_EQ(value_at(*store, fib, key_of(3)), std::string());
}

TEST_F(RedisStoreTest, ReplacingAValueKeepsOneEntry) {
  auto store = open_store(server_->url());
  put_value(*store, fib, key_of(1), "old", 10);
  put_value(*store, fib, key_of(1), "new", 10);
  EXPECT_EQ(store->size(fib), 1u);
  EXPECT_EQ(value_at(*store, fib, key_of(1)), "new");
}

TEST_F(RedisStoreTest, AValueGoneBehindTheIndexIsAMissAndIsStoredAgain) {
  auto store = open_store(server_->url());
  put_value(*store, fib, key_of(1), value_of(1), 10);
  RawRedis raw(*server_);
  // As if the server's maxmemory policy had evicted the value key.
  raw.command({"DEL", value_key(raw, function_id, key_of(1))});
  EXPECT_FALSE(value_at(*store, fib, key_of(1)));
  put_value(*store, fib, key_of(1), value_of(1), 10);  // what memoize does after the miss
  EXPECT_EQ(value_at(*store, fib, key_of(1)), value_of(1));
  EXPECT_EQ(store->size(fib), 1u);
}

// ---- Whatever Redis evicts or expires ---------------------------------------------------------
// Under an allkeys-* maxmemory policy Redis may drop any key on its own; these delete one the way
// Redis would and check that the store stays consistent.

TEST_F(RedisStoreTest, AValueWhoseIndexEntryIsGoneIsAMissAndTheOrphanIsDeleted) {
  auto store = open_store(server_->url());
  put_value(*store, fib, key_of(1), value_of(1), 10);
  put_value(*store, fib, key_of(2), value_of(2), 10);
  RawRedis raw(*server_);
  const std::string lru = lru_key(raw, function_id);
  const std::string orphan = value_key(raw, function_id, key_of(1));
  raw.command({"ZREM", lru, key_of(1).to_hex()});
  EXPECT_FALSE(value_at(*store, fib, key_of(1)));
  EXPECT_EQ(raw.command({"EXISTS", orphan}).integer, 0) << "the orphan was left";
  EXPECT_EQ(raw.command({"ZSCORE", lru, key_of(1).to_hex()}).type, REDIS_REPLY_NIL)
      << "the hit re-created the index entry";
  EXPECT_EQ(store->size(fib), 1u);
  EXPECT_EQ(value_at(*store, fib, key_of(2)), value_of(2));
}

TEST_F(RedisStoreTest, AHitNeverRecreatesAnEvictedIndex) {
  auto store = open_store(server_->url());
  for (std::uint64_t n = 0; n < 5; ++n) put_value(*store, fib, key_of(n), value_of(n), 10);
  RawRedis raw(*server_);
  const std::string lru = lru_key(raw, function_id);
  raw.command({"DEL", lru});  // the whole index, as allkeys-random may
  for (std::uint64_t n = 0; n < 5; ++n) EXPECT_FALSE(value_at(*store, fib, key_of(n))) << n;
  EXPECT_EQ(raw.command({"EXISTS", lru}).integer, 0);
  EXPECT_EQ(store->size(fib), 0u);
  for (const std::string& key : raw.keys()) EXPECT_FALSE(is_value_key(key)) << key;
}

TEST_F(RedisStoreTest, AnIndexEntryWhoseValueIsGoneIsRemovedAndNotCounted) {
  auto store = open_store(server_->url());
  for (std::uint64_t n = 0; n < 20; ++n) put_value(*store, fib, key_of(n), value_of(n), 100);
  RawRedis raw(*server_);
  for (std::uint64_t n = 0; n < 20; n += 2)
    raw.command({"DEL", value_key(raw, function_id, key_of(n))});
  EXPECT_EQ(store->size(fib), 10u);  // the live entries, not the index's 20
  EXPECT_EQ(raw.command({"ZCARD", lru_key(raw, function_id)}).integer, 10);
  ASSERT_EQ(store->functions().size(), 1u);
  EXPECT_EQ(store->functions()[0].size, 10u);
}

TEST_F(RedisStoreTest, AfterAClearNoValueIsServedEvenWhenTheIndexWasEvicted) {
  auto store = open_store(server_->url());
  auto other_process = open_store(server_->url());  // knows the generation, as another process
  for (std::uint64_t n = 0; n < 10; ++n) put_value(*store, fib, key_of(n), value_of(n), 100);
  for (std::uint64_t n = 0; n < 10; ++n)
    EXPECT_EQ(value_at(*other_process, fib, key_of(n)), value_of(n));
  RawRedis raw(*server_);
  raw.command({"DEL", lru_key(raw, function_id)});
  store->clear(fib);
  for (std::uint64_t n = 0; n < 10; ++n) {
    EXPECT_FALSE(value_at(*store, fib, key_of(n))) << n;
    EXPECT_FALSE(value_at(*other_process, fib, key_of(n))) << n;
    EXPECT_FALSE(other_process->peek(fib, key_of(n))) << n;
  }
  EXPECT_EQ(store->size(fib), 0u);
  EXPECT_TRUE(store->functions().empty());
}

TEST_F(RedisStoreTest, APutFromAProcessThatMissedAClearGoesIntoTheNewGeneration) {
  auto store = open_store(server_->url());
  auto stale = open_store(server_->url());
  put_value(*stale, fib, key_of(1), value_of(1), 100);  // `stale` learns the generation
  RawRedis raw(*server_);
  const std::string old_generation = generation_prefix(raw, function_id);
  store->clear(fib);
  put_value(*stale, fib, key_of(2), value_of(2), 100);
  const std::string new_generation = generation_prefix(raw, function_id);
  EXPECT_NE(new_generation, old_generation);
  for (const std::string& key : raw.keys()) {
    EXPECT_NE(key.rfind(old_generation, 0), 0u) << "a key of the cleared generation: " << key;
  }
  EXPECT_EQ(raw.command({"EXISTS", new_generation + "v:" + key_of(2).to_hex()}).integer, 1);
  EXPECT_EQ(value_at(*store, fib, key_of(2)), value_of(2));
  EXPECT_FALSE(value_at(*store, fib, key_of(1)));
}

TEST_F(RedisStoreTest, ALostGenerationKeyStartsANewGenerationAndQueuesTheOldOne) {
  auto store = open_store(server_->url());
  for (std::uint64_t n = 0; n < 10; ++n) put_value(*store, fib, key_of(n), value_of(n), 100);
  RawRedis raw(*server_);
  const std::string old_generation = generation_prefix(raw, function_id);
  raw.command({"DEL", prefix_of(function_id) + "gen"});
  put_value(*store, fib, key_of(20), value_of(20), 100);
  EXPECT_NE(generation_prefix(raw, function_id), old_generation);
  EXPECT_EQ(store->size(fib), 1u);
  // The next puts delete what is left of the lost generation (here all of it at once).
  for (const std::string& key : raw.keys()) {
    EXPECT_NE(key.rfind(old_generation, 0), 0u) << key;
  }
  EXPECT_EQ(raw.command({"EXISTS", prefix_of(function_id) + "old"}).integer, 0);
}

TEST_F(RedisStoreTest, OldGenerationsAreDeletedByLaterPutsInBoundedSteps) {
  auto store = open_store(server_->url());
  for (std::uint64_t n = 0; n < 300; ++n) put_value(*store, fib, key_of(n), value_of(n), 1000);
  RawRedis raw(*server_);
  const std::string old_generation = generation_prefix(raw, function_id);
  // A clear that died after its first step (the new generation): puts finish its deletion.
  raw.command({"SET", prefix_of(function_id) + "gen", "1"});
  raw.command({"SADD", prefix_of(function_id) + "old",
               old_generation.substr(prefix_of(function_id).size() + 1,
                                     old_generation.size() - prefix_of(function_id).size() - 2)});
  const auto old_keys = [&] {
    std::size_t count = 0;
    for (const std::string& key : raw.keys()) count += key.rfind(old_generation, 0) == 0;
    return count;
  };
  EXPECT_EQ(old_keys(), 301u);  // 300 values and the index
  put_value(*store, fib, key_of(1000), value_of(1000), 1000);
  EXPECT_EQ(old_keys(), 301u - 64u);  // at most 64 per put
  for (std::uint64_t n = 1001; n < 1010; ++n) put_value(*store, fib, key_of(n), value_of(n), 1000);
  EXPECT_EQ(old_keys(), 0u);
  EXPECT_EQ(store->size(fib), 10u);
}

TEST_F(RedisStoreTest, AfterMaxsizeShrinksAPutEvictsAtMost64AndTheSizeConverges) {
  auto store = open_store(server_->url());
  for (std::uint64_t n = 0; n < 1000; ++n) put_value(*store, fib, key_of(n), value_of(n), 1000);
  put_value(*store, fib, key_of(5000), value_of(5000), 10);
  EXPECT_EQ(store->size(fib), 1000u + 1u - 64u);
  std::uint64_t puts = 1;
  while (store->size(fib) > 10 && puts < 100) {
    put_value(*store, fib, key_of(5000 + puts), value_of(5000 + puts), 10);
    ++puts;
  }
  EXPECT_EQ(store->size(fib), 10u);
  EXPECT_EQ(puts, 16u);  // ceil(991 / 63)
  // The most recent entries are the ones kept.
  EXPECT_EQ(value_at(*store, fib, key_of(5000 + puts - 1)), value_of(5000 + puts - 1));
  RawRedis raw(*server_);
  std::size_t value_keys = 0;
  for (const std::string& key : raw.keys()) value_keys += is_value_key(key);
  EXPECT_EQ(value_keys, 10u);
}

// ---- Script cache ----------------------------------------------------------------------------

TEST_F(RedisStoreTest, SurvivesAFlushedScriptCache) {
  auto store = open_store(server_->url());
  put_value(*store, fib, key_of(1), value_of(1), 10);
  RawRedis raw(*server_);
  raw.command({"SCRIPT", "FLUSH"});
  EXPECT_EQ(value_at(*store, fib, key_of(1)), value_of(1));  // NOSCRIPT -> EVAL
  raw.command({"SCRIPT", "FLUSH"});
  put_value(*store, fib, key_of(2), value_of(2), 10);
  EXPECT_EQ(value_at(*store, fib, key_of(2)), value_of(2));
}

// ---- AUTH, ACL users, db, unix socket --------------------------------------------------------

class RedisAuthTest : public RedisStoreTest {
 protected:
  RedisServerOptions options() const override { return {"s3cret-pass", false, {}}; }
  std::string url_with(std::string_view credentials) const {
    return "redis://" + std::string(credentials) + "@127.0.0.1:" + std::to_string(server_->port());
  }
};

TEST_F(RedisAuthTest, TheRightPasswordWorks) {
  auto store = open_store(server_->url());
  put_value(*store, fib, key_of(1), value_of(1), 10);
  EXPECT_EQ(value_at(*store, fib, key_of(1)), value_of(1));
}

TEST_F(RedisAuthTest, AWrongPasswordIsAnAuthenticationError) {
  auto store = open_store(url_with(":n0t-the-pass"));
  try {
    value_at(*store, fib, key_of(1));
    FAIL() << "expected a StoreError";
  } catch (const StoreError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("authentication"), std::string::npos) << message;
    EXPECT_NE(message.find("127.0.0.1:" + std::to_string(server_->port())), std::string::npos)
        << message;
    EXPECT_NE(message.find("get"), std::string::npos) << message;
    EXPECT_EQ(message.find("n0t-the-pass"), std::string::npos) << "password leaked: " << message;
  }
}

TEST_F(RedisAuthTest, NoPasswordIsAnAuthenticationError) {
  auto store = open_store("redis://127.0.0.1:" + std::to_string(server_->port()));
  try {
    put_value(*store, fib, key_of(1), value_of(1), 10);
    FAIL() << "expected a StoreError";
  } catch (const StoreError& error) {
    EXPECT_NE(std::string(error.what()).find("authentication"), std::string::npos) << error.what();
  }
}

TEST_F(RedisAuthTest, AnAclUserAuthenticatesWithItsName) {
  RawRedis raw(*server_);
  ASSERT_EQ(
      raw.command({"ACL", "SETUSER", "cache", "on", ">cache-pw", "~picocache:*", "+@all"}).type,
      REDIS_REPLY_STATUS);
  auto store = open_store(url_with("cache:cache-pw"));
  put_value(*store, fib, key_of(1), value_of(1), 10);
  EXPECT_EQ(value_at(*store, fib, key_of(1)), value_of(1));

  auto wrong = open_store(url_with("cache:s3cret-pass"));  // the default user's password
  try {
    value_at(*wrong, fib, key_of(1));
    FAIL() << "expected a StoreError";
  } catch (const StoreError& error) {
    EXPECT_NE(std::string(error.what()).find("authentication"), std::string::npos) << error.what();
  }
}

TEST_F(RedisStoreTest, ADbIsItsOwnNamespace) {
  auto db3 = open_store(server_->url(3));
  auto db0 = open_store(server_->url(0));
  put_value(*db3, fib, key_of(1), value_of(1), 10);
  EXPECT_EQ(value_at(*db3, fib, key_of(1)), value_of(1));
  EXPECT_FALSE(value_at(*db0, fib, key_of(1)));
  EXPECT_EQ(db0->size(fib), 0u);
  EXPECT_TRUE(db0->functions().empty());
  RawRedis raw3(*server_, 3);
  EXPECT_GT(raw3.command({"DBSIZE"}).integer, 0);
  RawRedis raw0(*server_, 0);
  EXPECT_EQ(raw0.command({"DBSIZE"}).integer, 0);
}

class RedisUnixSocketTest : public RedisStoreTest {
 protected:
  RedisServerOptions options() const override { return {"", true, {}}; }
};

TEST_F(RedisUnixSocketTest, StoresThroughTheSocket) {
  auto store = open_store(server_->unix_url(2));
  put_value(*store, fib, key_of(1), value_of(1), 10);
  EXPECT_EQ(value_at(*store, fib, key_of(1)), value_of(1));
  RawRedis raw(*server_, 2);  // the same server over TCP sees it in db 2
  EXPECT_EQ(unpack_entry(raw.command({"GET", value_key(raw, function_id, key_of(1))}).text)->value,
            value_of(1));
}

// ---- Concurrency: processes, fork, threads ---------------------------------------------------

TEST_F(RedisStoreTest, FourProcessesKeepMaxsizeAndNeverSeeWrongValues) {
  constexpr std::uint64_t maxsize = 16;
  constexpr std::uint64_t distinct = 60;
  const std::string url = server_->url();
  std::vector<pid_t> children;
  for (int process = 0; process < 4; ++process) {
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      int status = 0;
      try {
        auto store = open_store(url);
        std::mt19937_64 random(static_cast<std::uint64_t>(process) * 7919 + 1);
        for (int i = 0; i < 400; ++i) {
          const std::uint64_t n = random() % distinct;
          const auto found = value_at(*store, fib, key_of(n));
          if (found && *found != value_of(n)) status = 2;
          if (!found) put_value(*store, fib, key_of(n), value_of(n), maxsize);
        }
      } catch (...) {
        status = 3;
      }
      _exit(status);
    }
    children.push_back(pid);
  }
  for (const pid_t child : children) {
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "2: a wrong value was read, 3: a store error";
  }

  auto store = open_store(url);
  EXPECT_EQ(store->size(fib), maxsize);
  RawRedis raw(*server_);
  const std::string prefix = generation_prefix(raw, function_id);
  std::size_t value_keys = 0;
  for (const std::string& key : raw.keys()) value_keys += key.rfind(prefix + "v:", 0) == 0;
  EXPECT_EQ(value_keys, maxsize) << "value keys and the lru set disagree";
  for (std::uint64_t n = 0; n < distinct; ++n) {
    const auto found = value_at(*store, fib, key_of(n));
    if (found) {
      EXPECT_EQ(*found, value_of(n));
    }
  }
}

TEST_F(RedisStoreTest, AForkedChildOpensItsOwnConnection) {
  auto store = open_store(server_->url());
  put_value(*store, fib, key_of(1), value_of(1), 10);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    int status = 0;
    try {
      // The same store object: the parent's pooled connection must not be used here.
      for (std::uint64_t n = 2; n < 50; ++n) put_value(*store, fib, key_of(n), value_of(n), 100);
      if (value_at(*store, fib, key_of(1)) != value_of(1)) status = 2;
    } catch (...) {
      status = 3;
    }
    _exit(status);
  }
  // Meanwhile the parent keeps using its connection.
  for (int i = 0; i < 50; ++i) EXPECT_EQ(value_at(*store, fib, key_of(1)), value_of(1));
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(store->size(fib), 49u);
  EXPECT_EQ(value_at(*store, fib, key_of(30)), value_of(30));
}

TEST_F(RedisStoreTest, ThreadsShareOneStore) {
  auto store = open_store(server_->url());
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937_64 random(static_cast<std::uint64_t>(t) + 11);
      for (int i = 0; i < 300; ++i) {
        const std::uint64_t n = random() % 40;
        const auto found = value_at(*store, fib, key_of(n));
        if (found && *found != value_of(n)) ++wrong;
        if (!found) put_value(*store, fib, key_of(n), value_of(n), 12);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(store->size(fib), 12u);
}

// ---- A server that goes away -----------------------------------------------------------------

TEST_F(RedisStoreTest, AStoppedServerIsAStoreErrorNamingUrlAndOperation) {
  auto store = open_store(server_->url());
  put_value(*store, fib, key_of(1), value_of(1), 10);
  server_->stop();
  try {
    value_at(*store, fib, key_of(1));
    FAIL() << "expected a StoreError";
  } catch (const StoreError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("redis://127.0.0.1:" + std::to_string(server_->port())),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("get"), std::string::npos) << message;
  }
  // Reconnecting fails too, and quickly (connection refused; then the backoff answers).
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i) EXPECT_THROW(store->size(fib), StoreError);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
}

TEST_F(RedisStoreTest, ARestartedServerIsReconnectedAfterTheBackoff) {
  auto store = open_store(server_->url());
  put_value(*store, fib, key_of(1), value_of(1), 10);
  server_->stop();
  EXPECT_THROW(value_at(*store, fib, key_of(1)), StoreError);
  EXPECT_THROW(value_at(*store, fib, key_of(1)), StoreError);
  server_->start();  // persistence is off: the restarted server is empty
  const auto deadline = std::chrono::steady_clock::now() + redis::kReconnectBackoffMax + 2s;
  bool reconnected = false;
  while (!reconnected && std::chrono::steady_clock::now() < deadline) {
    try {
      put_value(*store, fib, key_of(2), value_of(2), 10);
      reconnected = true;
    } catch (const StoreError&) {
      std::this_thread::sleep_for(20ms);
    }
  }
  ASSERT_TRUE(reconnected);
  EXPECT_EQ(value_at(*store, fib, key_of(2)), value_of(2));
}

TEST_F(RedisStoreTest, AKilledServerIsAStoreErrorNotACrash) {
  auto store = open_store(server_->url());
  put_value(*store, fib, key_of(1), value_of(1), 10);
  server_->kill();
  EXPECT_THROW(value_at(*store, fib, key_of(1)), StoreError);
  EXPECT_THROW(put_value(*store, fib, key_of(2), value_of(2), 10), StoreError);
  server_->start();
}

TEST_F(RedisStoreTest, ARestartBetweenCallsCostsNoFailure) {
  auto store = open_store(server_->url());
  put_value(*store, fib, key_of(1), value_of(1), 10);
  server_->stop();
  server_->start();  // empty again: persistence is off
  // The pooled connection was closed by the restart; the store replaces it within the call.
  EXPECT_FALSE(value_at(*store, fib, key_of(1)));
  put_value(*store, fib, key_of(2), value_of(2), 10);
  EXPECT_EQ(value_at(*store, fib, key_of(2)), value_of(2));
}

TEST_F(RedisStoreTest, WhileTheServerIsDownCallsFailAtOnceWithoutTouchingTheNetwork) {
  auto store = open_store(server_->url());
  put_value(*store, fib, key_of(1), value_of(1), 10);
  server_->stop();
  EXPECT_THROW(value_at(*store, fib, key_of(1)), StoreError);  // starts the backoff
  const auto start = std::chrono::steady_clock::now();
  int failures = 0;
  std::string message;
  for (int i = 0; i < 1000; ++i) {
    try {
      value_at(*store, fib, key_of(1));
    } catch (const StoreError& error) {
      ++failures;
      message = error.what();
    }
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(failures, 1000);
  // No call waits on the network: a connect is tried at most once per backoff period, and a
  // refused one returns at once. (A call that waited even for the connect timeout would make
  // this take minutes.)
  EXPECT_LT(elapsed, 500ms);
  EXPECT_NE(message.find("server unavailable"), std::string::npos) << message;
  server_->start();
}

TEST_F(RedisStoreTest, AServerThatStopsAnsweringTimesOutThenFailsAtOnce) {
  auto store = open_store(server_->url());
  put_value(*store, fib, key_of(1), value_of(1), 10);
  server_->pause();
  auto start = std::chrono::steady_clock::now();
  try {
    value_at(*store, fib, key_of(1));
    ADD_FAILURE() << "expected a StoreError";
  } catch (const StoreError& error) {
    EXPECT_NE(std::string(error.what()).find("timeout"), std::string::npos) << error.what();
  }
  const auto first = std::chrono::steady_clock::now() - start;
  EXPECT_GE(first, detail::redis_command_timeout() - 50ms);
  EXPECT_LT(first, detail::redis_command_timeout() + 500ms);
  start = std::chrono::steady_clock::now();
  for (int i = 0; i < 100; ++i) EXPECT_THROW(value_at(*store, fib, key_of(1)), StoreError);
  EXPECT_LT(std::chrono::steady_clock::now() - start, detail::redis_command_timeout() / 2);
  server_->resume();
  const auto deadline = std::chrono::steady_clock::now() + redis::kReconnectBackoffMax + 3s;
  std::optional<std::string> found;
  while (!found && std::chrono::steady_clock::now() < deadline) {
    try {
      found = value_at(*store, fib, key_of(1));
    } catch (const StoreError&) {
      std::this_thread::sleep_for(20ms);
    }
  }
  EXPECT_EQ(found, value_of(1));
}

TEST_F(RedisStoreTest, AWriteToAKilledServerIsAnErrorNotSigpipe) {
  auto store = open_store(server_->url());
  put_value(*store, fib, key_of(1), value_of(1), 10);
  server_->kill();
  // Megabytes to a closed socket: the first send meets the peer's reset, the next one EPIPE,
  // which must not raise SIGPIPE (whose default action ends the process).
  const std::string big(16u << 20, 'x');
  EXPECT_THROW(put_value(*store, fib, key_of(2), big, 10), StoreError);
  server_->start();
}

TEST_F(RedisStoreTest, ThreadsSurviveAServerKilledAndRestartedUnderThem) {
  auto store = open_store(server_->url());
  std::atomic<bool> done{false};
  std::atomic<int> wrong{0};
  std::atomic<int> other_errors{0};
  std::atomic<int> successes_after_restart{0};
  std::atomic<bool> restarted{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      std::uint64_t i = static_cast<std::uint64_t>(t) * 1000;
      while (!done) {
        const std::uint64_t n = ++i % 50;
        try {
          const auto found = value_at(*store, fib, key_of(n));
          if (found && *found != value_of(n)) ++wrong;
          if (!found) put_value(*store, fib, key_of(n), value_of(n), 20);
          if (restarted) ++successes_after_restart;
        } catch (const StoreError&) {
          std::this_thread::sleep_for(1ms);
        } catch (...) {
          ++other_errors;
        }
      }
    });
  }
  std::this_thread::sleep_for(200ms);
  server_->kill();
  std::this_thread::sleep_for(300ms);
  server_->start();
  restarted = true;
  const auto deadline = std::chrono::steady_clock::now() + redis::kReconnectBackoffMax + 3s;
  while (successes_after_restart < 100 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  done = true;
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(other_errors.load(), 0);
  EXPECT_GE(successes_after_restart.load(), 100);
  EXPECT_LE(store->size(fib), 20u);
}

// A listener whose accept queue is full drops new SYNs, as an unreachable host would: the
// connect waits for the connect timeout, not for the kernel's minutes of SYN retries.
TEST(RedisStoreUnreachable, AConnectThatGetsNoAnswerTimesOut) {
  const int listener = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(listen(listener, 0), 0);
  ASSERT_EQ(getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length), 0);
  std::vector<int> fillers;  // never accepted: they fill the queue
  for (int i = 0; i < 4; ++i) {
    const int filler = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    connect(filler, reinterpret_cast<sockaddr*>(&address), sizeof address);
    fillers.push_back(filler);
  }
  std::this_thread::sleep_for(50ms);

  auto store = open_store("redis://127.0.0.1:" + std::to_string(ntohs(address.sin_port)));
  auto start = std::chrono::steady_clock::now();
  try {
    value_at(*store, fib, key_of(1));
    ADD_FAILURE() << "expected a StoreError";
  } catch (const StoreError& error) {
    EXPECT_NE(std::string(error.what()).find("cannot connect"), std::string::npos) << error.what();
  }
  const auto first = std::chrono::steady_clock::now() - start;
  EXPECT_GE(first, detail::redis_connect_timeout() - 20ms);
  EXPECT_LT(first, detail::redis_connect_timeout() + 500ms);
  start = std::chrono::steady_clock::now();
  for (int i = 0; i < 100; ++i) EXPECT_THROW(value_at(*store, fib, key_of(1)), StoreError);
  EXPECT_LT(std::chrono::steady_clock::now() - start,
            detail::redis_connect_timeout());  // no connect

  for (const int filler : fillers) close(filler);
  close(listener);
}

TEST(RedisStoreUnreachable, AnUnreachablePortFailsFast) {
  // A port nobody listens on: bound and closed again just now by the harness's trick.
  int port = 0;
  {
    PICOCACHE_REQUIRE_REDIS_SERVER();
    RedisServer server;
    port = server.port();
    server.stop();
  }
  auto store = open_store("redis://127.0.0.1:" + std::to_string(port) + "/0");
  const auto start = std::chrono::steady_clock::now();
  EXPECT_THROW(value_at(*store, fib, key_of(1)), StoreError);
  EXPECT_THROW(put_value(*store, fib, key_of(1), value_of(1), 10), StoreError);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
}

}  // namespace
}  // namespace picocache

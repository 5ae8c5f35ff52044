// The Redis store against a three-master Redis Cluster (with a replica each) started by the
// test: a URL naming one node serves functions on every master, listings and clears span all
// masters, processes share it, a slot migrated during a run (MOVED, ASK) costs no error, and a
// killed master's replica takes over with caching resuming (through the Store, and through
// memoize: computed results, one warning).
#include "client_process.hpp"
#include "memory_tier.hpp"
#include "redis_cluster_servers.hpp"
#include "redis_raw.hpp"
#include "store_calls.hpp"
#include "stores/redis_cluster.hpp"
#include "stores/store.hpp"
#include "stores/store_registry.hpp"

#include <picocache/picocache.hpp>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace failover {
std::atomic<int> bodies{0};
long triple(int n);
static picocache::CachedFunction triple_fn{picocache::address_of(&triple), "failover::triple",
                                           "long (int)", 1000, false};
long triple(int n) {
  return picocache::memoize<long>(
      triple_fn, [&](picocache::Encoder& e) { e.write(n); },
      [&]() -> long {
        ++bodies;
        return 3L * n;
      });
}
}  // namespace failover

namespace picocache {
namespace {

using namespace std::chrono_literals;
using testing::RawRedisConnection;
using testing::RedisClusterServers;

Key128 key_of(std::uint64_t n) { return Key128{n * 0x9e3779b97f4a7c15ULL + 1, n}; }
std::string value_of(std::uint64_t n) { return "value-" + std::to_string(n); }

std::string id_of(int n) { return fmt::format("{:032x}", 0x1234567ULL * (n + 1)); }

class RedisClusterStoreTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (testing::RedisServer::unavailable_reason()) return;
    cluster_ = new RedisClusterServers(3, 1);
  }
  static void TearDownTestSuite() {
    delete cluster_;
    cluster_ = nullptr;
  }
  void SetUp() override {
    PICOCACHE_REQUIRE_REDIS_SERVER();
    ASSERT_NE(cluster_, nullptr);
  }
  static RedisClusterServers* cluster_;
};
RedisClusterServers* RedisClusterStoreTest::cluster_ = nullptr;

TEST_F(RedisClusterStoreTest, OneNodesUrlServesFunctionsOnEveryMaster) {
  auto store = open_store(cluster_->url());
  std::vector<std::string> ids;
  std::vector<std::string> names;
  for (int f = 0; f < 24; ++f) {
    ids.push_back(id_of(f));
    names.push_back("f" + std::to_string(100 + f) + " int (int)");
  }
  for (std::size_t f = 0; f < ids.size(); ++f) {
    const FunctionRef fn{ids[f], names[f]};
    for (std::uint64_t n = 0; n < 5; ++n) put_value(*store, fn, key_of(n), value_of(n), 10);
  }
  for (std::size_t f = 0; f < ids.size(); ++f) {
    const FunctionRef fn{ids[f], names[f]};
    for (std::uint64_t n = 0; n < 5; ++n) EXPECT_EQ(value_at(*store, fn, key_of(n)), value_of(n));
    EXPECT_EQ(store->size(fn), 5u);
  }
  // The functions landed on every master, and the listing found them all.
  std::set<int> masters_with_keys;
  for (std::size_t i = 0; i < cluster_->size(); ++i) {
    RawRedisConnection raw("127.0.0.1", cluster_->node(i).port());
    if (raw.command({"ROLE"}).elements.front() == "master" && raw.command({"DBSIZE"}).integer > 0) {
      masters_with_keys.insert(cluster_->node(i).port());
    }
  }
  EXPECT_EQ(masters_with_keys.size(), 3u);
  auto listed = store->functions();
  ASSERT_EQ(listed.size(), ids.size());
  for (const FunctionSummary& summary : listed) EXPECT_EQ(summary.size, 5u) << summary.name;
  // `clear --all`: a clear of every listed function, each on its own master.
  for (const FunctionSummary& summary : listed) store->clear({summary.id, summary.name});
  EXPECT_TRUE(store->functions().empty());
  for (std::size_t f = 0; f < ids.size(); ++f) {
    EXPECT_FALSE(value_at(*store, {ids[f], names[f]}, key_of(1)));
  }
}

TEST_F(RedisClusterStoreTest, ProcessesShareTheCluster) {
  const testing::ClientRun first = testing::run_client(cluster_->url(), {"sequence", "15"});
  EXPECT_EQ(first.status, 0) << first.warnings;
  EXPECT_EQ(first.output, "hits=0 misses=15\n");
  // Through another node: the same entries.
  const testing::ClientRun second =
      testing::run_client(cluster_->node(1).url(), {"sequence", "15"});
  EXPECT_EQ(second.status, 0) << second.warnings;
  EXPECT_EQ(second.output, "hits=15 misses=0\n");
  std::vector<pid_t> clients;
  for (int seed = 1; seed <= 4; ++seed) {
    clients.push_back(
        testing::spawn(cluster_->node(seed % 3).url(), {"stress", std::to_string(seed)}, -1));
  }
  for (const pid_t client : clients) {
    EXPECT_EQ(testing::wait_for(client), 0) << "1: a wrong value, 2: a warning, 127: exec failed";
  }
}

// Moves `slot` from the master at `from` to the master at `to` as `redis-cli --cluster reshard`
// does (IMPORTING / MIGRATING, MIGRATE in batches of 10, SETSLOT NODE).
void migrate_slot(RedisClusterServers& cluster, std::uint16_t slot, std::size_t from,
                  std::size_t to) {
  RawRedisConnection source("127.0.0.1", cluster.node(from).port());
  RawRedisConnection target("127.0.0.1", cluster.node(to).port());
  const std::string source_id = source.command({"CLUSTER", "MYID"}).text;
  const std::string target_id = target.command({"CLUSTER", "MYID"}).text;
  const std::string s = std::to_string(slot);
  target.command({"CLUSTER", "SETSLOT", s, "IMPORTING", source_id});
  source.command({"CLUSTER", "SETSLOT", s, "MIGRATING", target_id});
  for (;;) {
    const auto keys = source.command({"CLUSTER", "GETKEYSINSLOT", s, "10"});
    if (keys.elements.empty()) break;
    std::vector<std::string> migrate = {
        "MIGRATE", "127.0.0.1", std::to_string(cluster.node(to).port()), "", "0", "5000", "KEYS"};
    migrate.insert(migrate.end(), keys.elements.begin(), keys.elements.end());
    source.command(migrate);
  }
  for (std::size_t i = 0; i < cluster.size(); ++i) {
    if (!cluster.node(i).running()) continue;
    RawRedisConnection node("127.0.0.1", cluster.node(i).port());
    if (node.command({"ROLE"}).elements.front() == "master") {
      node.command({"CLUSTER", "SETSLOT", s, "NODE", target_id});
    }
  }
}

// The index of the master that serves `slot`, as the first running node sees it.
std::size_t master_of(RedisClusterServers& cluster, std::uint16_t slot) {
  std::size_t asked = 0;
  while (asked + 1 < cluster.size() && !cluster.node(asked).running()) ++asked;
  auto* context = redisConnect("127.0.0.1", cluster.node(asked).port());
  auto* reply = static_cast<redisReply*>(redisCommand(context, "CLUSTER SLOTS"));
  int port = 0;
  for (std::size_t i = 0; reply != nullptr && i < reply->elements; ++i) {
    const redisReply* range = reply->element[i];
    if (range->element[0]->integer <= slot && slot <= range->element[1]->integer) {
      port = static_cast<int>(range->element[2]->element[1]->integer);
    }
  }
  if (reply != nullptr) freeReplyObject(reply);
  redisFree(context);
  for (std::size_t i = 0; i < cluster.size(); ++i) {
    if (cluster.node(i).port() == port) return i;
  }
  throw std::runtime_error("no master serves slot " + std::to_string(slot));
}

TEST_F(RedisClusterStoreTest, ASlotMigratedDuringARunCostsNoError) {
  const std::string id = id_of(500);
  const FunctionRef fn{id, "migrated int (int)"};
  const std::uint16_t slot = redis::key_slot(id);
  const std::size_t from = master_of(*cluster_, slot);
  std::size_t to = from;
  for (std::size_t i = 0; i < cluster_->size(); ++i) {
    RawRedisConnection raw("127.0.0.1", cluster_->node(i).port());
    if (i != from && raw.command({"ROLE"}).elements.front() == "master") to = i;
  }
  ASSERT_NE(to, from);

  auto store = open_store(cluster_->url());
  for (std::uint64_t n = 0; n < 40; ++n) put_value(*store, fn, key_of(n), value_of(n), 1000);
  std::atomic<bool> done{false};
  std::atomic<int> errors{0}, wrong{0}, calls{0};
  std::string first_error;
  std::thread worker([&] {
    std::uint64_t i = 0;
    while (!done) {
      const std::uint64_t n = i++ % 60;
      try {
        const auto found = value_at(*store, fn, key_of(n));
        if (found && *found != value_of(n)) ++wrong;
        if (!found) put_value(*store, fn, key_of(n), value_of(n), 1000);
        ++calls;
      } catch (const StoreError& error) {
        if (errors++ == 0) first_error = error.what();
      }
    }
  });
  std::this_thread::sleep_for(100ms);
  migrate_slot(*cluster_, slot, from, to);
  const int before = calls.load();
  std::this_thread::sleep_for(200ms);
  done = true;
  worker.join();
  // The store followed the move: a MOVED after it, and ASK (with ASKING) for keys already on
  // the target while the slot was migrating, when a call met that moment.
  RawRedisConnection target("127.0.0.1", cluster_->node(to).port());
  const std::string stats = target.command({"INFO", "commandstats"}).text;
  const std::size_t asking = stats.find("cmdstat_asking:calls=");
  RecordProperty("asking_calls_on_target",
                 asking == std::string::npos ? 0 : std::atoi(stats.c_str() + asking + 21));
  EXPECT_EQ(errors.load(), 0) << first_error;
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_GT(calls.load(), before) << "no call succeeded after the migration";
  EXPECT_EQ(master_of(*cluster_, slot), to);
  EXPECT_EQ(store->size(fn), 60u);
  for (std::uint64_t n = 0; n < 60; ++n) EXPECT_EQ(value_at(*store, fn, key_of(n)), value_of(n));
}

TEST_F(RedisClusterStoreTest, AKilledMastersReplicaTakesOverAndCachingResumes) {
  const std::string id = id_of(900);
  const FunctionRef fn{id, "failover int (int)"};
  const std::uint16_t slot = redis::key_slot(id);
  auto store = open_store(cluster_->url());
  for (std::uint64_t n = 0; n < 10; ++n) put_value(*store, fn, key_of(n), value_of(n), 1000);
  const std::size_t master = master_of(*cluster_, slot);
  cluster_->node(master).kill();
  // Calls fail (the session would run them uncached, with one warning) until a replica has
  // taken over; then they succeed again, on the new master.
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  int failures = 0;
  bool resumed = false;
  std::uint64_t n = 100;
  while (!resumed && std::chrono::steady_clock::now() < deadline) {
    try {
      put_value(*store, fn, key_of(n), value_of(n), 1000);
      resumed = value_at(*store, fn, key_of(n)) == value_of(n);
      ++n;
    } catch (const StoreError&) {
      ++failures;
      std::this_thread::sleep_for(20ms);
    }
  }
  EXPECT_TRUE(resumed) << "caching did not resume after the failover";
  EXPECT_GT(failures, 0);
  EXPECT_NE(master_of(*cluster_, slot), master);
  cluster_->node(master).start();  // rejoins as a replica
  EXPECT_TRUE(cluster_->wait_until_ok());
}

TEST_F(RedisClusterStoreTest, AKilledMasterGivesComputedResultsOneWarningAndCachingResumes) {
  detail::set_tier_budget(0);  // every call reaches the cluster, to see it fail and resume
  std::mutex mutex;
  std::vector<std::string> warnings;
  set_log_handler([&](std::string_view line) {
    std::lock_guard lock(mutex);
    warnings.emplace_back(line);
  });
  auto logged = [&] {
    std::lock_guard lock(mutex);
    std::string all;
    for (const std::string& line : warnings) all += line + "\n";
    return std::pair{warnings.size(), all};
  };
  configure(cluster_->url());
  for (int n = 0; n < 10; ++n) EXPECT_EQ(failover::triple(n), 3L * n);
  for (int n = 0; n < 10; ++n) EXPECT_EQ(failover::triple(n), 3L * n);
  EXPECT_EQ(cache_info(&failover::triple).hits, 10u);
  ASSERT_EQ(logged().first, 0u) << logged().second;

  const std::size_t master = master_of(*cluster_, redis::key_slot(failover::triple_fn.id()));
  cluster_->node(master).kill();
  // Each round calls a new argument twice: both results are computed right; once the replica
  // has taken over, the second call is a hit again.
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  bool resumed = false;
  int rounds = 0;
  for (int n = 1000; !resumed && std::chrono::steady_clock::now() < deadline; ++n, ++rounds) {
    const int before = failover::bodies.load();
    EXPECT_EQ(failover::triple(n), 3L * n);
    EXPECT_EQ(failover::triple(n), 3L * n);
    resumed = failover::bodies.load() - before == 1;
    if (!resumed) std::this_thread::sleep_for(20ms);
  }
  RecordProperty("rounds_until_caching_resumed", rounds);
  EXPECT_TRUE(resumed) << "caching did not resume after the failover";
  EXPECT_GT(rounds, 1) << "the killed master did not interrupt caching";
  const auto [count, text] = logged();
  EXPECT_EQ(count, 1u) << text;
  EXPECT_NE(text.find("cached functions run uncached"), std::string::npos) << text;
  EXPECT_NE(master_of(*cluster_, redis::key_slot(failover::triple_fn.id())), master);
  for (int n = 0; n < 10; ++n) EXPECT_EQ(failover::triple(n), 3L * n);  // the replica's copies

  set_log_handler(nullptr);
  detail::set_tier_budget(detail::kDefaultMemoryBudget);
  cluster_->node(master).start();  // rejoins as a replica
  EXPECT_TRUE(cluster_->wait_until_ok());
}

}  // namespace
}  // namespace picocache

// The behaviour every store must show, run against each of them: SQLite (file and memory) and,
// when built with Redis, a private redis-server. A store-specific test belongs in its own file.
#include "stores/store.hpp"
#include "temp_dir.hpp"

#include <picocache/picocache.hpp>

#ifdef PICOCACHE_TEST_REDIS
#include "redis_server.hpp"
#endif

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <thread>

namespace picocache {
namespace {

struct StoreKind {
  std::string name;
  bool needs_redis = false;
  friend void PrintTo(const StoreKind& kind, std::ostream* out) { *out << kind.name; }
};

class StoreConformance : public ::testing::TestWithParam<StoreKind> {
 protected:
  void SetUp() override {
    const StoreKind& kind = GetParam();
    if (kind.name == "sqlite_file") {
      url_ = "sqlite:" + dir_.file("store.db");
    } else if (kind.name == "sqlite_memory") {
      url_ = "sqlite::memory:";
    } else {
#ifdef PICOCACHE_TEST_REDIS
      PICOCACHE_REQUIRE_REDIS_SERVER();
      url_ = redis_server().url();
#endif
    }
    store_ = open_store(url_);
  }

#ifdef PICOCACHE_TEST_REDIS
  // One server for the whole suite; every test uses function ids of its own.
  static testing::RedisServer& redis_server() {
    static testing::RedisServer* server = new testing::RedisServer();
    return *server;
  }
#endif

  // A function of this test only: ids are unique per test, so tests sharing a server never meet.
  FunctionRef function(const std::string& name) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    names_.push_back(std::make_unique<std::string>(name + " int (int)"));
    ids_.push_back(std::make_unique<std::string>(
        hash_key(std::string(info->test_suite_name()) + info->name() + name).to_hex()));
    return {*ids_.back(), *names_.back()};
  }

  static Key128 key(std::uint64_t n) { return hash_key(std::to_string(n)); }

  testing::TempDir dir_;
  std::string url_;
  std::unique_ptr<Store> store_;
  std::vector<std::unique_ptr<std::string>> ids_, names_;
};

TEST_P(StoreConformance, AMissThenAHit) {
  const FunctionRef fn = function("f");
  EXPECT_EQ(store_->get(fn, key(1)), std::nullopt);
  store_->put(fn, key(1), "one", 10);
  EXPECT_EQ(store_->get(fn, key(1)), "one");
  EXPECT_EQ(store_->size(fn), 1u);
}

TEST_P(StoreConformance, ReplacingAValueKeepsTheSize) {
  const FunctionRef fn = function("f");
  store_->put(fn, key(1), "old", 10);
  store_->put(fn, key(1), "new", 10);
  EXPECT_EQ(store_->get(fn, key(1)), "new");
  EXPECT_EQ(store_->size(fn), 1u);
}

// functools.lru_cache(maxsize=2): f(a), f(b), f(a), f(c) evicts b, the least recently used.
TEST_P(StoreConformance, LruOrderAtMaxsizeTwo) {
  const FunctionRef fn = function("f");
  store_->put(fn, key(1), "a", 2);
  store_->put(fn, key(2), "b", 2);
  EXPECT_EQ(store_->get(fn, key(1)), "a");
  store_->put(fn, key(3), "c", 2);
  EXPECT_EQ(store_->get(fn, key(1)), "a");
  EXPECT_EQ(store_->get(fn, key(2)), std::nullopt);
  EXPECT_EQ(store_->get(fn, key(3)), "c");
  EXPECT_EQ(store_->size(fn), 2u);
  // Now c was used last: d evicts a.
  store_->put(fn, key(4), "d", 2);
  EXPECT_EQ(store_->get(fn, key(1)), std::nullopt);
  EXPECT_EQ(store_->get(fn, key(3)), "c");
  EXPECT_EQ(store_->get(fn, key(4)), "d");
}

TEST_P(StoreConformance, WithoutHitsTheOldestInsertGoesFirst) {
  const FunctionRef fn = function("f");
  for (std::uint64_t i = 0; i < 10; ++i) store_->put(fn, key(i), std::to_string(i), 3);
  EXPECT_EQ(store_->size(fn), 3u);
  for (std::uint64_t i = 0; i < 7; ++i) EXPECT_EQ(store_->get(fn, key(i)), std::nullopt) << i;
  for (std::uint64_t i = 7; i < 10; ++i) EXPECT_EQ(store_->get(fn, key(i)), std::to_string(i));
}

TEST_P(StoreConformance, UnboundedNeverEvicts) {
  const FunctionRef fn = function("f");
  for (std::uint64_t i = 0; i < 300; ++i) store_->put(fn, key(i), "v", unbounded);
  EXPECT_EQ(store_->size(fn), 300u);
  EXPECT_EQ(store_->get(fn, key(0)), "v");
}

TEST_P(StoreConformance, MaxsizeZeroKeepsNothing) {
  const FunctionRef fn = function("f");
  store_->put(fn, key(1), "v", 0);
  EXPECT_EQ(store_->size(fn), 0u);
  EXPECT_EQ(store_->get(fn, key(1)), std::nullopt);
}

TEST_P(StoreConformance, ClearingOneFunctionLeavesTheOthers) {
  const FunctionRef f = function("f");
  const FunctionRef g = function("g");
  store_->put(f, key(1), "f1", 10);
  store_->put(g, key(1), "g1", 10);
  store_->clear(f);
  EXPECT_EQ(store_->get(f, key(1)), std::nullopt);
  EXPECT_EQ(store_->size(f), 0u);
  EXPECT_EQ(store_->get(g, key(1)), "g1");
  EXPECT_EQ(store_->size(g), 1u);
  store_->put(f, key(2), "f2", 10);  // a cleared function caches again
  EXPECT_EQ(store_->get(f, key(2)), "f2");
}

TEST_P(StoreConformance, TwoFunctionsWithEqualArgumentsNeverSeeEachOthersValues) {
  const FunctionRef f = function("f");
  const FunctionRef g = function("g");
  store_->put(f, key(7), "from f", 10);
  EXPECT_EQ(store_->get(g, key(7)), std::nullopt);
  store_->put(g, key(7), "from g", 10);
  EXPECT_EQ(store_->get(f, key(7)), "from f");
  EXPECT_EQ(store_->get(g, key(7)), "from g");
}

TEST_P(StoreConformance, EvictionIsPerFunction) {
  const FunctionRef f = function("f");
  const FunctionRef g = function("g");
  store_->put(g, key(1), "g", 1);
  for (std::uint64_t i = 0; i < 5; ++i) store_->put(f, key(i), "f", 2);
  EXPECT_EQ(store_->get(g, key(1)), "g");
  EXPECT_EQ(store_->size(f), 2u);
}

TEST_P(StoreConformance, BinaryAndLargeValuesComeBackExactly) {
  const FunctionRef fn = function("f");
  std::string binary("\0\x01\xff\0zero", 8);
  std::string large(1 << 20, 'x');
  large[12345] = '\0';
  store_->put(fn, key(1), binary, 10);
  store_->put(fn, key(2), large, 10);
  store_->put(fn, key(3), "", 10);
  EXPECT_EQ(store_->get(fn, key(1)), binary);
  EXPECT_EQ(store_->get(fn, key(2)), large);
  EXPECT_EQ(store_->get(fn, key(3)), "");
}

TEST_P(StoreConformance, FunctionsListsNamesAndSizes) {
  const FunctionRef f = function("listed_f");
  const FunctionRef g = function("listed_g");
  store_->put(f, key(1), "v", 10);
  store_->put(f, key(2), "v", 10);
  store_->put(g, key(1), "v", 10);
  store_->clear(g);
  std::vector<FunctionSummary> mine;
  for (FunctionSummary& summary : store_->functions()) {
    if (summary.id == f.id || summary.id == g.id) mine.push_back(summary);
  }
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].name, f.name);
  EXPECT_EQ(mine[0].size, 2u);
}

TEST_P(StoreConformance, ASecondStoreOnTheSameUrlSeesTheEntries) {
  if (url_ == "sqlite::memory:") GTEST_SKIP() << "a memory database is private to its store";
  const FunctionRef fn = function("f");
  store_->put(fn, key(1), "shared", 10);
  std::unique_ptr<Store> other = open_store(url_);
  EXPECT_EQ(other->get(fn, key(1)), "shared");
  EXPECT_EQ(other->size(fn), 1u);
}

TEST_P(StoreConformance, ThreadsShareTheStoreWithoutWrongValues) {
  const FunctionRef fn = function("f");
  constexpr std::uint64_t kMaxsize = 16;
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (std::uint64_t i = 0; i < 100; ++i) {
        const std::uint64_t n = (i * 7 + static_cast<std::uint64_t>(t)) % 40;
        const std::optional<std::string> found = store_->get(fn, key(n));
        if (found && *found != std::to_string(n * n)) ++wrong;
        if (!found) store_->put(fn, key(n), std::to_string(n * n), kMaxsize);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_LE(store_->size(fn), kMaxsize);
  EXPECT_GT(store_->size(fn), 0u);
}

std::vector<StoreKind> store_kinds() {
  std::vector<StoreKind> kinds{{"sqlite_file"}, {"sqlite_memory"}};
#ifdef PICOCACHE_TEST_REDIS
  kinds.push_back({"redis", true});
#endif
  return kinds;
}

INSTANTIATE_TEST_SUITE_P(Stores, StoreConformance, ::testing::ValuesIn(store_kinds()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace picocache

// The behaviour every store must show, run against every kind in the store registry: SQLite
// (file and memory), Redis (a private redis-server, and a private three-master Redis Cluster)
// when built with it, and the test-only
// `testmem:` store registered by this binary. A store-specific test belongs in its own file.
#include "entry_age.hpp"
#include "entry_check.hpp"
#include "memory_test_store.hpp"
#include "memory_tier.hpp"
#include "store_calls.hpp"
#include "stores/store.hpp"
#include "stores/store_registry.hpp"
#include "temp_dir.hpp"

#include <picocache/picocache.hpp>

#ifdef PICOCACHE_TEST_REDIS
#include "redis_cluster_servers.hpp"
#include "redis_server.hpp"
#endif
#ifdef PICOCACHE_TEST_POSTGRES
#include "postgres_server.hpp"
#endif
#ifdef PICOCACHE_TEST_MEMCACHED
#include "memcached_server.hpp"
#endif

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <thread>

// A cached function with ttl = 1 s, for the memoize-level ttl case (as picocache-gen would
// write it for `[[picocache::cached(maxsize = 10, ttl = 1)]]`).
namespace conformance {
int ttl_calls = 0;
int ttl_square(int n);
picocache::CachedFunction ttl_square_fn{
    picocache::address_of(&ttl_square),
    "conformance::ttl_square",
    "int (int)",
    10,
    false,
    picocache::FunctionOptions{true, picocache::kDefaultLockTimeout, std::chrono::seconds(1)}};
int ttl_square(int n) {
  return picocache::memoize<int>(
      ttl_square_fn, [&](picocache::Encoder& e) { e.write(n); },
      [&]() -> int {
        ++ttl_calls;
        return n * n;
      });
}
}  // namespace conformance

namespace picocache {
namespace {

// How the suite gets a store of each registered kind: a test-side table keyed by the kind's
// name (test fixtures stay out of the library). A registered kind without a fixture fails the
// suite, so a new store cannot skip it.
struct StoreCase {
  std::string kind;  // the registry's name for it
  std::string name;  // the test-name suffix
  friend void PrintTo(const StoreCase& c, std::ostream* out) { *out << c.name; }
};

std::vector<StoreCase> fixtures_of(const std::string& kind) {
  if (kind == "sqlite") return {{kind, "sqlite_file"}, {kind, "sqlite_memory"}};
  if (kind == "redis") return {{kind, "redis"}, {kind, "redis_cluster"}};
  if (kind == "postgres") return {{kind, "postgres"}, {kind, "postgres_schema"}};
  if (kind == "memcached") return {{kind, "memcached"}};
  if (kind == "testmem") return {{kind, "testmem"}};
  return {};
}

const bool kTestStoreRegistered = testing::register_memory_test_store();

std::vector<StoreCase> store_cases() {
  std::vector<StoreCase> cases;
  for (const StoreKind& kind : store_kinds()) {
    std::vector<StoreCase> found = fixtures_of(kind.name);
    if (found.empty()) found.push_back({kind.name, kind.name + "_has_no_fixture"});
    cases.insert(cases.end(), found.begin(), found.end());
  }
  return cases;
}

// Skips the test, by name, when the store says it cannot do `what`.
#define SKIP_UNLESS_STORE_CAN(capability, what)            \
  if (!store_->capabilities().capability) {                \
    GTEST_SKIP() << GetParam().name << " cannot " << what; \
  }

class StoreConformance : public ::testing::TestWithParam<StoreCase> {
 protected:
  void SetUp() override {
    const StoreCase& c = GetParam();
    if (c.name == "sqlite_file") {
      url_ = "sqlite:" + dir_.file("store.db");
    } else if (c.name == "sqlite_memory") {
      url_ = "sqlite::memory:";
    } else if (c.name == "testmem") {
      url_ = "testmem:" + hash_key(dir_.file("x")).to_hex();
    } else if (c.name == "redis") {
#ifdef PICOCACHE_TEST_REDIS
      PICOCACHE_REQUIRE_REDIS_SERVER();
      url_ = redis_server().url();
#endif
    } else if (c.name == "redis_cluster") {
#ifdef PICOCACHE_TEST_REDIS
      PICOCACHE_REQUIRE_REDIS_SERVER();
      url_ = redis_cluster().url();
#endif
    } else if (c.name == "postgres" || c.name == "postgres_schema") {
#ifdef PICOCACHE_TEST_POSTGRES
      PICOCACHE_REQUIRE_POSTGRES_SERVER();
      url_ = postgres_server().url(c.name == "postgres" ? "" : "?picocache_schema=conformance");
#endif
    } else if (c.name == "memcached") {
#ifdef PICOCACHE_TEST_MEMCACHED
      PICOCACHE_REQUIRE_MEMCACHED_SERVER();
      url_ = memcached_server().url();
#endif
    } else {
      FAIL() << "the " << c.kind << " store has no fixture in store_conformance_test.cpp";
    }
    store_ = open_store(url_);
  }

#ifdef PICOCACHE_TEST_REDIS
  // One server for the whole suite; every test uses function ids of its own.
  static testing::RedisServer& redis_server() {
    static testing::RedisServer* server = new testing::RedisServer();
    return *server;
  }
  // One cluster (three masters, no replicas) for the whole suite, reached through one node.
  static testing::RedisClusterServers& redis_cluster() {
    static testing::RedisClusterServers* cluster = new testing::RedisClusterServers(3, 0);
    return *cluster;
  }
#endif
#ifdef PICOCACHE_TEST_POSTGRES
  static testing::PostgresServer& postgres_server() {
    static testing::PostgresServer* server = new testing::PostgresServer();
    return *server;
  }
#endif
#ifdef PICOCACHE_TEST_MEMCACHED
  // Items up to 2 MB, for the 1 MB value of BinaryAndLargeValuesComeBackExactly (a value over
  // the item size is refused: memcached_store_test.cpp).
  static testing::MemcachedServer& memcached_server() {
    static testing::MemcachedServer* server = new testing::MemcachedServer({"2m"});
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

  // A code version `version` of the function `name` of this test: versions of one name share
  // a family (as a CachedFunction's do) and differ in id.
  FunctionRef version_of(const std::string& name, const std::string& version) {
    const FunctionRef base = function(name + " " + version);
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    names_.push_back(std::make_unique<std::string>(name + " int (int)"));
    ids_.push_back(std::make_unique<std::string>(
        hash_key(std::string("family ") + info->test_suite_name() + info->name() + name).to_hex()));
    const std::string& family = *ids_.back();
    ids_.push_back(std::make_unique<std::string>(version));
    return {base.id, *names_[names_.size() - 1], family, *ids_.back()};
  }

  // The listed rows of `fns` (by id), in the order of `fns`; a missing one is reported.
  std::vector<FunctionSummary> listed(std::initializer_list<FunctionRef> fns) {
    const std::vector<FunctionSummary> all = store_->functions();
    std::vector<FunctionSummary> rows;
    for (const FunctionRef& fn : fns) {
      const auto it = std::find_if(all.begin(), all.end(),
                                   [&](const FunctionSummary& row) { return row.id == fn.id; });
      if (it != all.end()) rows.push_back(*it);
    }
    return rows;
  }

  static std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  static constexpr std::int64_t kDayMs = 86'400'000;

  static Key128 key(std::uint64_t n) { return hash_key(std::to_string(n)); }

  testing::TempDir dir_;
  std::string url_;
  std::unique_ptr<Store> store_;
  std::vector<std::unique_ptr<std::string>> ids_, names_;
};

TEST_P(StoreConformance, AMissThenAHit) {
  const FunctionRef fn = function("f");
  EXPECT_EQ(value_at(*store_, fn, key(1)), std::nullopt);
  put_value(*store_, fn, key(1), "one", 10);
  EXPECT_EQ(value_at(*store_, fn, key(1)), "one");
  EXPECT_EQ(store_->size(fn), 1u);
}

TEST_P(StoreConformance, ReplacingAValueKeepsTheSize) {
  const FunctionRef fn = function("f");
  put_value(*store_, fn, key(1), "old", 10);
  put_value(*store_, fn, key(1), "new", 10);
  EXPECT_EQ(value_at(*store_, fn, key(1)), "new");
  EXPECT_EQ(store_->size(fn), 1u);
}

// functools.lru_cache(maxsize=2): f(a), f(b), f(a), f(c) evicts b, the least recently used.
TEST_P(StoreConformance, LruOrderAtMaxsizeTwo) {
  const FunctionRef fn = function("f");
  put_value(*store_, fn, key(1), "a", 2);
  put_value(*store_, fn, key(2), "b", 2);
  EXPECT_EQ(value_at(*store_, fn, key(1)), "a");
  put_value(*store_, fn, key(3), "c", 2);
  EXPECT_EQ(value_at(*store_, fn, key(1)), "a");
  EXPECT_EQ(value_at(*store_, fn, key(2)), std::nullopt);
  EXPECT_EQ(value_at(*store_, fn, key(3)), "c");
  EXPECT_EQ(store_->size(fn), 2u);
  // Now c was used last: d evicts a.
  put_value(*store_, fn, key(4), "d", 2);
  EXPECT_EQ(value_at(*store_, fn, key(1)), std::nullopt);
  EXPECT_EQ(value_at(*store_, fn, key(3)), "c");
  EXPECT_EQ(value_at(*store_, fn, key(4)), "d");
}

TEST_P(StoreConformance, WithoutHitsTheOldestInsertGoesFirst) {
  const FunctionRef fn = function("f");
  for (std::uint64_t i = 0; i < 10; ++i) put_value(*store_, fn, key(i), std::to_string(i), 3);
  EXPECT_EQ(store_->size(fn), 3u);
  for (std::uint64_t i = 0; i < 7; ++i) EXPECT_EQ(value_at(*store_, fn, key(i)), std::nullopt) << i;
  for (std::uint64_t i = 7; i < 10; ++i)
    EXPECT_EQ(value_at(*store_, fn, key(i)), std::to_string(i));
}

TEST_P(StoreConformance, UnboundedNeverEvicts) {
  const FunctionRef fn = function("f");
  for (std::uint64_t i = 0; i < 300; ++i) put_value(*store_, fn, key(i), "v", unbounded);
  EXPECT_EQ(store_->size(fn), 300u);
  EXPECT_EQ(value_at(*store_, fn, key(0)), "v");
}

TEST_P(StoreConformance, MaxsizeZeroKeepsNothing) {
  const FunctionRef fn = function("f");
  put_value(*store_, fn, key(1), "v", 0);
  EXPECT_EQ(store_->size(fn), 0u);
  EXPECT_EQ(value_at(*store_, fn, key(1)), std::nullopt);
}

TEST_P(StoreConformance, ClearingOneFunctionLeavesTheOthers) {
  const FunctionRef f = function("f");
  const FunctionRef g = function("g");
  put_value(*store_, f, key(1), "f1", 10);
  put_value(*store_, g, key(1), "g1", 10);
  store_->clear(f);
  EXPECT_EQ(value_at(*store_, f, key(1)), std::nullopt);
  EXPECT_EQ(store_->size(f), 0u);
  EXPECT_EQ(value_at(*store_, g, key(1)), "g1");
  EXPECT_EQ(store_->size(g), 1u);
  put_value(*store_, f, key(2), "f2", 10);  // a cleared function caches again
  EXPECT_EQ(value_at(*store_, f, key(2)), "f2");
}

TEST_P(StoreConformance, TwoFunctionsWithEqualArgumentsNeverSeeEachOthersValues) {
  const FunctionRef f = function("f");
  const FunctionRef g = function("g");
  put_value(*store_, f, key(7), "from f", 10);
  EXPECT_EQ(value_at(*store_, g, key(7)), std::nullopt);
  put_value(*store_, g, key(7), "from g", 10);
  EXPECT_EQ(value_at(*store_, f, key(7)), "from f");
  EXPECT_EQ(value_at(*store_, g, key(7)), "from g");
}

TEST_P(StoreConformance, EvictionIsPerFunction) {
  const FunctionRef f = function("f");
  const FunctionRef g = function("g");
  put_value(*store_, g, key(1), "g", 1);
  for (std::uint64_t i = 0; i < 5; ++i) put_value(*store_, f, key(i), "f", 2);
  EXPECT_EQ(value_at(*store_, g, key(1)), "g");
  EXPECT_EQ(store_->size(f), 2u);
}

TEST_P(StoreConformance, BinaryAndLargeValuesComeBackExactly) {
  const FunctionRef fn = function("f");
  std::string binary("\0\x01\xff\0zero", 8);
  std::string large(1 << 20, 'x');
  large[12345] = '\0';
  put_value(*store_, fn, key(1), binary, 10);
  put_value(*store_, fn, key(2), large, 10);
  put_value(*store_, fn, key(3), "", 10);
  EXPECT_EQ(value_at(*store_, fn, key(1)), binary);
  EXPECT_EQ(value_at(*store_, fn, key(2)), large);
  EXPECT_EQ(value_at(*store_, fn, key(3)), "");
}

TEST_P(StoreConformance, FunctionsListsNamesAndSizes) {
  SKIP_UNLESS_STORE_CAN(listing, "list its functions");
  const FunctionRef f = function("listed_f");
  const FunctionRef g = function("listed_g");
  put_value(*store_, f, key(1), "v", 10);
  put_value(*store_, f, key(2), "v", 10);
  put_value(*store_, g, key(1), "v", 10);
  store_->clear(g);
  std::vector<FunctionSummary> mine;
  for (FunctionSummary& summary : store_->functions()) {
    if (summary.id == f.id || summary.id == g.id) mine.push_back(summary);
  }
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].name, f.name);
  EXPECT_EQ(mine[0].size, 2u);
}

// A listing names each function's limits as its most recent writer stored them (issue #15): a
// later build's maxsize and ttl replace an earlier one's, and none reads as none.
TEST_P(StoreConformance, AListingShowsTheMostRecentWritersMaxsizeAndTtl) {
  SKIP_UNLESS_STORE_CAN(lists_limits, "list the maxsize and ttl of its functions");
  const FunctionRef fn = function("limited_f");
  const auto listed = [&]() -> FunctionSummary {
    for (FunctionSummary& summary : store_->functions()) {
      if (summary.id == fn.id) return summary;
    }
    ADD_FAILURE() << "the function is not listed";
    return {};
  };
  put_value(*store_, fn, key(1), "v", 10);
  FunctionSummary summary = listed();
  EXPECT_EQ(summary.maxsize, std::optional<std::uint64_t>(10));
  EXPECT_EQ(summary.ttl, std::optional<std::chrono::milliseconds>(0));

  EntryWrite later;  // another build of the function: unbounded, with a ttl
  later.value = "w";
  const std::string check = detail::entry_check("");
  later.check = check;
  later.maxsize = unbounded;
  later.ttl = std::chrono::minutes(90);
  store_->put(fn, key(2), later);
  summary = listed();
  EXPECT_EQ(summary.maxsize, std::optional<std::uint64_t>(unbounded));
  EXPECT_EQ(summary.ttl, std::optional<std::chrono::milliseconds>(std::chrono::minutes(90)));
  EXPECT_EQ(summary.size, 2u);
}

// Superseded code versions (issue #14): one row per version, with its family, version and use.
TEST_P(StoreConformance, TwoVersionsOfOneFunctionAreListedWithTheirLastUse) {
  SKIP_UNLESS_STORE_CAN(listing, "list its functions");
  const FunctionRef a = version_of("f", "v:1");
  const FunctionRef b = version_of("f", "fp:0123456789abcdef0123456789abcdef");
  ASSERT_EQ(a.family, b.family);
  ASSERT_NE(a.id, b.id);
  const std::int64_t now = now_ms();
  store_->record_use(a, now - 3 * kDayMs);
  store_->record_use(b, now);
  store_->record_use(a, now - 5 * kDayMs);  // an older use never moves the last one back
  put_value(*store_, a, key(1), "a1", 10);
  put_value(*store_, a, key(2), "a2", 10);
  put_value(*store_, b, key(1), "b1", 10);
  const std::vector<FunctionSummary> rows = listed({a, b});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].name, "f int (int)");
  EXPECT_EQ(rows[0].family, a.family);
  EXPECT_EQ(rows[0].version, "v:1");
  EXPECT_EQ(rows[0].last_used_ms, now - 3 * kDayMs);
  EXPECT_EQ(rows[0].size, 2u);
  EXPECT_EQ(rows[1].name, "f int (int)");
  EXPECT_EQ(rows[1].family, b.family);
  EXPECT_EQ(rows[1].version, "fp:0123456789abcdef0123456789abcdef");
  EXPECT_EQ(rows[1].last_used_ms, now);
  EXPECT_EQ(rows[1].size, 1u);
  // The versions' entries stay apart.
  EXPECT_EQ(value_at(*store_, a, key(1)), "a1");
  EXPECT_EQ(value_at(*store_, b, key(1)), "b1");
}

TEST_P(StoreConformance, DroppingVersionsUnusedSinceACutoffRemovesOnlyTheirEntries) {
  SKIP_UNLESS_STORE_CAN(listing, "list its functions");
  const FunctionRef old_version = version_of("f", "v:1");
  const FunctionRef recent = version_of("f", "v:2");
  const FunctionRef current = version_of("f", "v:3");
  const FunctionRef other_family = version_of("g", "v:1");
  const std::int64_t now = now_ms();
  store_->record_use(old_version, now - 8 * kDayMs);
  store_->record_use(recent, now - kDayMs / 24);  // an hour ago
  store_->record_use(current, now);
  store_->record_use(other_family, now - 30 * kDayMs);
  put_value(*store_, old_version, key(1), "old1", 10);
  put_value(*store_, old_version, key(2), "old2", 10);
  put_value(*store_, recent, key(1), "recent", 10);
  put_value(*store_, current, key(1), "current", 10);
  put_value(*store_, other_family, key(1), "g", 10);
  const std::vector<FunctionSummary> dropped =
      store_->drop_versions(current.family, current.id, now - 7 * kDayMs);
  ASSERT_EQ(dropped.size(), 1u);
  EXPECT_EQ(dropped[0].id, old_version.id);
  EXPECT_EQ(dropped[0].version, "v:1");
  EXPECT_EQ(dropped[0].size, 2u);
  EXPECT_EQ(value_at(*store_, old_version, key(1)), std::nullopt);
  EXPECT_EQ(value_at(*store_, old_version, key(2)), std::nullopt);
  EXPECT_EQ(store_->size(old_version), 0u);
  EXPECT_EQ(value_at(*store_, recent, key(1)), "recent");
  EXPECT_EQ(value_at(*store_, current, key(1)), "current");
  EXPECT_EQ(value_at(*store_, other_family, key(1)), "g") << "another family was dropped";
  const std::vector<FunctionSummary> rows = listed({old_version, recent, current});
  ASSERT_EQ(rows.size(), 2u) << "the dropped version is still listed";
  EXPECT_EQ(rows[0].id, recent.id);
  EXPECT_EQ(rows[1].id, current.id);
  // Nothing is left to drop, and the kept id is never dropped, however old its use.
  EXPECT_TRUE(store_->drop_versions(current.family, current.id, now - 7 * kDayMs).empty());
  const std::vector<FunctionSummary> all_but_recent =
      store_->drop_versions(current.family, recent.id, now + 1);
  ASSERT_EQ(all_but_recent.size(), 1u) << "versions without entries are not listed as dropped";
  EXPECT_EQ(all_but_recent[0].id, current.id);
  EXPECT_EQ(value_at(*store_, recent, key(1)), "recent");
  EXPECT_EQ(value_at(*store_, current, key(1)), std::nullopt);
  // A dropped version caches again.
  put_value(*store_, old_version, key(3), "again", 10);
  EXPECT_EQ(value_at(*store_, old_version, key(3)), "again");
}

TEST_P(StoreConformance, ASecondStoreOnTheSameUrlSeesTheEntries) {
  SKIP_UNLESS_STORE_CAN(shared, "share entries with another store on the same URL");
  const FunctionRef fn = function("f");
  put_value(*store_, fn, key(1), "shared", 10);
  std::unique_ptr<Store> other = open_store(url_);
  EXPECT_EQ(value_at(*other, fn, key(1)), "shared");
  EXPECT_EQ(other->size(fn), 1u);
}

// The in-process tier reads it to notice another process's clear (memory_tier.hpp).
TEST_P(StoreConformance, AClearElsewhereChangesTheClearGeneration) {
  SKIP_UNLESS_STORE_CAN(shared, "share entries with another store on the same URL");
  const FunctionRef fn = function("f");
  put_value(*store_, fn, key(1), "v", 10);
  const std::optional<std::uint64_t> before = store_->clear_generation(fn);
  if (!before) GTEST_SKIP() << "this store cannot tell its clears (clear_generation is nullopt)";
  EXPECT_EQ(store_->clear_generation(fn), before) << "no clear, yet it changed";
  open_store(url_)->clear(fn);
  // A store may cache the generation for up to a second (Memcached does).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  std::optional<std::uint64_t> after = store_->clear_generation(fn);
  while (after == before && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    after = store_->clear_generation(fn);
  }
  EXPECT_NE(after, before);
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
        const std::optional<std::string> found = value_at(*store_, fn, key(n));
        if (found && *found != std::to_string(n * n)) ++wrong;
        if (!found) put_value(*store_, fn, key(n), std::to_string(n * n), kMaxsize);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_LE(store_->size(fn), kMaxsize);
  EXPECT_GT(store_->size(fn), 0u);
}

TEST_P(StoreConformance, AnEntryKeepsItsCheckAndWriteTime) {
  const FunctionRef fn = function("f");
  const auto before = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  put_value(*store_, fn, key(1), "v", 10, "the canonical arguments, long enough to be digested");
  const std::optional<StoredEntry> entry = store_->get(fn, key(1));
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->value, "v");
  EXPECT_EQ(entry->check,
            detail::entry_check("the canonical arguments, long enough to be digested"));
  EXPECT_EQ(entry->check.size(), 32u);
  EXPECT_GE(entry->written_at, before - 1000);
  EXPECT_LE(entry->written_at, before + 60'000);
}

// A peek (what tools do) must not change which entry is evicted next.
TEST_P(StoreConformance, APeekIsNoUse) {
  const FunctionRef fn = function("f");
  put_value(*store_, fn, key(1), "a", 2);
  put_value(*store_, fn, key(2), "b", 2);
  EXPECT_EQ(store_->peek(fn, key(1))->value, "a");
  put_value(*store_, fn, key(3), "c", 2);  // 1 is still the least recently used
  EXPECT_EQ(store_->peek(fn, key(1)), std::nullopt);
  EXPECT_EQ(store_->peek(fn, key(2))->value, "b");
}

TEST_P(StoreConformance, AnEntryWithATtlIsStored) {
  const FunctionRef fn = function("f");
  EntryWrite write;
  write.value = "v";
  write.maxsize = 10;
  write.ttl = std::chrono::minutes(5);
  store_->put(fn, key(1), write);
  EXPECT_EQ(value_at(*store_, fn, key(1)), "v");
}

// ttl = 1 s through the Store interface: entries put with `ttl` and how tests read them.
class TtlEntries {
 public:
  static constexpr std::chrono::milliseconds kTtl = std::chrono::seconds(1);
  explicit TtlEntries(Store& store) : store_(store) {}
  void put(const FunctionRef& fn, std::uint64_t n, std::uint64_t maxsize) {
    EntryWrite write;
    const std::string value = "v" + std::to_string(n);
    write.value = value;
    write.maxsize = maxsize;
    write.ttl = kTtl;
    store_.put(fn, key(n), write);
  }
  // There, and written less than the ttl ago (what the runtime checks, entry_age.hpp): a store
  // may drop an expired entry itself or return it for that check.
  bool fresh(const FunctionRef& fn, std::uint64_t n) {
    const std::optional<StoredEntry> entry = store_.get(fn, key(n));
    return entry && entry->value == "v" + std::to_string(n) &&
           !detail::expired(entry->written_at, kTtl);
  }
  static Key128 key(std::uint64_t n) { return hash_key(std::to_string(n)); }

 private:
  Store& store_;
};

// Fresh before the ttl, not after 1.5 s; the next put of the function drops the expired entries
// from the size (stores with an exact size; memcached's counts them until its index evicts them).
TEST_P(StoreConformance, EntriesOlderThanTheirTtlAreMissesAndTheNextPutDropsThem) {
  TtlEntries ttl(*store_);
  const FunctionRef fn = function("f");
  for (std::uint64_t n = 1; n <= 3; ++n) ttl.put(fn, n, 10);
  EXPECT_TRUE(ttl.fresh(fn, 1));
  EXPECT_EQ(store_->size(fn), 3u);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));

  EXPECT_FALSE(ttl.fresh(fn, 1)) << "an entry older than its ttl must be a miss";
  ttl.put(fn, 4, 10);
  EXPECT_TRUE(ttl.fresh(fn, 4));
  if (store_->capabilities().exact_size) {
    EXPECT_EQ(store_->size(fn), 1u) << "the put must drop the expired entries";
  } else {
    EXPECT_GE(store_->size(fn), 1u);
    EXPECT_LE(store_->size(fn), 4u);
  }
}

// At maxsize 2, an expired entry goes before a live one even when it was used more recently.
TEST_P(StoreConformance, ExpiredEntriesGoAheadOfTheLeastRecentlyUsed) {
  SKIP_UNLESS_STORE_CAN(evicts_expired_first, "tell expired entries from live ones at a put");
  TtlEntries ttl(*store_);
  const FunctionRef fn = function("f");
  ttl.put(fn, 1, 2);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  ttl.put(fn, 2, 2);
  (void)store_->get(fn, TtlEntries::key(1));  // a use: 1 is now the most recently used
  ttl.put(fn, 3, 2);
  EXPECT_TRUE(ttl.fresh(fn, 2)) << "a live entry was evicted before an expired one";
  EXPECT_TRUE(ttl.fresh(fn, 3));
  EXPECT_FALSE(ttl.fresh(fn, 1));
}

// The same through memoize<R>(), the store alone (the tier off; memory_tier_test has its own
// ttl case): a hit before the ttl, the body again after it, and the new result stored.
TEST_P(StoreConformance, ACachedFunctionRunsAgainOnceItsTtlHasPassed) {
  configure(url_);
  detail::set_tier_budget(0);
  cache_clear(&conformance::ttl_square);
  conformance::ttl_calls = 0;
  EXPECT_EQ(cache_parameters(&conformance::ttl_square).ttl, std::chrono::milliseconds(1000));
  EXPECT_EQ(conformance::ttl_square(3), 9);
  EXPECT_EQ(conformance::ttl_square(4), 16);
  EXPECT_EQ(conformance::ttl_square(3), 9);
  EXPECT_EQ(conformance::ttl_calls, 2) << "a call within the ttl must be a hit";
  EXPECT_EQ(cache_info(&conformance::ttl_square).currsize, 2u);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));

  EXPECT_EQ(conformance::ttl_square(3), 9);
  EXPECT_EQ(conformance::ttl_calls, 3) << "a call after the ttl must run the body";
  EXPECT_EQ(conformance::ttl_square(3), 9);
  EXPECT_EQ(conformance::ttl_calls, 3) << "the new result must be stored";
  if (store_->capabilities().exact_size) {
    EXPECT_EQ(cache_info(&conformance::ttl_square).currsize, 1u) << "4 expired: not counted";
  } else {
    EXPECT_LE(cache_info(&conformance::ttl_square).currsize, 2u);
  }
  cache_clear(&conformance::ttl_square);
  detail::set_tier_budget(detail::kDefaultMemoryBudget);
}

TEST_P(StoreConformance, ALeaseExcludesOtherTakersUntilReleased) {
  const FunctionRef fn = function("f");
  std::unique_ptr<KeyLease> first = store_->try_lease(fn, key(1), std::chrono::seconds(10));
  ASSERT_TRUE(first);
  EXPECT_FALSE(store_->try_lease(fn, key(1), std::chrono::seconds(10))) << "taken twice";
  std::unique_ptr<KeyLease> other_key = store_->try_lease(fn, key(2), std::chrono::seconds(10));
  EXPECT_TRUE(other_key) << "another key must not wait";
  EXPECT_TRUE(first->renew(std::chrono::seconds(10)));
  first.reset();
  EXPECT_TRUE(store_->try_lease(fn, key(1), std::chrono::seconds(10))) << "not released";
}

TEST_P(StoreConformance, ALeaseExcludesOtherProcesses) {
  SKIP_UNLESS_STORE_CAN(cross_process_leases, "hold a lease against other processes");
  const FunctionRef fn = function("f");
  std::unique_ptr<KeyLease> held = store_->try_lease(fn, key(1), std::chrono::seconds(10));
  ASSERT_TRUE(held);
  const auto taken_in_child = [&] {
    const pid_t child = fork();
    if (child == 0) {
      std::unique_ptr<Store> store = open_store(url_);
      _exit(store->try_lease(fn, key(1), std::chrono::seconds(10)) ? 1 : 0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 2;
  };
  EXPECT_EQ(taken_in_child(), 0) << "a child took a lease the parent holds";
  held.reset();
  EXPECT_EQ(taken_in_child(), 1) << "the released lease could not be taken";
}

INSTANTIATE_TEST_SUITE_P(Stores, StoreConformance, ::testing::ValuesIn(store_cases()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace picocache

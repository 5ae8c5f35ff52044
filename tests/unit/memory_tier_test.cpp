// The in-process tier (runtime/memory_tier.hpp) through memoize: hot keys never reach the store,
// maxsize and the byte budget bound it, a clear here empties it and a clear elsewhere reaches it
// within a second, and a broken store degrades the program to lru_cache, not to no cache.
#include "memory_tier.hpp"

#include "memory_test_store.hpp"
#include "stores/store.hpp"
#include "stores/store_registry.hpp"

#include <picocache/picocache.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <new>
#include <string>
#include <thread>
#include <vector>

namespace tiered {

std::atomic<int> square_calls{0};
long square(int n);
static picocache::CachedFunction square_fn{picocache::address_of(&square), "tiered::square",
                                           "long (int)", 2, false};
long square(int n) {
  return picocache::memoize<long>(
      square_fn, [&](picocache::Encoder& e) { e.write(n); },
      [&]() -> long {
        ++square_calls;
        return static_cast<long>(n) * n;
      });
}

std::atomic<int> fib_calls{0};
long fib(int n);
static picocache::CachedFunction fib_fn{picocache::address_of(&fib), "tiered::fib", "long (int)",
                                        picocache::unbounded, false};
long fib(int n) {
  return picocache::memoize<long>(
      fib_fn, [&](picocache::Encoder& e) { e.write(n); },
      [&]() -> long {
        ++fib_calls;
        return n < 2 ? n : fib(n - 1) + fib(n - 2);
      });
}

std::atomic<int> text_calls{0};
std::string text(int n);
static picocache::CachedFunction text_fn{picocache::address_of(&text), "tiered::text",
                                         "std::string (int)", picocache::unbounded, false};
std::string text(int n) {
  return picocache::memoize<std::string>(
      text_fn, [&](picocache::Encoder& e) { e.write(n); },
      [&]() -> std::string {
        ++text_calls;
        return std::string(1000, static_cast<char>('a' + n % 26));
      });
}

// ttl = 1 s.
std::atomic<int> quote_calls{0};
long quote(int n);
static picocache::CachedFunction quote_fn{
    picocache::address_of(&quote),
    "tiered::quote",
    "long (int)",
    8,
    false,
    picocache::FunctionOptions{true, picocache::kDefaultLockTimeout, std::chrono::seconds(1)}};
long quote(int n) {
  return picocache::memoize<long>(
      quote_fn, [&](picocache::Encoder& e) { e.write(n); },
      [&]() -> long {
        ++quote_calls;
        return 100L + n;
      });
}

// A result whose codec's decode calls a cached function: a tier hit decodes under the tier's
// lock, so the nested call must find the tier out of reach, not wait for that lock for ever.
struct Labelled {
  long number = 0;
  long label = 0;  // square(number), looked up again by the decode
};
Labelled labelled(int n);

}  // namespace tiered

template <>
struct picocache::Codec<tiered::Labelled> {
  static void encode(Encoder& e, const tiered::Labelled& value) { e.write(value.number); }
  static tiered::Labelled decode(Decoder& d) {
    const long number = d.read<long>();
    return {number, tiered::square(static_cast<int>(number))};
  }
  static void skip(Decoder& d) { d.skip<long>(); }
  static void describe(std::string& schema) { schema += "labelled"; }
};

namespace tiered {

std::atomic<int> labelled_calls{0};
static picocache::CachedFunction labelled_fn{picocache::address_of(&labelled), "tiered::labelled",
                                             "tiered::Labelled (int)", picocache::unbounded, false};
Labelled labelled(int n) {
  return picocache::memoize<Labelled>(
      labelled_fn, [&](picocache::Encoder& e) { e.write(n); },
      [&]() -> Labelled {
        ++labelled_calls;
        return {n, square(n)};
      });
}

}  // namespace tiered

namespace picocache {
namespace {

using detail::parse_memory_budget;

TEST(MemoryBudget, TheGrammarOfPicocacheMemory) {
  EXPECT_EQ(parse_memory_budget("0"), 0u);
  EXPECT_EQ(parse_memory_budget("1048576"), 1048576u);
  EXPECT_EQ(parse_memory_budget("512B"), 512u);
  EXPECT_EQ(parse_memory_budget("64k"), 64u << 10);
  EXPECT_EQ(parse_memory_budget("256MiB"), 256u << 20);
  EXPECT_EQ(parse_memory_budget("256mb"), 256u << 20);
  EXPECT_EQ(parse_memory_budget("2G"), std::uint64_t{2} << 30);
  EXPECT_EQ(parse_memory_budget("1GiB"), std::uint64_t{1} << 30);
  for (const char* bad :
       {"", "MiB", "-1", "1.5G", "12 MiB", "3T", "99999999999999999999", "99999999999G"}) {
    EXPECT_EQ(parse_memory_budget(bad), std::nullopt) << bad;
  }
}

class MemoryTierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::register_memory_test_store();
    unsetenv("PICOCACHE_URL");
    url_ =
        std::string("testmem:") + ::testing::UnitTest::GetInstance()->current_test_info()->name();
    configure(url_);
    detail::set_tier_budget(detail::kDefaultMemoryBudget);
    set_log_handler([this](std::string_view line) {
      std::lock_guard lock(mutex_);
      warnings_.emplace_back(line);
    });
    for (auto* fn : {&tiered::square_fn, &tiered::fib_fn, &tiered::text_fn, &tiered::quote_fn}) {
      cache_clear(fn->qualified_name());
    }
    tiered::square_calls = tiered::fib_calls = tiered::text_calls = tiered::quote_calls = 0;
  }
  void TearDown() override {
    set_log_handler({});
    detail::set_tier_budget(detail::kDefaultMemoryBudget);
  }
  std::vector<std::string> warnings() {
    std::lock_guard lock(mutex_);
    return warnings_;
  }
  // The function's entries as another process sees them: straight from the store.
  std::uint64_t stored(const CachedFunction& fn) {
    return open_store(url_)->size(FunctionRef{fn.id(), fn.display_name()});
  }

  std::string url_;
  std::mutex mutex_;
  std::vector<std::string> warnings_;
};

TEST_F(MemoryTierTest, ACodecThatCallsACachedFunctionWhileDecodingATierHitNeverDeadlocks) {
  cache_clear(tiered::labelled_fn.qualified_name());
  tiered::labelled_calls = 0;
  const std::uint64_t before = store_counters().memory_hits;
  EXPECT_EQ(tiered::labelled(7).label, 49);
  EXPECT_EQ(tiered::labelled(7).label, 49);  // a tier hit, whose decode calls square(7)
  EXPECT_EQ(tiered::labelled(7).label, 49);
  EXPECT_EQ(tiered::labelled_calls, 1);
  EXPECT_EQ(tiered::square_calls, 1);  // the nested calls hit the store
  EXPECT_GE(store_counters().memory_hits - before, 2u);
  EXPECT_TRUE(warnings().empty());
}

// A CachedFunction destroyed (a hand-written one's scope ended) takes its tier entries with it: a
// new one built at the same address, for another function, never gets the old one's results.
TEST_F(MemoryTierTest, ANewFunctionAtADestroyedOnesAddressFindsNoneOfItsResults) {
  alignas(CachedFunction) unsigned char storage[sizeof(CachedFunction)];
  const auto call = [](CachedFunction& fn, long result) {
    return memoize<long>(fn, [](Encoder& e) { e.write(7); }, [&] { return result; });
  };
  auto* first = new (storage)
      CachedFunction{address_of(&tiered::square), "tiered::first", "long (int)", unbounded, false};
  EXPECT_EQ(call(*first, 1), 1);
  EXPECT_EQ(call(*first, 0), 1);  // a hit
  first->~CachedFunction();
  auto* second = new (storage)
      CachedFunction{address_of(&tiered::square), "tiered::second", "long (int)", unbounded, false};
  EXPECT_EQ(call(*second, 2), 2) << "the destroyed function's result was served";
  EXPECT_EQ(detail::tier_usage(*second).entries, 1u);
  second->~CachedFunction();
}

TEST_F(MemoryTierTest, AHotKeyIsAnsweredFromMemoryAndCountedAsAHit) {
  EXPECT_EQ(tiered::fib(10), 55);
  const std::uint64_t before = store_counters().memory_hits;
  for (int i = 0; i < 100; ++i) EXPECT_EQ(tiered::fib(10), 55);
  EXPECT_EQ(store_counters().memory_hits - before, 100u);
  EXPECT_EQ(tiered::fib_calls, 11);
  EXPECT_EQ(cache_info(&tiered::fib).hits, 8u + 100u);  // fib(10)'s own recursion hits 8 times
  EXPECT_EQ(stored(tiered::fib_fn), 11u) << "the results still went to the store";
}

TEST_F(MemoryTierTest, MaxsizeTwoInOneProcessIsLruCacheOfTwo) {
  tiered::square(1);
  tiered::square(2);
  tiered::square(1);  // 1 is now the most recent
  tiered::square(3);  // evicts 2
  EXPECT_EQ(tiered::square_calls, 3);
  EXPECT_EQ(detail::tier_usage(tiered::square_fn).entries, 2u);
  const std::uint64_t before = store_counters().memory_hits;
  EXPECT_EQ(tiered::square(1), 1);
  EXPECT_EQ(tiered::square(3), 9);
  EXPECT_EQ(store_counters().memory_hits - before, 2u) << "1 or 3 was evicted instead of 2";
  EXPECT_EQ(tiered::square_calls, 3);
  // 2 was evicted: its body runs again, as with lru_cache, although the store (whose order never
  // saw the tier's hits) may still hold it for other processes.
  EXPECT_EQ(tiered::square(2), 4);
  EXPECT_EQ(tiered::square_calls, 4);
  EXPECT_EQ(detail::tier_usage(tiered::square_fn).entries, 2u);
}

TEST_F(MemoryTierTest, AnEntryOlderThanItsTtlIsNotAnsweredFromMemory) {
  EXPECT_EQ(tiered::quote(1), 101);
  const std::uint64_t before = store_counters().memory_hits;
  EXPECT_EQ(tiered::quote(1), 101);
  EXPECT_EQ(store_counters().memory_hits - before, 1u) << "within the ttl: from memory";
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(tiered::quote(1), 101);
  EXPECT_EQ(store_counters().memory_hits - before, 1u) << "an expired entry answered from memory";
  EXPECT_EQ(tiered::quote_calls, 2) << "after the ttl the body runs again";
  EXPECT_EQ(tiered::quote(1), 101);
  EXPECT_EQ(tiered::quote_calls, 2) << "and its new result is kept";
}

// An entry the tier takes from the store keeps the store's write time, not the time it was read.
TEST_F(MemoryTierTest, AnEntryReadFromTheStoreExpiresWhenTheStoredOneDoes) {
  EXPECT_EQ(tiered::quote(2), 102);  // written now: t0
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  detail::tier_clear_all();          // as a new process: nothing in memory
  EXPECT_EQ(tiered::quote(2), 102);  // from the store, into the tier (written at t0)
  EXPECT_EQ(tiered::quote_calls, 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(600));  // t0 + 1.3 s
  EXPECT_EQ(tiered::quote(2), 102);
  EXPECT_EQ(tiered::quote_calls, 2) << "the tier kept it for a ttl from when it read it";
}

TEST_F(MemoryTierTest, AFreshProcessStillFindsWhatTheStoreKept) {
  tiered::fib(10);
  detail::tier_clear_all();  // as a new process starts: nothing in memory
  tiered::fib_calls = 0;
  EXPECT_EQ(tiered::fib(10), 55);
  EXPECT_EQ(tiered::fib_calls, 0);
}

TEST_F(MemoryTierTest, ClearInThisProcessEmptiesTheTier) {
  tiered::fib(5);
  cache_clear(&tiered::fib);
  EXPECT_EQ(detail::tier_usage(tiered::fib_fn).entries, 0u);
  tiered::fib_calls = 0;
  tiered::fib(5);
  EXPECT_EQ(tiered::fib_calls, 6);
}

TEST_F(MemoryTierTest, AClearInAnotherProcessReachesTheTierWithinASecond) {
  tiered::fib(5);
  tiered::fib(5);  // the tier has read the store's clear generation by now
  // Another process clears fib: the store's clear generation changes.
  open_store(url_)->clear(FunctionRef{tiered::fib_fn.id(), tiered::fib_fn.display_name()});
  tiered::fib_calls = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (tiered::fib_calls == 0 && std::chrono::steady_clock::now() < deadline) {
    EXPECT_EQ(tiered::fib(5), 5);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(tiered::fib_calls, 6) << "the tier kept serving what another process cleared";
}

TEST_F(MemoryTierTest, TheByteBudgetBoundsTheTier) {
  detail::set_tier_budget(20'000);
  for (int n = 0; n < 100; ++n) EXPECT_EQ(tiered::text(n).size(), 1000u);
  const detail::TierUsage usage = detail::tier_usage();
  EXPECT_LE(usage.bytes, 20'000u);
  EXPECT_GT(usage.entries, 5u);
  EXPECT_LT(usage.entries, 20u);
  EXPECT_EQ(stored(tiered::text_fn), 100u) << "every result still went to the store";
  // The most recent ones are in memory; an old one comes back from the store (no body runs).
  const std::uint64_t before = store_counters().memory_hits;
  EXPECT_EQ(tiered::text(99), std::string(1000, static_cast<char>('a' + 99 % 26)));
  EXPECT_EQ(store_counters().memory_hits - before, 1u);
  EXPECT_EQ(tiered::text(0), std::string(1000, 'a'));
  EXPECT_EQ(store_counters().memory_hits - before, 1u);
  EXPECT_EQ(tiered::text_calls, 100);
}

TEST_F(MemoryTierTest, ZeroTurnsTheTierOff) {
  detail::set_tier_budget(0);
  tiered::fib(10);
  const std::uint64_t before = store_counters().memory_hits;
  EXPECT_EQ(tiered::fib(10), 55);
  EXPECT_EQ(store_counters().memory_hits, before);
  EXPECT_EQ(detail::tier_usage().entries, 0u);
  EXPECT_EQ(cache_info(&tiered::fib).hits, 8u + 1u) << "the store answered";
}

TEST_F(MemoryTierTest, ABrokenStoreDegradesToLruCacheNotToNoCache) {
  // A directory that cannot exist: every store operation fails.
  configure("sqlite:/proc/picocache-cannot-create/cache.db");
  EXPECT_EQ(tiered::fib(80), 23416728348467685L);  // uncached, this would never finish
  EXPECT_EQ(tiered::fib_calls, 81);
  EXPECT_EQ(warnings().size(), 1u);
  tiered::fib(80);
  EXPECT_EQ(tiered::fib_calls, 81);
}

}  // namespace
}  // namespace picocache

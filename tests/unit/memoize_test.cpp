// memoize<R>() and the public API through hand-written wrappers of the exact shape picocache-gen
// emits, against a SQLite store in a fresh directory per test.
#include "memory_tier.hpp"
#include "store_calls.hpp"
#include "stores/store.hpp"
#include "stores/store_registry.hpp"
#include "temp_dir.hpp"

#include <picocache/picocache.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <variant>
#include <vector>

namespace geo {

struct Point {
  double x = 0;
  double y = 0;
};
struct Box {
  Point low, high;
  std::string label;
};

}  // namespace geo

// What picocache-gen generates for a user record.
template <>
struct picocache::Codec<geo::Point> {
  static void encode(Encoder& e, const geo::Point& p) {
    e.write(p.x);
    e.write(p.y);
  }
  static geo::Point decode(Decoder& d) {
    geo::Point p;
    p.x = d.read<double>();
    p.y = d.read<double>();
    return p;
  }
  static void describe(std::string& s) { s += "geo::Point{x:f64,y:f64}"; }
};
template <>
struct picocache::Codec<geo::Box> {
  static void encode(Encoder& e, const geo::Box& b) {
    e.write(b.low);
    e.write(b.high);
    e.write(b.label);
  }
  static geo::Box decode(Decoder& d) {
    geo::Box b;
    b.low = d.read<geo::Point>();
    b.high = d.read<geo::Point>();
    b.label = d.read<std::string>();
    return b;
  }
  static void describe(std::string& s) {
    s += "geo::Box{low:";
    detail::describe_into<geo::Point>(s);
    s += ",high:";
    detail::describe_into<geo::Point>(s);
    s += ",label:str}";
  }
};

namespace tests {

int square_calls = 0;
int square(int n);
static picocache::CachedFunction square_fn{picocache::address_of(&square), "tests::square",
                                           "int (int)", 2, false};
static int square_body(int n) {
  ++square_calls;
  if (n < 0) throw std::invalid_argument("negative");
  return n * n;
}
int square(int n) {
  return picocache::memoize<int>(
      square_fn, [&](picocache::Encoder& e) { e.write(n); },
      [&]() -> int { return square_body(n); });
}

// One function as two builds compiled it: the same name and signature (so the same id), first
// with maxsize = 8 and no ttl, then rebuilt with maxsize = 4 and ttl = 1.
int rebuilt_calls = 0;
int rebuilt_old(int n);
int rebuilt_new(int n);
static picocache::CachedFunction rebuilt_old_fn{picocache::address_of(&rebuilt_old),
                                                "tests::rebuilt", "int (int)", 8, false};
static picocache::CachedFunction rebuilt_new_fn{
    picocache::address_of(&rebuilt_new),
    "tests::rebuilt",
    "int (int)",
    4,
    false,
    picocache::FunctionOptions{true, picocache::kDefaultLockTimeout, std::chrono::seconds(1)}};
int rebuilt_old(int n) {
  return picocache::memoize<int>(
      rebuilt_old_fn, [&](picocache::Encoder& e) { e.write(n); },
      [&]() -> int {
        ++rebuilt_calls;
        return n + 1;
      });
}
int rebuilt_new(int n) {
  return picocache::memoize<int>(
      rebuilt_new_fn, [&](picocache::Encoder& e) { e.write(n); },
      [&]() -> int {
        ++rebuilt_calls;
        return n + 1;
      });
}

int fib_calls = 0;
long fib(int n);
static picocache::CachedFunction fib_fn{picocache::address_of(&fib), "tests::fib", "long (int)",
                                        picocache::unbounded, false};
long fib(int n) {
  return picocache::memoize<long>(
      fib_fn, [&](picocache::Encoder& e) { e.write(n); },
      [&]() -> long {
        ++fib_calls;
        return n < 2 ? n : fib(n - 1) + fib(n - 2);
      });
}

int never_calls = 0;
int never_cached(int n);
static picocache::CachedFunction never_fn{picocache::address_of(&never_cached),
                                          "tests::never_cached", "int (int)", 0, false};
int never_cached(int n) {
  return picocache::memoize<int>(
      never_fn, [&](picocache::Encoder& e) { e.write(n); },
      [&]() -> int { return ++never_calls + n; });
}

// Two overloads of one name.
int scale(int n);
double scale(double x);
static picocache::CachedFunction scale_int_fn{
    picocache::address_of(static_cast<int (*)(int)>(&scale)), "tests::scale", "int (int)", 8,
    false};
static picocache::CachedFunction scale_double_fn{
    picocache::address_of(static_cast<double (*)(double)>(&scale)),
    "tests::scale",
    "double (double)",
    8,
    true,
    picocache::FunctionOptions{false, std::chrono::milliseconds(250), std::chrono::seconds(90)}};
int scale(int n) {
  return picocache::memoize<int>(
      scale_int_fn, [&](picocache::Encoder& e) { e.write(n); }, [&]() -> int { return 2 * n; });
}
double scale(double x) {
  return picocache::memoize<double>(
      scale_double_fn, [&](picocache::Encoder& e) { e.write(x); },
      [&]() -> double { return 2 * x; });
}

int box_calls = 0;
geo::Box bounding_box(const geo::Point& a, const geo::Point& b, std::string_view label);
static picocache::CachedFunction box_fn{picocache::address_of(&bounding_box), "tests::bounding_box",
                                        "geo::Box (const geo::Point &, const geo::Point &, "
                                        "std::string_view)",
                                        16, false};
geo::Box bounding_box(const geo::Point& a, const geo::Point& b, std::string_view label) {
  return picocache::memoize<geo::Box>(
      box_fn,
      [&](picocache::Encoder& e) {
        e.write(a);
        e.write(b);
        e.write(label);
      },
      [&]() -> geo::Box {
        ++box_calls;
        return {{std::min(a.x, b.x), std::min(a.y, b.y)},
                {std::max(a.x, b.x), std::max(a.y, b.y)},
                std::string(label)};
      });
}

// typed=false and typed=true twins taking a variant: typed decides whether the alternative's
// type is part of the key.
using Number = std::variant<int, long>;
int untyped_calls = 0, typed_calls = 0;
long untyped(Number n);
long typed(Number n);
static picocache::CachedFunction untyped_fn{picocache::address_of(&untyped), "tests::untyped",
                                            "long (Number)", 8, false};
static picocache::CachedFunction typed_fn{picocache::address_of(&typed), "tests::typed",
                                          "long (Number)", 8, true};
long untyped(Number n) {
  return picocache::memoize<long>(
      untyped_fn, [&](picocache::Encoder& e) { e.write(n); },
      [&]() -> long { return ++untyped_calls, std::visit([](auto v) { return long(v); }, n); });
}
long typed(Number n) {
  return picocache::memoize<long>(
      typed_fn, [&](picocache::Encoder& e) { e.write(n); },
      [&]() -> long { return ++typed_calls, std::visit([](auto v) { return long(v); }, n); });
}

int not_cached(int n) { return n; }

// typed applies to the top-level arguments only: a variant inside a vector is untyped.
int typed_inside_calls = 0;
long typed_inside(const std::vector<Number>& numbers);
static picocache::CachedFunction typed_inside_fn{picocache::address_of(&typed_inside),
                                                 "tests::typed_inside",
                                                 "long (const std::vector<Number> &)", 8, true};
long typed_inside(const std::vector<Number>& numbers) {
  return picocache::memoize<long>(
      typed_inside_fn, [&](picocache::Encoder& e) { e.write(numbers); },
      [&]() -> long { return ++typed_inside_calls, static_cast<long>(numbers.size()); });
}

// An owning-pointer result: stored by the object, every call gets its own.
int shared_label_calls = 0;
std::shared_ptr<std::string> shared_label(int n);
static picocache::CachedFunction shared_label_fn{picocache::address_of(&shared_label),
                                                 "tests::shared_label",
                                                 "std::shared_ptr<std::string> (int)", 8, false};
std::shared_ptr<std::string> shared_label(int n) {
  return picocache::memoize<std::shared_ptr<std::string>>(
      shared_label_fn, [&](picocache::Encoder& e) { e.write(n); },
      [&]() -> std::shared_ptr<std::string> {
        ++shared_label_calls;
        if (n < 0) return nullptr;
        return std::make_shared<std::string>("label " + std::to_string(n));
      });
}
std::unique_ptr<int> unique_twice(int n);
static picocache::CachedFunction unique_twice_fn{picocache::address_of(&unique_twice),
                                                 "tests::unique_twice",
                                                 "std::unique_ptr<int> (int)", 8, false};
std::unique_ptr<int> unique_twice(int n) {
  return picocache::memoize<std::unique_ptr<int>>(
      unique_twice_fn, [&](picocache::Encoder& e) { e.write(n); },
      [&]() { return std::make_unique<int>(2 * n); });
}

// One enum before and after its enumerators were reordered, with codecs of the shape
// picocache-gen writes (tests/lit/gen/enum_codecs.cpp).
namespace before {
enum class Status { Ok, Error };
}
namespace after {
enum class Status { Error, Ok };
}

}  // namespace tests

template <>
struct picocache::Codec<tests::before::Status> {
  static constexpr std::size_t kMinEncodedSize = 1;
  static void encode(Encoder& encoder, tests::before::Status value) {
    ::picocache::detail::encode_enum(encoder, value);
  }
  static tests::before::Status decode(Decoder& decoder) {
    return ::picocache::detail::decode_enum<tests::before::Status>(decoder);
  }
  static void describe(std::string& schema) { schema += "enum<i32;Ok=0,Error=1>"; }
};
template <>
struct picocache::Codec<tests::after::Status> {
  static constexpr std::size_t kMinEncodedSize = 1;
  static void encode(Encoder& encoder, tests::after::Status value) {
    ::picocache::detail::encode_enum(encoder, value);
  }
  static tests::after::Status decode(Decoder& decoder) {
    return ::picocache::detail::decode_enum<tests::after::Status>(decoder);
  }
  static void describe(std::string& schema) { schema += "enum<i32;Error=0,Ok=1>"; }
};

namespace picocache {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

class MemoizeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    unsetenv("PICOCACHE_URL");
    url_ = "sqlite:" + dir_.file("cache.db");
    configure(url_);
    for (const char* name : {"tests::square", "tests::fib", "tests::never_cached",
                             "tests::bounding_box", "tests::untyped", "tests::typed",
                             "tests::typed_inside", "tests::shared_label", "tests::unique_twice"}) {
      cache_clear(name);
    }
    cache_clear(static_cast<int (*)(int)>(&tests::scale));
    cache_clear(static_cast<double (*)(double)>(&tests::scale));
    tests::square_calls = tests::fib_calls = tests::never_calls = tests::box_calls = 0;
    tests::untyped_calls = tests::typed_calls = 0;
    tests::typed_inside_calls = tests::shared_label_calls = 0;
    set_log_handler([this](std::string_view line) { warnings_.emplace_back(line); });
  }
  void TearDown() override {
    set_log_handler({});
    unsetenv("PICOCACHE_URL");
    detail::set_tier_budget(detail::kDefaultMemoryBudget);
  }

  // The in-process tier off, for tests that watch every call reach the store (what the store
  // holds, how it fails): the tier would answer repeated calls itself (memory_tier_test).
  static void store_only() { detail::set_tier_budget(0); }

  // The arguments and key memoize computes for square(n): to reach into the store as another
  // writer would.
  static std::string square_args(int n) {
    std::string bytes;
    Encoder encoder(bytes, EncodeMode::key);
    encoder.write(n);
    return bytes;
  }
  static Key128 square_key(int n) { return hash_key(square_args(n)); }
  FunctionRef square_ref() const {
    return {tests::square_fn.id(), tests::square_fn.display_name()};
  }

  testing::TempDir dir_;
  std::string url_;
  std::vector<std::string> warnings_;
};

TEST_F(MemoizeTest, TheFirstCallRunsTheBodyTheSecondHits) {
  EXPECT_EQ(tests::square(3), 9);
  EXPECT_EQ(tests::square(3), 9);
  EXPECT_EQ(tests::square_calls, 1);
  const CacheInfo info = cache_info(&tests::square);
  EXPECT_EQ(info.hits, 1u);
  EXPECT_EQ(info.misses, 1u);
  EXPECT_EQ(info.maxsize, 2u);
  EXPECT_EQ(info.currsize, 1u);
  EXPECT_TRUE(warnings_.empty());
}

TEST_F(MemoizeTest, LeastRecentlyUsedGoesFirstLikeLruCache) {
  tests::square(1);
  tests::square(2);
  tests::square(1);  // 1 is now the most recent
  tests::square(3);  // evicts 2
  EXPECT_EQ(tests::square_calls, 3);
  tests::square(1);
  EXPECT_EQ(tests::square_calls, 3);
  tests::square(2);
  EXPECT_EQ(tests::square_calls, 4);
  EXPECT_EQ(cache_info(&tests::square).currsize, 2u);
}

TEST_F(MemoizeTest, MaxsizeZeroAlwaysRunsTheBodyAndCountsMisses) {
  EXPECT_EQ(tests::never_cached(1), 2);
  EXPECT_EQ(tests::never_cached(1), 3);
  const CacheInfo info = cache_info(&tests::never_cached);
  EXPECT_EQ(info.hits, 0u);
  EXPECT_EQ(info.misses, 2u);
  EXPECT_EQ(info.maxsize, 0u);
  EXPECT_EQ(info.currsize, 0u);
}

TEST_F(MemoizeTest, RecursionHitsAtEveryLevelAndNoneKeepsEverything) {
  EXPECT_EQ(tests::fib(60), 1548008755920L);
  EXPECT_EQ(tests::fib_calls, 61);
  const CacheInfo info = cache_info(&tests::fib);
  EXPECT_EQ(info.maxsize, std::nullopt);
  EXPECT_EQ(info.currsize, 61u);
  EXPECT_EQ(info.misses, 61u);
  EXPECT_EQ(info.hits, 58u);  // fib(n-2) of every level n >= 2 was just computed by fib(n-1)
}

TEST_F(MemoizeTest, AnExceptionPropagatesAndStoresNothing) {
  EXPECT_THROW(tests::square(-1), std::invalid_argument);
  EXPECT_THROW(tests::square(-1), std::invalid_argument);
  EXPECT_EQ(tests::square_calls, 2);
  EXPECT_EQ(cache_info(&tests::square).currsize, 0u);
}

TEST_F(MemoizeTest, RecordsAsArgumentsAndResults) {
  const geo::Box first = tests::bounding_box({3, 4}, {1, 2}, "b");
  const geo::Box second = tests::bounding_box({3, 4}, {1, 2}, "b");
  EXPECT_EQ(tests::box_calls, 1);
  EXPECT_EQ(second.low.x, 1);
  EXPECT_EQ(second.high.y, 4);
  EXPECT_EQ(second.label, first.label);
  tests::bounding_box({3, 4}, {1, 2}, "other label");
  EXPECT_EQ(tests::box_calls, 2);
}

TEST_F(MemoizeTest, ClearEmptiesOneFunctionAndResetsItsCounters) {
  tests::square(2);
  tests::fib(3);
  cache_clear(&tests::square);
  const CacheInfo info = cache_info(&tests::square);
  EXPECT_EQ(info.hits + info.misses + info.currsize, 0u);
  EXPECT_EQ(cache_info(&tests::fib).currsize, 4u);
  tests::square(2);
  EXPECT_EQ(tests::square_calls, 2);
}

TEST_F(MemoizeTest, ParametersByPointerAndByName) {
  const CacheParameters square = cache_parameters(&tests::square);
  EXPECT_EQ(square.maxsize, 2u);
  EXPECT_FALSE(square.typed);
  EXPECT_TRUE(square.single_flight);
  EXPECT_EQ(square.lock_timeout, kDefaultLockTimeout);
  EXPECT_EQ(square.ttl, std::nullopt) << "ttl=none";
  EXPECT_EQ(cache_parameters("tests::fib").maxsize, std::nullopt);
  const CacheParameters scale = cache_parameters("tests::scale double (double)");
  EXPECT_TRUE(scale.typed);
  EXPECT_FALSE(scale.single_flight);
  EXPECT_EQ(scale.lock_timeout, std::chrono::milliseconds(250));
  EXPECT_EQ(scale.ttl, std::chrono::milliseconds(90'000));
}

TEST_F(MemoizeTest, OverloadsNeverShareEntries) {
  EXPECT_EQ(tests::scale(2), 4);
  EXPECT_EQ(tests::scale(2.0), 4.0);
  EXPECT_EQ(cache_info(static_cast<int (*)(int)>(&tests::scale)).misses, 1u);
  EXPECT_EQ(cache_info(static_cast<double (*)(double)>(&tests::scale)).misses, 1u);
}

TEST_F(MemoizeTest, NamesThatFitNoneOrSeveralFunctionsAreErrorsListingTheCandidates) {
  try {
    cache_info("tests::scale");
    FAIL() << "an ambiguous name must throw";
  } catch (const Error& error) {
    EXPECT_THAT(error.what(), AllOf(HasSubstr("2 overloads"), HasSubstr("tests::scale int (int)"),
                                    HasSubstr("tests::scale double (double)")));
  }
  try {
    cache_clear("tests::no_such_function");
    FAIL() << "an unknown name must throw";
  } catch (const Error& error) {
    EXPECT_THAT(error.what(), AllOf(HasSubstr("no cached function is named"),
                                    HasSubstr("tests::square int (int)")));
  }
  EXPECT_THROW(cache_info(&tests::not_cached), Error);
}

TEST_F(MemoizeTest, TypedDecidesWhetherTheArgumentTypeIsPartOfTheKey) {
  tests::untyped(tests::Number(std::in_place_type<int>, 5));
  tests::untyped(tests::Number(std::in_place_type<long>, 5));
  EXPECT_EQ(tests::untyped_calls, 1);  // typed=false: 5 is 5
  tests::typed(tests::Number(std::in_place_type<int>, 5));
  tests::typed(tests::Number(std::in_place_type<long>, 5));
  EXPECT_EQ(tests::typed_calls, 2);  // typed=true: int 5 and long 5 are different calls
}

TEST_F(MemoizeTest, TypedAppliesToTheTopLevelArgumentsOnly) {
  // As lru_cache(typed=True) treats (1,) and (1.0,) alike.
  tests::typed_inside({tests::Number(std::in_place_type<int>, 5)});
  tests::typed_inside({tests::Number(std::in_place_type<long>, 5)});
  EXPECT_EQ(tests::typed_inside_calls, 1);
}

TEST_F(MemoizeTest, OwningPointerResultsAreNeverSharedBetweenCallers) {
  for (const bool tier : {true, false}) {
    if (!tier) store_only();
    cache_clear("tests::shared_label");
    tests::shared_label_calls = 0;
    const std::shared_ptr<std::string> first = tests::shared_label(3);
    const std::shared_ptr<std::string> second = tests::shared_label(3);
    ASSERT_NE(first, nullptr);
    ASSERT_NE(second, nullptr);
    EXPECT_EQ(*second, "label 3");
    EXPECT_NE(first.get(), second.get()) << (tier ? "with" : "without") << " the tier";
    EXPECT_EQ(tests::shared_label_calls, 1);
    *first = "changed by the first caller";
    EXPECT_EQ(*tests::shared_label(3), "label 3");
    EXPECT_EQ(tests::shared_label(-1), nullptr);  // null is a value too
    EXPECT_EQ(tests::shared_label(-1), nullptr);
    EXPECT_EQ(tests::shared_label_calls, 2);
  }
  // A move-only result: decoded anew for every hit.
  EXPECT_EQ(*tests::unique_twice(4), 8);
  EXPECT_EQ(*tests::unique_twice(4), 8);
  EXPECT_EQ(cache_info(&tests::unique_twice).hits, 1u);
}

TEST_F(MemoizeTest, AReorderedEnumsResultsAreMissesNotTheOtherEnumerator) {
  EXPECT_NE(schema_fingerprint<tests::before::Status>(),
            schema_fingerprint<tests::after::Status>());
  const std::optional<std::string> stored = detail::encode_value(tests::before::Status::Ok);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(detail::decode_value<tests::after::Status>(*stored), std::nullopt);
  EXPECT_EQ(detail::decode_value<tests::before::Status>(*stored), tests::before::Status::Ok);
}

TEST_F(MemoizeTest, ForeignOrTruncatedValuesAreMissesAndGetReplaced) {
  store_only();
  tests::square(4);
  std::unique_ptr<Store> store = open_store(url_);
  const std::string good = *value_at(*store, square_ref(), square_key(4));
  for (const std::string& bad :
       {std::string("not a picocache value"), good.substr(0, good.size() - 1), std::string(),
        std::string("\x01") + std::string(8, '\x7f') + good.substr(9),  // another result type
        std::string("\x02") + good.substr(1)}) {                        // another format version
    put_value(*store, square_ref(), square_key(4), bad, 2, square_args(4));
    const int before = tests::square_calls;
    EXPECT_EQ(tests::square(4), 16);
    EXPECT_EQ(tests::square_calls, before + 1) << "a bad value must be a miss";
    EXPECT_EQ(value_at(*store, square_ref(), square_key(4)), good) << "and be replaced";
  }
  EXPECT_TRUE(warnings_.empty());
}

// XXH3-128 is not collision resistant: another call's entry under the same key (a forged
// collision, planted here under square(4)'s key with the check of other arguments) must be a
// miss, never its result.
// Changing only maxsize or ttl keeps the entries (they are no part of the function's identity),
// and the new ttl applies to the entries already stored, also to those written without one.
TEST_F(MemoizeTest, ARebuildThatOnlyChangesTtlAndMaxsizeKeepsTheEntriesUnderTheNewTtl) {
  store_only();
  EXPECT_EQ(tests::rebuilt_old_fn.id(), tests::rebuilt_new_fn.id());
  cache_clear(&tests::rebuilt_old);
  tests::rebuilt_calls = 0;
  EXPECT_EQ(tests::rebuilt_old(5), 6);  // stored without a ttl
  EXPECT_EQ(tests::rebuilt_new(5), 6);
  EXPECT_EQ(tests::rebuilt_calls, 1) << "the rebuild lost the entry";
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(tests::rebuilt_old(5), 6);
  EXPECT_EQ(tests::rebuilt_calls, 1) << "without a ttl the entry stays fresh";
  EXPECT_EQ(tests::rebuilt_new(5), 6);
  EXPECT_EQ(tests::rebuilt_calls, 2) << "the new ttl did not apply to the stored entry";
  EXPECT_EQ(tests::rebuilt_new(5), 6);
  EXPECT_EQ(tests::rebuilt_calls, 2);
  cache_clear(&tests::rebuilt_old);
}

TEST_F(MemoizeTest, AnEntryOfOtherArgumentsUnderTheSameKeyIsAMiss) {
  store_only();
  std::unique_ptr<Store> store = open_store(url_);
  const std::uint64_t rejected = store_counters().rejected_entries;
  const std::string forged = *detail::encode_value(999);
  for (const std::string& other : {square_args(5), std::string(300, 'x')}) {
    put_value(*store, square_ref(), square_key(4), forged, 2, other);
    const int before = tests::square_calls;
    EXPECT_EQ(tests::square(4), 16) << "served another call's result";
    EXPECT_EQ(tests::square_calls, before + 1);
  }
  EXPECT_EQ(store_counters().rejected_entries, rejected + 2);
  EXPECT_EQ(tests::square(4), 16);  // the replaced entry is right and verified
  EXPECT_EQ(cache_info(&tests::square).hits, 1u);
}

TEST_F(MemoizeTest, AFileThatIsNoDatabaseGivesOneWarningAndComputedResults) {
  store_only();
  const std::string path = dir_.file("notes.txt");
  const std::string text(5000, 'n');
  std::ofstream(path) << text;
  configure("sqlite:" + path);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(tests::square(5), 25);
  EXPECT_EQ(tests::square_calls, 3);
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_THAT(warnings_[0],
              AllOf(HasSubstr(path), HasSubstr("not a database"), HasSubstr("uncached")));
  EXPECT_EQ(cache_info(&tests::square).currsize, 0u);
  std::ifstream in(path);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), text) << "the file is untouched";
}

TEST_F(MemoizeTest, ABadPicocacheUrlGivesOneWarningAndComputedResults) {
  store_only();
  setenv("PICOCACHE_URL", "mysql://nowhere", 1);
  configure(url_);  // re-read the environment
  EXPECT_EQ(tests::square(6), 36);
  EXPECT_EQ(tests::square(6), 36);
  EXPECT_EQ(tests::square_calls, 2);
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_THAT(warnings_[0], HasSubstr("mysql://nowhere"));
}

TEST_F(MemoizeTest, PicocacheUrlWinsOverConfigure) {
  const std::string env_url = "sqlite:" + dir_.file("from-env.db");
  setenv("PICOCACHE_URL", env_url.c_str(), 1);
  configure(url_);
  tests::square(7);
  EXPECT_EQ(open_store(env_url)->size(square_ref()), 1u);
  EXPECT_EQ(open_store(url_)->size(square_ref()), 0u);
}

TEST_F(MemoizeTest, AForkedChildUsesTheStoreAndTheParentSeesItsEntries) {
  tests::square(8);  // the parent has open connections before fork
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const bool ok = tests::square(8) == 64 && tests::square_calls == 1 && tests::square(9) == 81;
    _exit(ok && tests::square_calls == 2 ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(tests::square(9), 81);
  EXPECT_EQ(tests::square_calls, 1) << "the child's result is a hit in the parent";
}

}  // namespace
}  // namespace picocache

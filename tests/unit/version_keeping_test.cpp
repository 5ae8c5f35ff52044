// Superseded code versions through memoize (version_keeping.hpp): a process using one version of
// a function drops the family's versions no process used for 7 days, at its first store access,
// keeps the ones used recently, and records its own use at most once an hour. The older version
// is set up through the store API with an old last use, as an older build would have left it.
#include "version_keeping.hpp"

#include "memory_test_store.hpp"
#include "store_calls.hpp"
#include "stores/store.hpp"
#include "stores/store_registry.hpp"
#include "temp_dir.hpp"

#include <picocache/picocache.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <deque>

namespace tests {

int kept_calls = 0;
int kept(int n);
static picocache::CachedFunction kept_fn{picocache::address_of(&kept), "tests::kept", "int (int)",
                                         16, false};
int kept(int n) {
  return picocache::memoize<int>(
      kept_fn, [&](picocache::Encoder& e) { e.write(n); },
      [&]() -> int { return ++kept_calls, n + 1; });
}

}  // namespace tests

namespace picocache {
namespace {

constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::int64_t kDayMs = 24 * kHourMs;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Key128 key(int n) { return hash_key(std::to_string(n)); }

class VersionKeepingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = "sqlite:" + dir_.file("store.db");
    configure(url_);  // also makes every function due again: this store has no record of them
    store_ = open_store(url_);
  }
  void TearDown() override { configure("sqlite::memory:"); }

  // Another code version of tests::kept (same family, another id), with `entries` entries and
  // its last use `age_ms` ago: what an older build left in the store.
  FunctionRef older_version(const std::string& version, std::int64_t age_ms, int entries) {
    ids_.push_back(hash_key("older " + version).to_hex());
    versions_.push_back(version);
    const FunctionRef ref{ids_.back(), tests::kept_fn.display_name(), tests::kept_fn.family_id(),
                          versions_.back()};
    store_->record_use(ref, now_ms() - age_ms);
    for (int n = 0; n < entries; ++n) put_value(*store_, ref, key(n), "old", 16);
    return ref;
  }

  // The listed row of `id`, or an empty summary.
  FunctionSummary row_of(std::string_view id) {
    for (FunctionSummary& row : store_->functions()) {
      if (row.id == id) return row;
    }
    return {};
  }

  testing::TempDir dir_;
  std::string url_;
  std::unique_ptr<Store> store_;
  std::deque<std::string> ids_, versions_;  // a deque: the refs' views stay valid
};

TEST_F(VersionKeepingTest, AVersionUnusedForEightDaysIsDroppedAtTheFirstCallOfAnother) {
  const FunctionRef old = older_version("v:1", 8 * kDayMs, 2);
  ASSERT_EQ(store_->size(old), 2u);
  const std::int64_t before = now_ms();
  EXPECT_EQ(tests::kept(5), 6);
  EXPECT_EQ(store_->size(old), 0u) << "the version unused for 8 days kept its entries";
  EXPECT_EQ(value_at(*store_, old, key(0)), std::nullopt);
  const FunctionSummary current = row_of(tests::kept_fn.id());
  EXPECT_EQ(current.size, 1u);
  EXPECT_EQ(current.family, tests::kept_fn.family_id());
  EXPECT_GE(current.last_used_ms, before) << "the current version's use was not recorded";
  EXPECT_LE(current.last_used_ms, now_ms());
  EXPECT_EQ(row_of(old.id).id, "") << "the dropped version is still listed";
}

TEST_F(VersionKeepingTest, AVersionUsedAnHourAgoIsKept) {
  const FunctionRef recent = older_version("v:2", kHourMs, 3);
  EXPECT_EQ(tests::kept(6), 7);
  EXPECT_EQ(store_->size(recent), 3u) << "a version used an hour ago was dropped";
  EXPECT_EQ(value_at(*store_, recent, key(2)), "old");
  EXPECT_EQ(row_of(recent.id).size, 3u);
  EXPECT_EQ(row_of(tests::kept_fn.id()).size, 1u);
}

// Between two records a call only compares a time: an old version that appears after the first
// record stays until the next one, an hour later.
TEST_F(VersionKeepingTest, TheUseIsRecordedAtMostOnceAnHour) {
  EXPECT_EQ(tests::kept(1), 2);
  const std::int64_t recorded = row_of(tests::kept_fn.id()).last_used_ms;
  ASSERT_GT(recorded, 0);
  const FunctionRef old = older_version("v:1", 8 * kDayMs, 2);
  for (int n = 10; n < 20; ++n) EXPECT_EQ(tests::kept(n), n + 1);  // misses: store accesses
  EXPECT_EQ(store_->size(old), 2u) << "a version was dropped before the hour was up";
  EXPECT_EQ(row_of(tests::kept_fn.id()).last_used_ms, recorded) << "the use was written again";
}

// A testmem: store whose record_use fails: what a store that cannot write looks like here.
class NoRecordStore final : public Store {
 public:
  NoRecordStore() : inner_(open_store("testmem:norecord")) {}
  StoreCapabilities capabilities() const override { return inner_->capabilities(); }
  std::optional<StoredEntry> get(const FunctionRef& fn, const Key128& key) override {
    return inner_->get(fn, key);
  }
  std::optional<StoredEntry> peek(const FunctionRef& fn, const Key128& key) override {
    return inner_->peek(fn, key);
  }
  void put(const FunctionRef& fn, const Key128& key, const EntryWrite& entry) override {
    inner_->put(fn, key, entry);
  }
  void clear(const FunctionRef& fn) override { inner_->clear(fn); }
  std::uint64_t size(const FunctionRef& fn) override { return inner_->size(fn); }
  std::vector<FunctionSummary> functions() override { return inner_->functions(); }
  std::unique_ptr<KeyLease> try_lease(const FunctionRef& fn, const Key128& key,
                                      std::chrono::milliseconds duration) override {
    return inner_->try_lease(fn, key, duration);
  }
  void record_use(const FunctionRef&, std::int64_t) override {
    throw StoreError("testnorecord: the record was refused");
  }

 private:
  std::unique_ptr<Store> inner_;
};

const bool kRegistered = [] {
  testing::register_memory_test_store();
  register_store_kind(StoreKind{"testnorecord",
                                {"testnorecord"},
                                "testnorecord:",
                                [](std::string_view) {},
                                [](std::string_view, const OpenOptions&) -> std::unique_ptr<Store> {
                                  return std::make_unique<NoRecordStore>();
                                }});
  return true;
}();

TEST(VersionKeepingFailure, AFailedRecordIsAStoreFailureNeverTheCallers) {
  ASSERT_TRUE(kRegistered);
  std::vector<std::string> warnings;
  set_log_handler([&](std::string_view line) { warnings.emplace_back(line); });
  configure("testnorecord:");
  const StoreCounters before = store_counters();
  const int calls = tests::kept_calls;
  EXPECT_EQ(tests::kept(40), 41);
  EXPECT_EQ(tests::kept(40), 41);
  EXPECT_EQ(tests::kept_calls, calls + 1) << "the failed record stopped the caching";
  EXPECT_EQ(store_counters().errors, before.errors + 1);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_THAT(warnings[0], ::testing::HasSubstr("recording the code version of tests::kept"));
  EXPECT_THAT(warnings[0], ::testing::HasSubstr("the record was refused"));
  set_log_handler({});
  configure("sqlite::memory:");
}

TEST(KeepVersionsDuration, TheDurationGrammarOrNone) {
  using std::chrono::milliseconds;
  std::optional<milliseconds> keep;
  ASSERT_TRUE(detail::parse_keep_versions("12h", keep));
  EXPECT_EQ(keep, std::chrono::hours(12));
  ASSERT_TRUE(detail::parse_keep_versions("7d", keep));
  EXPECT_EQ(keep, std::chrono::hours(24 * 7));
  ASSERT_TRUE(detail::parse_keep_versions("3600", keep));
  EXPECT_EQ(keep, std::chrono::hours(1));
  ASSERT_TRUE(detail::parse_keep_versions("90s", keep));
  EXPECT_EQ(keep, milliseconds(90'000));
  ASSERT_TRUE(detail::parse_keep_versions("15min", keep));
  EXPECT_EQ(keep, std::chrono::minutes(15));
  ASSERT_TRUE(detail::parse_keep_versions("none", keep));
  EXPECT_EQ(keep, std::nullopt);
  for (const char* bad : {"", "0", "0d", "7 d", "7days", "-1h", "h", "99999999999999999999d"}) {
    EXPECT_FALSE(detail::parse_keep_versions(bad, keep)) << bad;
  }
}

}  // namespace
}  // namespace picocache

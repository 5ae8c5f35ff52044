// The process's store and its failure policy (store_session.hpp), through a hand-written cached
// function and `testfault:`, a store whose reads and writes fail on command: store failures are
// counted by kind and logged once per outage; a bug inside a store is an internal error, never
// an outage, and aborts under PICOCACHE_STRICT=1; a log handler may call back into PicoCache.
#include "memory_test_store.hpp"
#include "memory_tier.hpp"
#include "stores/store.hpp"
#include "stores/store_registry.hpp"
#include "stores/store_timeouts.hpp"
#include "temp_dir.hpp"

#include <picocache/picocache.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <stdexcept>

namespace tests {

int triple_calls = 0;
int triple(int n);
static picocache::CachedFunction triple_fn{picocache::address_of(&triple), "tests::triple",
                                           "int (int)", 8, false};
int triple(int n) {
  return picocache::memoize<int>(
      triple_fn, [&](picocache::Encoder& e) { e.write(n); },
      [&]() -> int { return ++triple_calls, 3 * n; });
}

}  // namespace tests

namespace picocache {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// What the testfault: store does on each read and each write.
enum class Fault { none, error, timeout, bug };
Fault read_fault = Fault::none;
Fault write_fault = Fault::none;

void maybe_fail(Fault fault, const char* what) {
  switch (fault) {
    case Fault::none:
      return;
    case Fault::error:
      throw StoreError(std::string("testfault: ") + what + " failed");
    case Fault::timeout:
      throw StoreError(std::string("testfault: ") + what + " timed out", FailureKind::timeout);
    case Fault::bug:
      throw std::logic_error("a broken invariant in the store");
  }
}

// Passes everything to a testmem: store, failing first as told.
class FaultStore final : public Store {
 public:
  FaultStore() : inner_(open_store("testmem:faults")) {}
  StoreCapabilities capabilities() const override { return inner_->capabilities(); }
  std::optional<StoredEntry> get(const FunctionRef& fn, const Key128& key) override {
    maybe_fail(read_fault, "get");
    return inner_->get(fn, key);
  }
  std::optional<StoredEntry> peek(const FunctionRef& fn, const Key128& key) override {
    maybe_fail(read_fault, "peek");
    return inner_->peek(fn, key);
  }
  void put(const FunctionRef& fn, const Key128& key, const EntryWrite& entry) override {
    maybe_fail(write_fault, "put");
    inner_->put(fn, key, entry);
  }
  void clear(const FunctionRef& fn) override {
    maybe_fail(write_fault, "clear");
    inner_->clear(fn);
  }
  std::uint64_t size(const FunctionRef& fn) override {
    maybe_fail(read_fault, "size");
    return inner_->size(fn);
  }
  std::vector<FunctionSummary> functions() override { return inner_->functions(); }
  std::unique_ptr<KeyLease> try_lease(const FunctionRef& fn, const Key128& key,
                                      std::chrono::milliseconds duration) override {
    return inner_->try_lease(fn, key, duration);
  }

 private:
  std::unique_ptr<Store> inner_;
};

const bool kRegistered = [] {
  testing::register_memory_test_store();
  register_store_kind(StoreKind{"testfault",
                                {"testfault"},
                                "testfault:",
                                [](std::string_view) {},
                                [](std::string_view, const OpenOptions&) -> std::unique_ptr<Store> {
                                  return std::make_unique<FaultStore>();
                                }});
  return true;
}();

class StoreSessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(kRegistered);
    unsetenv("PICOCACHE_URL");
    read_fault = write_fault = Fault::none;
    configure("testfault:");
    cache_clear(&tests::triple);
    tests::triple_calls = 0;
    set_log_handler([this](std::string_view line) { warnings_.emplace_back(line); });
  }
  void TearDown() override {
    set_log_handler({});
    read_fault = write_fault = Fault::none;
    detail::set_tier_budget(detail::kDefaultMemoryBudget);
  }

  std::vector<std::string> warnings_;
};

TEST_F(StoreSessionTest, TimeoutsAndErrorsAreCountedApart) {
  const StoreCounters before = store_counters();
  read_fault = Fault::timeout;
  write_fault = Fault::error;
  EXPECT_EQ(tests::triple(1), 3);
  const StoreCounters after = store_counters();
  EXPECT_EQ(after.timeouts, before.timeouts + 1);
  EXPECT_EQ(after.errors, before.errors + 1);
  EXPECT_EQ(after.dropped_writes, before.dropped_writes + 1);
  EXPECT_EQ(after.internal_errors, before.internal_errors);
  ASSERT_EQ(warnings_.size(), 1u) << "one outage, one warning";
  EXPECT_THAT(warnings_[0], HasSubstr("timed out"));
}

// A read-only database: reads work, writes fail. That is one outage, not one per read.
TEST_F(StoreSessionTest, AStoreThatReadsButCannotWriteWarnsOnce) {
  write_fault = Fault::error;
  for (int n = 0; n < 50; ++n) EXPECT_EQ(tests::triple(n), 3 * n);
  EXPECT_EQ(tests::triple_calls, 50);
  EXPECT_EQ(warnings_.size(), 1u);
  // Writes work again: the outage is over, so the next failure is a new one, and reported.
  write_fault = Fault::none;
  EXPECT_EQ(tests::triple(100), 300);
  write_fault = Fault::error;
  EXPECT_EQ(tests::triple(101), 303);
  EXPECT_EQ(warnings_.size(), 2u);
}

TEST_F(StoreSessionTest, ABugInAStoreIsAnInternalErrorNotAnOutage) {
  detail::set_tier_budget(0);  // every call reaches the store (restored in TearDown)
  const char* strict = std::getenv("PICOCACHE_STRICT");
  const std::string saved = strict ? strict : "";
  unsetenv("PICOCACHE_STRICT");
  const StoreCounters before = store_counters();
  read_fault = Fault::bug;
  EXPECT_EQ(tests::triple(2), 6);
  EXPECT_EQ(tests::triple(2), 6);
  if (strict) setenv("PICOCACHE_STRICT", saved.c_str(), 1);
  EXPECT_EQ(tests::triple_calls, 2);
  EXPECT_EQ(store_counters().internal_errors, before.internal_errors + 2);
  EXPECT_EQ(store_counters().errors, before.errors) << "a bug counted as a store failure";
  ASSERT_LE(warnings_.size(), 1u) << "an internal error is logged once";
  for (const std::string& line : warnings_) {
    EXPECT_THAT(line, HasSubstr("internal error"));
    EXPECT_THAT(line, HasSubstr("a broken invariant"));
    EXPECT_THAT(line, Not(HasSubstr("store failed")));
  }
}

TEST_F(StoreSessionTest, ABugInAStoreAbortsUnderStrict) {
  read_fault = Fault::bug;
  EXPECT_EXIT(
      {
        setenv("PICOCACHE_STRICT", "1", 1);
        set_log_handler({});
        tests::triple(3);
        _exit(0);
      },
      ::testing::KilledBySignal(SIGABRT), "internal error.*a broken invariant");
}

// The handler runs while PicoCache reports a failed open: calling back into PicoCache from it
// (cache_info, a cached function) must not deadlock. Run in a child with an alarm, so a
// deadlock fails the test instead of hanging it.
TEST_F(StoreSessionTest, ALogHandlerThatCallsBackDoesNotDeadlock) {
  testing::TempDir dir;
  const std::string path = dir.file("notes.txt");
  std::ofstream(path) << std::string(5000, 'n');
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    alarm(10);
    configure("sqlite:" + path);
    set_log_handler([](std::string_view) {
      static_cast<void>(cache_info(&tests::triple));
      static_cast<void>(tests::triple(7));
    });
    _exit(tests::triple(4) == 12 ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status) << " (a deadlock?)";
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace picocache

namespace picocache {
namespace {

TEST(StoreTimeouts, TheGrammarOfPicocacheStoreTimeout) {
  using std::chrono::milliseconds;
  EXPECT_EQ(detail::parse_store_timeout("250ms"), milliseconds(250));
  EXPECT_EQ(detail::parse_store_timeout("2s"), milliseconds(2000));
  EXPECT_EQ(detail::parse_store_timeout("3"), milliseconds(3000));
  EXPECT_EQ(detail::parse_store_timeout("1min"), milliseconds(60000));
  for (const char* bad : {"", "0", "-1s", "fast", "10h", "5 s"}) {
    EXPECT_EQ(detail::parse_store_timeout(bad), std::nullopt) << bad;
  }
}

// The bound is read once per process: look at it in children with their own environment.
TEST(StoreTimeouts, TheBoundIsOneSecondUnlessTheEnvironmentSaysOtherwise) {
  const auto bound_in_child = [](const char* value) -> long {
    int out[2];
    if (pipe(out) != 0) return -1;
    const pid_t child = fork();
    if (child == 0) {
      if (value) {
        setenv("PICOCACHE_STORE_TIMEOUT", value, 1);
      } else {
        unsetenv("PICOCACHE_STORE_TIMEOUT");
      }
      const long ms = static_cast<long>(detail::store_call_bound().count());
      _exit(write(out[1], &ms, sizeof ms) == sizeof ms ? 0 : 1);
    }
    long ms = -1;
    if (read(out[0], &ms, sizeof ms) != sizeof ms) ms = -1;
    waitpid(child, nullptr, 0);
    return ms;
  };
  EXPECT_EQ(bound_in_child(nullptr), 1000);
  EXPECT_EQ(bound_in_child("300ms"), 300);
  EXPECT_EQ(bound_in_child("nonsense"), 1000);
}

}  // namespace
}  // namespace picocache

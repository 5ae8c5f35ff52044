// Single-flight among the threads of one process, through hand-written wrappers of the shape
// picocache-gen emits, against a SQLite store in a fresh directory per test. Time bounds are
// generous: they tell "waited" from "did not", never measure speed.
#include "temp_dir.hpp"

#include <picocache/picocache.hpp>

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

namespace tests {

using namespace std::chrono_literals;

std::atomic<int> slow_runs{0};
std::atomic<bool> slow_throws{false};
std::chrono::milliseconds slow_sleep{300};
long slow(long n);
static picocache::CachedFunction slow_fn{picocache::address_of(&slow), "sf::slow", "long (long)",
                                         100, false};
long slow(long n) {
  return picocache::memoize<long>(
      slow_fn, [&](picocache::Encoder& e) { e.write(n); },
      [&]() -> long {
        ++slow_runs;
        std::this_thread::sleep_for(slow_sleep);
        if (slow_throws.exchange(false)) throw std::runtime_error("once");
        return n * 3;
      });
}

std::atomic<int> timed_runs{0};
long timed(long n);
static picocache::CachedFunction timed_fn{
    picocache::address_of(&timed),         "sf::timed", "long (long)", 100, false,
    {true, std::chrono::milliseconds(200)}};
long timed(long n) {
  return picocache::memoize<long>(
      timed_fn, [&](picocache::Encoder& e) { e.write(n); },
      [&]() -> long {
        // The first run is slow (the leader), later ones are not.
        std::this_thread::sleep_for(++timed_runs == 1 ? 2s : 0s);
        return n * 3;
      });
}

std::atomic<int> unflighted_runs{0};
long unflighted(long n);
static picocache::CachedFunction unflighted_fn{
    picocache::address_of(&unflighted), "sf::unflighted", "long (long)", 100, false,
    picocache::FunctionOptions{false}};
long unflighted(long n) {
  return picocache::memoize<long>(
      unflighted_fn, [&](picocache::Encoder& e) { e.write(n); },
      [&]() -> long {
        ++unflighted_runs;
        std::this_thread::sleep_for(200ms);
        return n * 3;
      });
}

std::atomic<int> passthrough_runs{0};
long passthrough(long n);
static picocache::CachedFunction passthrough_fn{picocache::address_of(&passthrough),
                                                "sf::passthrough", "long (long)", 0, false};
long passthrough(long n) {
  return picocache::memoize<long>(
      passthrough_fn, [&](picocache::Encoder& e) { e.write(n); },
      [&]() -> long {
        ++passthrough_runs;
        std::this_thread::sleep_for(200ms);
        return n * 3;
      });
}

std::atomic<int> fib_runs{0};
long fib(int n);
static picocache::CachedFunction fib_fn{picocache::address_of(&fib), "sf::fib", "long (int)",
                                        picocache::unbounded, false};
long fib(int n) {
  return picocache::memoize<long>(
      fib_fn, [&](picocache::Encoder& e) { e.write(n); },
      [&]() -> long {
        ++fib_runs;
        return n < 2 ? n : fib(n - 1) + fib(n - 2);
      });
}

// ping(n)'s body calls pong(n) on the thread named "ping"; pong(n)'s calls ping(n) on "pong".
thread_local const char* t_role = "";
std::atomic<int> bodies_started{0};
long pong(long n);
long ping(long n);
static picocache::CachedFunction ping_fn{picocache::address_of(&ping), "sf::ping", "long (long)",
                                         100, false};
static picocache::CachedFunction pong_fn{picocache::address_of(&pong), "sf::pong", "long (long)",
                                         100, false};
void meet() {
  ++bodies_started;
  while (bodies_started.load() < 2) std::this_thread::yield();
}
long ping(long n) {
  return picocache::memoize<long>(
      ping_fn, [&](picocache::Encoder& e) { e.write(n); },
      [&]() -> long {
        if (std::string_view(t_role) == "ping") {
          meet();  // pong(n)'s body has started on the other thread
          return pong(n) + 1;
        }
        return n;
      });
}
long pong(long n) {
  return picocache::memoize<long>(
      pong_fn, [&](picocache::Encoder& e) { e.write(n); },
      [&]() -> long {
        if (std::string_view(t_role) == "pong") {
          meet();
          return ping(n) + 2;
        }
        return n;
      });
}

long shape(int n) { return n; }

}  // namespace tests

namespace picocache {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Runs `call(i)` on `threads` threads started together.
template <class Call>
void at_once(int threads, Call call) {
  std::atomic<int> ready{0};
  std::vector<std::thread> running;
  for (int i = 0; i < threads; ++i) {
    running.emplace_back([&, i] {
      ++ready;
      while (ready.load() < threads) std::this_thread::yield();
      call(i);
    });
  }
  for (std::thread& thread : running) thread.join();
}

class SingleFlightThreads : public ::testing::Test {
 protected:
  void SetUp() override {
    unsetenv("PICOCACHE_URL");
    configure("sqlite:" + dir_.file("cache.db"));
    for (const char* name :
         {"sf::slow", "sf::timed", "sf::unflighted", "sf::passthrough", "sf::fib"}) {
      cache_clear(name);
    }
    tests::slow_runs = tests::timed_runs = tests::unflighted_runs = tests::passthrough_runs = 0;
    tests::fib_runs = 0;
    tests::slow_throws = false;
    set_log_handler([this](std::string_view line) { warnings_.emplace_back(line); });
  }
  void TearDown() override { set_log_handler({}); }

  testing::TempDir dir_;
  std::vector<std::string> warnings_;
};

TEST_F(SingleFlightThreads, EightThreadsMissingOneKeyRunTheBodyOnceAndAllGetItsResult) {
  const std::uint64_t waited_before = store_counters().waited;
  std::atomic<int> right{0};
  at_once(8, [&](int) { right += tests::slow(5) == 15; });
  EXPECT_EQ(tests::slow_runs, 1);
  EXPECT_EQ(right, 8);
  const CacheInfo info = cache_info(&tests::slow);
  EXPECT_EQ(info.misses, 1u);
  EXPECT_EQ(info.hits, 7u) << "a waiter's result counts as a hit";
  EXPECT_EQ(store_counters().waited - waited_before, 7u);
  EXPECT_TRUE(warnings_.empty());
}

TEST_F(SingleFlightThreads, DistinctKeysNeverWaitOnEachOther) {
  tests::slow_sleep = 500ms;
  const auto start = Clock::now();
  at_once(4, [&](int i) { EXPECT_EQ(tests::slow(100 + i), 3 * (100 + i)); });
  tests::slow_sleep = 300ms;
  EXPECT_EQ(tests::slow_runs, 4);
  EXPECT_LT(seconds_since(start), 1.5) << "four 500 ms bodies of distinct keys ran in turn";
}

TEST_F(SingleFlightThreads, RecursionFromSeveralThreadsNeverDeadlocks) {
  const auto start = Clock::now();
  at_once(4, [&](int) { EXPECT_EQ(tests::fib(60), 1548008755920L); });
  EXPECT_LT(seconds_since(start), 10.0);
  EXPECT_EQ(tests::fib_runs, 61) << "every fib(n) once, in all threads together";
}

TEST_F(SingleFlightThreads, TwoThreadsWhoseBodiesCallEachOthersKeyDoNotDeadlock) {
  // ping(1)'s leader calls pong(1) while pong(1)'s leader calls ping(1): one of them would wait
  // for the other forever; the second to arrive sees the cycle and runs the body itself.
  const auto start = Clock::now();
  std::thread ping([] {
    tests::t_role = "ping";
    // ping(1) = pong(1) + 1, where pong(1) is 1 + 2 (pong's leader ran ping's body, which on
    // that thread returns 1) or 1 (this thread ran pong's body).
    const long value = tests::ping(1);
    EXPECT_TRUE(value == 4 || value == 2) << value;
  });
  std::thread pong([] {
    tests::t_role = "pong";
    const long value = tests::pong(1);
    EXPECT_TRUE(value == 3 || value == 4) << value;
  });
  ping.join();
  pong.join();
  EXPECT_LT(seconds_since(start), 5.0);
}

TEST_F(SingleFlightThreads, AThrowingLeaderReleasesItsWaitersAtOnce) {
  tests::slow_throws = true;  // the first body throws after its 300 ms
  std::atomic<int> threw{0}, right{0};
  const auto start = Clock::now();
  at_once(4, [&](int) {
    try {
      right += tests::slow(6) == 18;
    } catch (const std::runtime_error&) {
      ++threw;
    }
  });
  EXPECT_EQ(threw, 1);
  EXPECT_EQ(right, 3);
  EXPECT_GE(tests::slow_runs, 2);
  EXPECT_LT(seconds_since(start), 1.5) << "waiters were not released when the body threw";
}

TEST_F(SingleFlightThreads, AWaiterRunsTheBodyItselfAfterLockTimeout) {
  std::thread leader([] { EXPECT_EQ(tests::timed(2), 6); });  // its body takes 2 s
  while (tests::timed_runs.load() == 0) std::this_thread::yield();
  const auto start = Clock::now();
  EXPECT_EQ(tests::timed(2), 6);  // lock_timeout 200 ms
  EXPECT_LT(seconds_since(start), 1.5);
  EXPECT_EQ(tests::timed_runs, 2);
  leader.join();
}

TEST_F(SingleFlightThreads, SingleFlightFalseRunsEveryMiss) {
  at_once(3, [&](int) { EXPECT_EQ(tests::unflighted(1), 3); });
  EXPECT_EQ(tests::unflighted_runs, 3);
}

TEST_F(SingleFlightThreads, MaxsizeZeroStaysAPassThrough) {
  const auto start = Clock::now();
  at_once(3, [&](int) { EXPECT_EQ(tests::passthrough(1), 3); });
  EXPECT_EQ(tests::passthrough_runs, 3);
  EXPECT_LT(seconds_since(start), 0.55) << "maxsize=0 calls waited on each other";
}

// A child forked while a parent's thread computes a key must not wait for that thread (it does
// not exist in the child): it waits for the parent's lease like any other process, and gets the
// value the parent stores.
TEST_F(SingleFlightThreads, AForkedChildDoesNotWaitForAThreadOfItsParent) {
  tests::slow_sleep = 500ms;
  std::thread leader([] { EXPECT_EQ(tests::slow(8), 24); });
  while (tests::slow_runs.load() == 0) std::this_thread::yield();
  const pid_t child = fork();
  if (child == 0) {
    alarm(5);  // a wait on the parent's thread would last lock_timeout (10 minutes)
    _exit(tests::slow(8) == 24 && tests::slow_runs.load() == 1 ? 0 : 1);
  }
  leader.join();
  tests::slow_sleep = 300ms;
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status)) << "the child hung (killed by its alarm)";
  EXPECT_EQ(WEXITSTATUS(status), 0) << "the child ran the body instead of waiting for the parent";
}

TEST_F(SingleFlightThreads, TheGeneratedConstructorShapeStillCompilesWithDefaultOptions) {
  const CachedFunction fn{address_of(&tests::shape), "sf::shape", "long (int)", 8, false};
  EXPECT_TRUE(fn.single_flight());
  EXPECT_EQ(fn.lock_timeout(), std::chrono::minutes(10));
}

}  // namespace
}  // namespace picocache

// A Redis store that goes away, through the whole runtime: a hand-written wrapper of the shape
// picocache-gen emits, the process's store set by configure() or PICOCACHE_URL, and a private
// redis-server that the tests stop, kill, pause and restart. Whatever the server does, the
// cached function returns its computed result, one warning is logged per outage (not one per
// call), calls stay fast, and caching resumes when the server is back.
#include "outage_capture.hpp"
#include "redis_server.hpp"
#include "stores/redis_connection.hpp"
#include "stores/store.hpp"
#include "stores/store_registry.hpp"

#include <picocache/picocache.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace picocache {
namespace {

using namespace std::chrono_literals;
using testing::RedisServer;

class RedisOutageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    PICOCACHE_REQUIRE_REDIS_SERVER();
    server_ = std::make_unique<RedisServer>();
    capture_.start(server_->url());
  }
  void TearDown() override {
    capture_.stop();
    unsetenv("PICOCACHE_URL");
  }

  std::vector<std::string> warnings() { return capture_.warnings(); }

  // Whether caching resumes within the longest reconnect backoff and a margin.
  static bool wait_until_caching_resumes(int n) {
    return testing::wait_until_caching_resumes(n, redis::kReconnectBackoffMax + 3s);
  }

  testing::OutageCapture capture_;
  std::unique_ptr<RedisServer> server_;
};

TEST_F(RedisOutageTest, AServerStoppedBetweenCallsGivesComputedResultsAndOneWarning) {
  EXPECT_EQ(outage::square(3), 9);
  EXPECT_EQ(outage::square(3), 9);
  EXPECT_EQ(outage::square_calls, 1);
  EXPECT_EQ(cache_info(&outage::square).hits, 1u);
  EXPECT_EQ(cache_info(&outage::square).currsize, 1u);

  server_->stop();
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 200; ++i) EXPECT_EQ(outage::square(i % 10), (i % 10) * (i % 10));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s) << "calls must not wait on the network";
  EXPECT_EQ(outage::square_calls, 1 + 200);  // every call ran uncached

  const std::vector<std::string> logged = warnings();
  ASSERT_EQ(logged.size(), 1u) << "one warning per outage, not one per call";
  EXPECT_NE(logged[0].find("redis://127.0.0.1:" + std::to_string(server_->port())),
            std::string::npos)
      << logged[0];
  EXPECT_NE(logged[0].find("uncached"), std::string::npos) << logged[0];

  server_->start();  // empty: persistence is off
  EXPECT_TRUE(wait_until_caching_resumes(42));
  const int calls = outage::square_calls;
  for (int i = 0; i < 10; ++i) EXPECT_EQ(outage::square(42), 42 * 42);
  EXPECT_EQ(outage::square_calls, calls);  // hits again
  EXPECT_EQ(warnings().size(), 1u);

  // A second outage is a second warning.
  server_->stop();
  EXPECT_EQ(outage::square(5), 25);
  EXPECT_EQ(outage::square(5), 25);
  EXPECT_EQ(warnings().size(), 2u);
}

TEST_F(RedisOutageTest, AServerKilledMidRunGivesComputedResultsAndOneWarning) {
  std::atomic<bool> done{false};
  std::atomic<bool> restarted{false};
  std::atomic<int> wrong{0};
  std::atomic<std::uint64_t> hits_after_restart{0};
  std::thread caller([&] {
    for (int i = 0; !done; ++i) {
      const int n = i % 16;
      const std::uint64_t hits = outage::square_fn.hits();
      if (outage::square(n) != static_cast<long>(n) * n) ++wrong;
      if (restarted && outage::square_fn.hits() > hits) ++hits_after_restart;
    }
  });
  std::this_thread::sleep_for(200ms);
  server_->kill();  // SIGKILL in the middle of the calls
  std::this_thread::sleep_for(300ms);
  server_->start();
  restarted = true;
  const auto deadline = std::chrono::steady_clock::now() + redis::kReconnectBackoffMax + 3s;
  while (hits_after_restart < 100 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  done = true;
  caller.join();

  EXPECT_EQ(wrong.load(), 0);
  EXPECT_GE(hits_after_restart.load(), 100u) << "caching did not resume";
  const std::vector<std::string> logged = warnings();
  std::string all;
  for (const std::string& line : logged) all += "\n  " + line;
  EXPECT_EQ(logged.size(), 1u) << "logged:" << all;
}

TEST_F(RedisOutageTest, AServerThatStopsAnsweringCostsOneTimeoutThenCallsRunUncachedAtOnce) {
  EXPECT_EQ(outage::square(6), 36);
  server_->pause();  // the port still accepts connections, but nothing answers
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 50; ++i) EXPECT_EQ(outage::square(i), i * i);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  // The first call waits for the command timeout; the others fail at once during the backoff.
  EXPECT_LT(elapsed, detail::redis_command_timeout() + 1s);
  EXPECT_EQ(warnings().size(), 1u);

  server_->resume();
  EXPECT_TRUE(wait_until_caching_resumes(6));
  EXPECT_EQ(warnings().size(), 1u);
}

TEST_F(RedisOutageTest, AServerThatIsDownAtTheFirstCallIsUsedOnceItComesUp) {
  server_->stop();
  // Another spelling of the URL: a fresh store, which has never connected.
  configure("redis://127.0.0.1:" + std::to_string(server_->port()));
  for (int i = 0; i < 20; ++i) EXPECT_EQ(outage::square(8), 64);
  EXPECT_EQ(outage::square_calls, 20);
  EXPECT_EQ(warnings().size(), 1u);
  server_->start();
  EXPECT_TRUE(wait_until_caching_resumes(8));
}

TEST_F(RedisOutageTest, PicocacheUrlPointsTheProcessAtRedis) {
  setenv("PICOCACHE_URL", server_->url().c_str(), 1);
  configure("sqlite::memory:");  // PICOCACHE_URL wins
  EXPECT_EQ(outage::square(11), 121);
  EXPECT_EQ(outage::square(11), 121);
  EXPECT_EQ(outage::square_calls, 1);
  bool listed = false;
  for (const FunctionSummary& summary : open_store(server_->url())->functions()) {
    if (summary.id == outage::square_fn.id()) {
      listed = true;
      EXPECT_EQ(summary.name, "outage::square long (int)");
      EXPECT_EQ(summary.size, 1u);
    }
  }
  EXPECT_TRUE(listed) << "square's entry is not in the Redis store";
  EXPECT_TRUE(warnings().empty());
}

}  // namespace
}  // namespace picocache

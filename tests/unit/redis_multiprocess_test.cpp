// Several processes on one Redis store, through the whole runtime: cache_client (one cached
// function, maxsize 20) run with PICOCACHE_URL pointing at a private redis-server. A second run
// hits what the first stored; four runs at once see no wrong value and no warning, and leave
// exactly maxsize entries.
#include "client_process.hpp"
#include "redis_server.hpp"
#include "stores/store.hpp"
#include "stores/store_registry.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace picocache {
namespace {

using testing::ClientRun;
using testing::RedisServer;
using testing::run_client;
using testing::spawn;
using testing::wait_for;

std::size_t lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// cache_client's function as the store lists it.
std::optional<FunctionSummary> slow_square(Store& store) {
  for (FunctionSummary& summary : store.functions()) {
    if (summary.name == "slow_square long (long)") return summary;
  }
  return std::nullopt;
}

class RedisMultiProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    PICOCACHE_REQUIRE_REDIS_SERVER();
    server_ = std::make_unique<RedisServer>();
  }
  std::unique_ptr<RedisServer> server_;
};

TEST_F(RedisMultiProcessTest, ASecondRunHitsWhatTheFirstStored) {
  const ClientRun first = run_client(server_->url(), {"sequence", "15"});
  EXPECT_EQ(first.status, 0) << first.warnings;
  EXPECT_EQ(first.output, "hits=0 misses=15\n");
  const ClientRun second = run_client(server_->url(), {"sequence", "15"});
  EXPECT_EQ(second.status, 0);
  EXPECT_EQ(second.output, "hits=15 misses=0\n");
}

TEST_F(RedisMultiProcessTest, FourProcessesAtOnceKeepMaxsizeAndSeeNoWrongValue) {
  std::vector<pid_t> clients;
  for (int seed = 1; seed <= 4; ++seed) {
    clients.push_back(spawn(server_->url(), {"stress", std::to_string(seed)}, -1));
  }
  for (const pid_t client : clients) {
    EXPECT_EQ(wait_for(client), 0) << "1: a wrong value, 2: a warning, 127: exec failed";
  }
  const std::unique_ptr<Store> store = open_store(server_->url());
  const std::optional<FunctionSummary> summary = slow_square(*store);
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->size, 20u);  // maxsize, with 50 distinct arguments called
}

TEST_F(RedisMultiProcessTest, ProcessesShareTheStoreOverAUnixSocketAndADb) {
  server_.reset();
  server_ = std::make_unique<RedisServer>(testing::RedisServerOptions{"", true, {}});
  const std::string url = server_->unix_url(5);
  EXPECT_EQ(run_client(url, {"sequence", "10"}).output, "hits=0 misses=10\n");
  EXPECT_EQ(run_client(url, {"sequence", "10"}).output, "hits=10 misses=0\n");
  EXPECT_FALSE(slow_square(*open_store(server_->url(0))));  // db 0 holds nothing
  const std::optional<FunctionSummary> in_db5 = slow_square(*open_store(server_->url(5)));
  ASSERT_TRUE(in_db5);
  EXPECT_EQ(in_db5->size, 10u);
}

TEST_F(RedisMultiProcessTest, AProcessWithTheWrongPasswordRunsUncachedWithOneWarning) {
  server_.reset();
  server_ = std::make_unique<RedisServer>(testing::RedisServerOptions{"right-pw", false, {}});
  const std::string wrong = "redis://:wrong-pw@127.0.0.1:" + std::to_string(server_->port());
  const ClientRun run = run_client(wrong, {"sequence", "5"});
  EXPECT_EQ(run.status, 2);  // every value computed and right; exit 2: a warning was logged
  EXPECT_EQ(run.output, "hits=0 misses=5\n");
  EXPECT_EQ(lines(run.warnings), 1u) << run.warnings;
  EXPECT_NE(run.warnings.find("authentication failed"), std::string::npos) << run.warnings;
  EXPECT_EQ(run.warnings.find("wrong-pw"), std::string::npos) << "password leaked";
  const ClientRun right = run_client(server_->url(), {"sequence", "5"});
  EXPECT_EQ(right.status, 0);
  EXPECT_EQ(right.output, "hits=0 misses=5\n");
}

}  // namespace
}  // namespace picocache

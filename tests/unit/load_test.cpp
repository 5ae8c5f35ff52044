// 8 processes of 8 threads each call three cached functions (maxsize 2, 16 and none) with
// random arguments for a few seconds against one store, SQLite and Redis: no call errs or gives
// a wrong value, no warning is logged, and the store's invariants hold at the end.
#include "reliability_process.hpp"
#include "store_invariants.hpp"
#include "temp_dir.hpp"
#ifdef PICOCACHE_TEST_REDIS
#include "redis_server.hpp"
#endif

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

namespace picocache {
namespace {

using namespace std::chrono_literals;
using testing::FunctionCount;

constexpr int kProcesses = 8;
constexpr int kThreads = 8;
constexpr int kSeconds = 3;

std::uint64_t maxsize_of(const std::string& name) {
  if (name == "reliability::two") return 2;
  if (name == "reliability::sixteen") return 16;
  return ~std::uint64_t{0};
}

// Runs the clients at once; returns the calls they made in all.
long run_load(const std::string& url) {
  std::vector<testing::Child> children;
  for (int p = 0; p < kProcesses; ++p) {
    children.push_back(testing::start_client(
        url, {"load", std::to_string(kThreads), std::to_string(kSeconds), std::to_string(p + 1)}));
  }
  long calls = 0;
  for (testing::Child& child : children) {
    // Generous: the clients stop by themselves after kSeconds.
    const testing::Finished finished = testing::finish(child, 60s);
    EXPECT_FALSE(finished.timed_out) << finished.output;
    EXPECT_EQ(finished.status, 0) << "1: a wrong value, 2: a store error\n" << finished.output;
    long n = 0;
    const std::size_t at = finished.output.find("calls=");
    if (at != std::string::npos &&
        std::sscanf(finished.output.c_str() + at, "calls=%ld", &n) == 1) {
      calls += n;
    }
  }
  std::printf("%d processes x %d threads, %d s: %ld calls\n", kProcesses, kThreads, kSeconds,
              calls);
  return calls;
}

void expect_counts(const std::vector<FunctionCount>& counts) {
  EXPECT_EQ(counts.size(), 3u);
  for (const FunctionCount& count : counts) {
    EXPECT_EQ(count.size, count.entries) << count.name;
    EXPECT_LE(static_cast<std::uint64_t>(count.entries), maxsize_of(count.name)) << count.name;
  }
}

TEST(Load, SqliteProcessesAndThreads) {
  testing::TempDir dir;
  const std::string path = dir.file("load.db");
  const std::string url = "sqlite:///" + path.substr(1);
  EXPECT_GT(run_load(url), kProcesses * kThreads);
  testing::SqliteFile file(path);
  EXPECT_EQ(file.integrity_check(), "ok");
  expect_counts(file.functions());
  const testing::Finished verify = testing::run_client(url, {"verify", "40"});
  EXPECT_EQ(verify.status, 0) << verify.output;
}

#ifdef PICOCACHE_TEST_REDIS
TEST(Load, RedisProcessesAndThreads) {
  PICOCACHE_REQUIRE_REDIS_SERVER();
  testing::RedisServer server;
  EXPECT_GT(run_load(server.url()), kProcesses * kThreads);
  expect_counts(testing::redis_functions("127.0.0.1", server.port()));
  const testing::Finished verify = testing::run_client(server.url(), {"verify", "40"});
  EXPECT_EQ(verify.status, 0) << verify.output;
}
#endif  // PICOCACHE_TEST_REDIS

}  // namespace
}  // namespace picocache

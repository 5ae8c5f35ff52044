// The Redis store under a maxmemory policy that evicts any key (allkeys-lru, allkeys-random): four
// processes fill a 2 MB server far past its limit, so Redis evicts values, index entries, whole
// indexes and generation keys on its own. No process may read a wrong value; at the end size()
// is exactly the live entries (a value that its index lists), and after cache_clear no value of
// the function is served or counted, and no key of the current generation is left.
#include "redis_raw.hpp"
#include "redis_server.hpp"
#include "store_calls.hpp"
#include "stores/store.hpp"
#include "stores/store_registry.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

namespace picocache {
namespace {

using testing::RawRedisConnection;
using testing::RedisServer;

constexpr char function_id[] = "0123456789abcdef0123456789abcdef";
const FunctionRef fib{function_id, "fib int (int)"};
constexpr std::uint64_t kDistinct = 4000;
constexpr int kProcesses = 4;
constexpr int kCallsPerProcess = 2500;

Key128 key_of(std::uint64_t n) { return Key128{n * 0x9e3779b97f4a7c15ULL + 1, n}; }
// About 1 KB, so that 4000 of them are twice what a 2 MB server can hold.
std::string value_of(std::uint64_t n) {
  return "value-" + std::to_string(n) + std::string(1000, static_cast<char>('a' + n % 26));
}

long long info_field(RawRedisConnection& raw, const std::string& section, const std::string& name) {
  const std::string info = raw.command({"INFO", section}).text;
  const std::size_t at = info.find(name + ":");
  return at == std::string::npos ? -1 : std::atoll(info.c_str() + at + name.size() + 1);
}

class RedisMaxmemoryTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    PICOCACHE_REQUIRE_REDIS_SERVER();
    server_ = std::make_unique<RedisServer>(testing::RedisServerOptions{
        "", false, {"--maxmemory", "2mb", "--maxmemory-policy", GetParam()}});
  }
  std::unique_ptr<RedisServer> server_;
};

TEST_P(RedisMaxmemoryTest, ProcessesFillingTheServerPastItsLimitStayConsistent) {
  const std::string url = server_->url();
  std::vector<pid_t> children;
  for (int process = 0; process < kProcesses; ++process) {
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      int status = 0;
      try {
        auto store = open_store(url);
        std::mt19937_64 random(static_cast<std::uint64_t>(process) * 7919 + 3);
        for (int i = 0; i < kCallsPerProcess && status == 0; ++i) {
          const std::uint64_t n = random() % kDistinct;
          const auto found = value_at(*store, fib, key_of(n));
          if (found && *found != value_of(n)) status = 2;
          if (!found) put_value(*store, fib, key_of(n), value_of(n), 100000);
        }
      } catch (const StoreError&) {
        status = 3;
      } catch (...) {
        status = 4;
      }
      _exit(status);
    }
    children.push_back(pid);
  }
  for (const pid_t child : children) {
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "2: a wrong value, 3: a store error, 4: another error";
  }

  RawRedisConnection raw("127.0.0.1", server_->port());
  ASSERT_GT(info_field(raw, "stats", "evicted_keys"), 0) << "the server never reached maxmemory";
  // Any command may make Redis evict more (replies and scripts take memory too): lift the
  // limit so that what is checked below holds still while it is checked.
  raw.command({"CONFIG", "SET", "maxmemory", "0"});

  auto store = open_store(url);
  const std::uint64_t size = store->size(fib);
  // The live entries, read from the server: value keys of the current generation that its
  // index lists, and index entries whose value is there.
  const std::string prefix = testing::function_prefix(function_id);
  // allkeys-* may evict `gen` itself: a lost generation is a clear, so nothing is then live.
  const std::string generation = raw.command({"GET", prefix + "gen"}).text;
  const std::string current = prefix + "g" + generation + ":";
  std::uint64_t live = 0;
  for (const std::string& key : raw.keys(current + "v:*")) {
    const std::string hex = key.substr(current.size() + 2);
    live += raw.command({"ZSCORE", current + "lru", hex}).type != REDIS_REPLY_NIL;
  }
  std::uint64_t indexed_with_value = 0;
  const auto members = raw.command({"ZRANGE", current + "lru", "0", "-1"}).elements;
  for (const std::string& hex : members) {
    indexed_with_value += raw.command({"EXISTS", current + "v:" + hex}).integer;
  }
  // allkeys-lru may evict the whole index (one large key) at the last moment, leaving no live
  // entry: the store must then report 0, which the equality below checks; live > 0 is not
  // something the store can promise, so it is not asserted.
  EXPECT_EQ(size, live);
  EXPECT_EQ(members.size(), indexed_with_value) << "size() left index entries without a value";

  std::uint64_t served = 0;
  for (std::uint64_t n = 0; n < kDistinct; ++n) {
    const auto found = store->peek(fib, key_of(n));
    if (found) {
      ++served;
      EXPECT_EQ(found->value, value_of(n)) << n;
    }
  }
  EXPECT_EQ(served, live);

  store->clear(fib);
  EXPECT_EQ(store->size(fib), 0u);
  EXPECT_TRUE(store->functions().empty());
  auto another_process = open_store(url);
  for (std::uint64_t n = 0; n < kDistinct; ++n) {
    EXPECT_FALSE(value_at(*store, fib, key_of(n))) << n;
    EXPECT_FALSE(another_process->peek(fib, key_of(n))) << n;
  }
  // What is left of the function: its generation and name, and keys of old generations that no
  // read ever finds: value keys that no index lists (Redis evicted their index), and, when Redis
  // evicted `gen` itself, the index of the generation it held if no client knew that generation
  // to queue it for deletion. Redis evicts them in turn when it needs the memory.
  const std::string now_current = prefix + "g" + raw.command({"GET", prefix + "gen"}).text + ":";
  std::size_t unreachable = 0;
  for (const std::string& key : raw.keys(prefix + "*")) {
    if (key == prefix + "gen" || key == prefix + "name") continue;
    EXPECT_NE(key.rfind(now_current, 0), 0u) << "a key of the new generation: " << key;
    ++unreachable;
    const std::size_t values = key.find(":v:");
    if (values == std::string::npos) {  // an index or set: only of a generation `gen` lost
      EXPECT_TRUE(generation.empty()) << "an index or set left: " << key;
      continue;
    }
    const std::string index = key.substr(0, values) + ":lru";
    if (!generation.empty()) {
      EXPECT_EQ(raw.command({"EXISTS", index}).integer, 0) << key;
    }
  }
  RecordProperty("unreachable_old_keys", static_cast<int>(unreachable));
}

INSTANTIATE_TEST_SUITE_P(Policies, RedisMaxmemoryTest,
                         ::testing::Values("allkeys-lru", "allkeys-random"), [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name) c = c == '-' ? '_' : c;
                           return name;
                         });

}  // namespace
}  // namespace picocache

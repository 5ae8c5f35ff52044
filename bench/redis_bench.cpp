// The Redis store's cost over Redis itself (issue #15), in one run, on one thread, on one private
// redis-server (tests/unit's harness, a free loopback port), for a function of an `int` returning
// a 64-byte std::string, with working sets of 100, 10,000 and 100,000 keys (the benchmark's
// argument) used in a shuffled order (working_set_rows.hpp has the rows' shape):
//   BM_RedisHit_Unbounded/W     a hit through memoize (encode, hash, one round trip of a pipelined
//                               GET and ZADD XX, verify the argument check, decode), tier off
//   BM_RedisHit_HalfFull/W      the same for a function of maxsize W/2, over its resident keys
//   BM_RawGet/W                 a raw hiredis GET of W keys holding values of the size the store
//                               keeps per entry (its envelope included), copied out
//   BM_RedisMiss_Unbounded/W    a miss that stores: the get round trip, then the put script
//   BM_RedisMiss_Evicting/W     the same into a full function of maxsize W/2: each evicts one
//   BM_RawGetSet/W              a raw GET (nil) then SET of a new key of the same size
// Targets: each hit row <= 1.2x BM_RawGet at the same W (a hit is one round trip, which is most
// of its cost); misses against GET+SET (two round trips each). The in-process tier is off
// (store_only.hpp): with it, hot keys cost no round trip (memory_tier_bench.cpp). Run a Release
// or RelWithDebInfo build:
//   build/bench/picocache-bench-redis --benchmark_repetitions=5
//       --benchmark_report_aggregates_only=true   (one command line)
#include "entry_check.hpp"
#include "redis_server.hpp"
#include "store_only.hpp"
#include "stores/entry_envelope.hpp"
#include "working_set_rows.hpp"

#include <picocache/picocache.hpp>

#include <benchmark/benchmark.h>
#include <hiredis/hiredis.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using bench::Row;
using picocache::testing::RedisServer;

std::unique_ptr<RedisServer> server;

struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

// A raw hiredis connection, set up as the store sets up its own (TCP, same timeouts).
class RawConnection {
 public:
  RawConnection() {
    context_ = redisConnectWithTimeout("127.0.0.1", server->port(), timeval{0, 200000});
    if (context_ == nullptr || context_->err != 0) throw std::runtime_error("raw connect failed");
    redisSetTimeout(context_, timeval{1, 0});
  }
  ~RawConnection() { redisFree(context_); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  Reply get(const std::string& key) {
    const char* argv[2] = {"GET", key.data()};
    const std::size_t lengths[2] = {3, key.size()};
    return command(2, argv, lengths);
  }
  void set(const std::string& key, const std::string& value) {
    const char* argv[3] = {"SET", key.data(), value.data()};
    const std::size_t lengths[3] = {3, key.size(), value.size()};
    command(3, argv, lengths);
  }

 private:
  Reply command(int argc, const char** argv, const std::size_t* lengths) {
    Reply reply(static_cast<redisReply*>(redisCommandArgv(context_, argc, argv, lengths)));
    if (!reply) throw std::runtime_error("raw command failed");
    return reply;
  }

  redisContext* context_ = nullptr;
};

// What the store keeps for argument n: the envelope (write time, argument check) around the
// value memoize encodes, so the raw rows move as many bytes per GET.
std::string envelope_of(int n) {
  std::string arguments;
  picocache::Encoder encoder(arguments, picocache::EncodeMode::key);
  encoder.write(n);
  return picocache::pack_entry(picocache::detail::entry_check(arguments), 0,
                               bench::stored_bytes(n));
}

std::string raw_key(const char* role, int working_set, long n) {
  return std::string("bench:raw:") + role + ":" + std::to_string(working_set) + ":" +
         std::to_string(n);
}

void BM_RedisHit_Unbounded(benchmark::State& state) { bench::hits<Row::hit_unbounded>(state); }
void BM_RedisHit_HalfFull(benchmark::State& state) { bench::hits<Row::hit_half_full>(state); }
void BM_RedisMiss_Unbounded(benchmark::State& state) { bench::misses<Row::miss_unbounded>(state); }
void BM_RedisMiss_Evicting(benchmark::State& state) { bench::misses<Row::miss_evicting>(state); }

void BM_RawGet(benchmark::State& state) {
  const int working_set = static_cast<int>(state.range(0));
  RawConnection raw;
  static std::set<int> filled;
  if (filled.insert(working_set).second) {
    for (int n = 0; n < working_set; ++n) raw.set(raw_key("get", working_set, n), envelope_of(n));
  }
  std::vector<std::string> keys;
  for (int n : bench::shuffled(0, working_set)) keys.push_back(raw_key("get", working_set, n));
  std::size_t i = 0;
  for (auto _ : state) {
    Reply reply = raw.get(keys[i]);
    if (reply->type != REDIS_REPLY_STRING) {
      state.SkipWithError("raw key not found");
      break;
    }
    std::string copy(reply->str, reply->len);  // as the store copies the value out
    benchmark::DoNotOptimize(copy);
    if (++i == keys.size()) i = 0;
  }
}

void BM_RawGetSet(benchmark::State& state) {
  const int working_set = static_cast<int>(state.range(0));
  RawConnection raw;
  const std::string value = envelope_of(0);
  static long next = 0;  // no key repeats across this benchmark's runs
  for (auto _ : state) {
    const std::string key = raw_key("miss", working_set, ++next);
    benchmark::DoNotOptimize(raw.get(key));
    raw.set(key, value);
  }
}

BENCHMARK(BM_RedisHit_Unbounded)->Apply(bench::working_sets);
BENCHMARK(BM_RedisHit_HalfFull)->Apply(bench::working_sets);
BENCHMARK(BM_RawGet)->Apply(bench::working_sets);
BENCHMARK(BM_RedisMiss_Unbounded)->Apply(bench::working_sets);
BENCHMARK(BM_RedisMiss_Evicting)->Apply(bench::working_sets);
BENCHMARK(BM_RawGetSet)->Apply(bench::working_sets);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  if (auto reason = RedisServer::unavailable_reason()) {
    std::fprintf(stderr, "picocache-bench-redis: %s\n", reason->c_str());
    return RedisServer::in_ci() ? 1 : 0;
  }
  server = std::make_unique<RedisServer>();
  unsetenv("PICOCACHE_URL");  // the benchmark's own server, whatever the environment says
  picocache::configure(server->url());
  picocache::set_log_handler([](std::string_view line) {
    std::fprintf(stderr, "picocache-bench-redis: %.*s\n", static_cast<int>(line.size()),
                 line.data());
  });
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  server.reset();
  return 0;
}

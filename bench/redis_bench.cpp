// The Redis store's cost over Redis itself, measured in one run on one private redis-server
// (tests/unit's harness, a free loopback port), values of the same size (100 bytes):
//   BM_Hit_Memoize            a cached call that hits (encode, hash, one round trip of a
//                             pipelined GET and ZADD XX, verify the argument check, decode)
//   BM_Hit_StoreGet           the Redis store's get of an entry (the same round trip), no memoize
//   BM_Hit_RawGet             a raw hiredis GET of a value of the same size, copied out
//   BM_MissStore_Memoize      a cached call that misses and stores: the get round trip, then the
//                             put script (evicting at maxsize 1000) with the name's HSET pipelined
//   BM_MissStore_StorePut     the store's get (nil) then put, no memoize
//   BM_MissStore_RawGetSet    a raw hiredis GET (nil) then SET of a new key
// Targets: hit <= 1.2x the raw GET (a hit is one round trip, which is most of the cost);
// miss+store against GET+SET (two round trips each). Run a Release build:
//   build/bench/picocache-bench-redis --benchmark_repetitions=5
//       --benchmark_report_aggregates_only=true   (one command line)
#include "bench_payload.hpp"
#include "redis_server.hpp"
#include "store_calls.hpp"
#include "store_only.hpp"
#include "stores/store.hpp"
#include "stores/store_registry.hpp"

#include <picocache/picocache.hpp>

#include <benchmark/benchmark.h>
#include <hiredis/hiredis.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>

namespace {

using bench::kValueSize;
using bench::payload;
using bench::payload_fn;
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

  Reply command(int argc, const char** argv, const std::size_t* lengths) {
    Reply reply(static_cast<redisReply*>(redisCommandArgv(context_, argc, argv, lengths)));
    if (!reply) throw std::runtime_error("raw command failed");
    return reply;
  }

 private:
  redisContext* context_ = nullptr;
};

const picocache::FunctionRef direct_fn{"00112233445566778899aabbccddeeff", "bench::direct"};

void BM_Hit_Memoize(benchmark::State& state) {
  payload(7);  // stored
  for (auto _ : state) benchmark::DoNotOptimize(payload(7));
  if (payload_fn.hits() == 0) state.SkipWithError("no hits: is the server reachable?");
}
BENCHMARK(BM_Hit_Memoize);

void BM_Hit_StoreGet(benchmark::State& state) {
  auto store = picocache::open_store(server->url());
  const picocache::Key128 key{1, 2};
  put_value(*store, direct_fn, key, std::string(kValueSize, 'v'), 1000);
  for (auto _ : state) benchmark::DoNotOptimize(value_at(*store, direct_fn, key));
}
BENCHMARK(BM_Hit_StoreGet);

void BM_Hit_RawGet(benchmark::State& state) {
  RawConnection raw;
  const std::string key = "bench:raw:value";
  const std::string value(kValueSize, 'v');
  const char* set_argv[3] = {"SET", key.data(), value.data()};
  const std::size_t set_lengths[3] = {3, key.size(), value.size()};
  raw.command(3, set_argv, set_lengths);
  const char* argv[2] = {"GET", key.data()};
  const std::size_t lengths[2] = {3, key.size()};
  for (auto _ : state) {
    Reply reply = raw.command(2, argv, lengths);
    std::string copy(reply->str, reply->len);  // as the store copies the value out
    benchmark::DoNotOptimize(copy);
  }
}
BENCHMARK(BM_Hit_RawGet);

void BM_MissStore_Memoize(benchmark::State& state) {
  static long n = 1'000'000;
  for (auto _ : state) benchmark::DoNotOptimize(payload(++n));  // a new argument each time
}
BENCHMARK(BM_MissStore_Memoize);

void BM_MissStore_StorePut(benchmark::State& state) {
  auto store = picocache::open_store(server->url());
  const std::string value(kValueSize, 'v');
  static std::uint64_t n = 1'000'000;
  for (auto _ : state) {
    const picocache::Key128 key{++n, 3};
    benchmark::DoNotOptimize(value_at(*store, direct_fn, key));
    put_value(*store, direct_fn, key, value, 1000);
  }
}
BENCHMARK(BM_MissStore_StorePut);

void BM_MissStore_RawGetSet(benchmark::State& state) {
  RawConnection raw;
  const std::string value(kValueSize, 'v');
  static long n = 0;
  for (auto _ : state) {
    const std::string key = "bench:raw:" + std::to_string(++n);  // a new key: GET misses
    const char* get_argv[2] = {"GET", key.data()};
    const std::size_t get_lengths[2] = {3, key.size()};
    benchmark::DoNotOptimize(raw.command(2, get_argv, get_lengths));
    const char* set_argv[3] = {"SET", key.data(), value.data()};
    const std::size_t set_lengths[3] = {3, key.size(), value.size()};
    benchmark::DoNotOptimize(raw.command(3, set_argv, set_lengths));
  }
}
BENCHMARK(BM_MissStore_RawGetSet);

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

// What single-flight costs, in one run: two cached functions that differ only in
// FunctionOptions::single_flight, on SQLite and (when built with Redis) on a private
// redis-server.
//   BM_MissStore/<store>/<flight>  a cached call that misses and stores (every key new)
//   BM_Hit/<store>/<flight>        a hit over 10,000 stored keys in a shuffled order (more than
//                                  any batch), the hit path single-flight must not change
// On Redis each miss row also reports `commands`: commands the server received per call (INFO
// stats), the release of a stored key's lease included although it runs on the renewer thread.
// Targets: miss+store with single-flight <= 1.2x without on SQLite, at most one extra round trip
// on Redis; hits unchanged.
// Run a Release build:
//   build/bench/picocache-bench-single-flight --benchmark_repetitions=5
//       --benchmark_report_aggregates_only=true
#include "bench_payload.hpp"
#include "store_only.hpp"
#ifdef PICOCACHE_BENCH_REDIS
#include "redis_server.hpp"

#include <hiredis/hiredis.h>
#endif

#include <picocache/picocache.hpp>

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

constexpr long kWorkingSet = 10000;

std::string flighted(long n);
picocache::CachedFunction flighted_fn{picocache::address_of(&flighted), "bench::flighted",
                                      "std::string (long)", picocache::unbounded, false};
std::string flighted(long n) {
  return picocache::memoize<std::string>(
      flighted_fn, [&](picocache::Encoder& e) { e.write(n); },
      [&]() { return bench::make_payload(n); });
}

std::string unflighted(long n);
picocache::CachedFunction unflighted_fn{picocache::address_of(&unflighted),
                                        "bench::unflighted",
                                        "std::string (long)",
                                        picocache::unbounded,
                                        false,
                                        picocache::FunctionOptions{false}};
std::string unflighted(long n) {
  return picocache::memoize<std::string>(
      unflighted_fn, [&](picocache::Encoder& e) { e.write(n); },
      [&]() { return bench::make_payload(n); });
}

using Call = std::string (*)(long);

std::string sqlite_url() {
  static const std::string url = [] {
    std::string dir =
        (std::filesystem::temp_directory_path() / "picocache-bench-sf-XXXXXX").string();
    if (!mkdtemp(dir.data())) throw std::runtime_error("mkdtemp failed");
    return "sqlite:" + dir + "/bench.db";
  }();
  return url;
}

#ifdef PICOCACHE_BENCH_REDIS
std::unique_ptr<picocache::testing::RedisServer> server;

// Commands clients have sent so far (INFO stats: total_commands_processed; a script's own
// calls are not counted, and neither are pipelined commands apart from their round trip).
double redis_commands() {
  redisContext* context = redisConnect("127.0.0.1", server->port());
  auto* reply = static_cast<redisReply*>(redisCommand(context, "INFO stats"));
  const std::string text(reply->str, reply->len);
  const std::size_t at = text.find("total_commands_processed:");
  const double total = std::stod(text.substr(at + 25));
  freeReplyObject(reply);
  redisFree(context);
  return total;
}
#endif

void use_store(const std::string& url) {
  static std::string current;
  if (url != current) picocache::configure(url);
  current = url;
}

void miss_store(benchmark::State& state, const std::string& url, Call call,
                [[maybe_unused]] bool redis) {
  use_store(url);
  static long next = 1000000;
#ifdef PICOCACHE_BENCH_REDIS
  const double commands_before = redis ? redis_commands() : 0;
#endif
  for (auto _ : state) benchmark::DoNotOptimize(call(next++));
#ifdef PICOCACHE_BENCH_REDIS
  if (redis) {
    usleep(500000);  // the renewer thread's deferred lease releases
    // The INFO connection's own command counts once.
    state.counters["commands"] =
        (redis_commands() - commands_before - 1) / static_cast<double>(state.iterations());
  }
#endif
}

void hit(benchmark::State& state, const std::string& url, Call call) {
  use_store(url);
  std::vector<long> order(kWorkingSet);
  std::iota(order.begin(), order.end(), 0L);
  for (const long n : order) call(n);  // stored once; every call below hits
  std::shuffle(order.begin(), order.end(), std::mt19937(42));
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(call(order[i]));
    if (++i == order.size()) i = 0;
  }
}

void register_store(const std::string& name, const std::string& url, bool redis) {
  for (const auto& [flight, call] : {std::pair{std::string("single_flight"), &flighted},
                                     std::pair{std::string("no_single_flight"), &unflighted}}) {
    Call target = call;
    benchmark::RegisterBenchmark(
        ("BM_MissStore/" + name + "/" + flight).c_str(),
        [=](benchmark::State& state) { miss_store(state, url, target, redis); });
  }
  for (const auto& [flight, call] : {std::pair{std::string("single_flight"), &flighted},
                                     std::pair{std::string("no_single_flight"), &unflighted}}) {
    Call target = call;
    benchmark::RegisterBenchmark(("BM_Hit/" + name + "/" + flight).c_str(),
                                 [=](benchmark::State& state) { hit(state, url, target); });
  }
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  register_store("sqlite", sqlite_url(), false);
#ifdef PICOCACHE_BENCH_REDIS
  if (!picocache::testing::RedisServer::unavailable_reason()) {
    server = std::make_unique<picocache::testing::RedisServer>();
    register_store("redis", server->url(), true);
  }
#endif
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
#ifdef PICOCACHE_BENCH_REDIS
  server.reset();
#endif
  return 0;
}

// The Memcached store's hit against memcached itself, on one private memcached (tests/unit's
// harness, a free loopback port), over a working set of 10,000 keys visited in a shuffled order:
//   BM_Hit_Memoize        a cached call that hits: encode, hash, one GET (the generation is
//                         cached per process), unpack, verify the argument check, decode
//   BM_Hit_StoreGet       the store's get of the same entries, no memoize
//   BM_Hit_RawGet         a raw libmemcached GET of the same keys (the value copied out)
// Target: hit <= 1.2x the raw GET. Run a Release build:
//   build/bench/picocache-bench-memcached --benchmark_repetitions=5
//       --benchmark_report_aggregates_only=true   (one command line)
#include "memcached_server.hpp"
#include "store_calls.hpp"
#include "stores/store.hpp"
#include "stores/store_registry.hpp"

#include <picocache/picocache.hpp>

#include <benchmark/benchmark.h>
#include <libmemcached/memcached.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace {

using picocache::testing::MemcachedServer;

constexpr long kWorkingSet = 10'000;
std::unique_ptr<MemcachedServer> server;

std::string make_value(long n) {
  std::string text = std::to_string(n);
  text.resize(90, 'x');
  return text;
}

std::string value_of(long n);
picocache::CachedFunction value_fn{picocache::address_of(&value_of), "bench::mc_value",
                                   "std::string (long)", 20'000, false};
std::string value_of(long n) {
  return picocache::memoize<std::string>(
      value_fn, [&](picocache::Encoder& e) { e.write(n); }, [&]() { return make_value(n); });
}

std::vector<long> shuffled_keys() {
  std::vector<long> keys(kWorkingSet);
  for (long i = 0; i < kWorkingSet; ++i) keys[static_cast<std::size_t>(i)] = i;
  std::shuffle(keys.begin(), keys.end(), std::mt19937(42));
  return keys;
}

const picocache::FunctionRef direct_fn{"00112233445566778899aabbccddeeff", "bench::direct"};

picocache::Key128 key_of(long n) { return picocache::hash_key(std::to_string(n)); }

void BM_Hit_Memoize(benchmark::State& state) {
  const std::vector<long> keys = shuffled_keys();
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(value_of(keys[i++ % keys.size()]));
  if (value_fn.hits() == 0) state.SkipWithError("no hits: is the server reachable?");
}
BENCHMARK(BM_Hit_Memoize);

void BM_Hit_StoreGet(benchmark::State& state) {
  auto store = picocache::open_store(server->url());
  const std::vector<long> keys = shuffled_keys();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(value_at(*store, direct_fn, key_of(keys[i++ % keys.size()])));
  }
}
BENCHMARK(BM_Hit_StoreGet);

void BM_Hit_RawGet(benchmark::State& state) {
  memcached_st* memc = memcached_create(nullptr);
  memcached_server_add(memc, "127.0.0.1", static_cast<in_port_t>(server->port()));
  memcached_behavior_set(memc, MEMCACHED_BEHAVIOR_TCP_NODELAY, 1);
  const std::vector<long> keys = shuffled_keys();
  std::vector<std::string> names;
  names.reserve(keys.size());
  for (long n : keys) {
    names.push_back("raw:" + key_of(n).to_hex());
    const std::string value(100, 'v');
    memcached_set(memc, names.back().data(), names.back().size(), value.data(), value.size(), 0, 0);
  }
  std::size_t i = 0;
  for (auto _ : state) {
    const std::string& name = names[i++ % names.size()];
    std::size_t length = 0;
    std::uint32_t flags = 0;
    memcached_return_t rc;
    char* value = memcached_get(memc, name.data(), name.size(), &length, &flags, &rc);
    if (value == nullptr) state.SkipWithError("raw miss");
    std::string copy(value, length);
    benchmark::DoNotOptimize(copy);
    std::free(value);
  }
  memcached_free(memc);
}
BENCHMARK(BM_Hit_RawGet);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  if (auto reason = MemcachedServer::unavailable_reason()) {
    std::fprintf(stderr, "picocache-bench-memcached: %s\n", reason->c_str());
    return MemcachedServer::in_ci() ? 1 : 0;
  }
  server = std::make_unique<MemcachedServer>();
  unsetenv("PICOCACHE_URL");
  picocache::configure(server->url());
  picocache::set_log_handler([](std::string_view line) {
    std::fprintf(stderr, "picocache-bench-memcached: %.*s\n", static_cast<int>(line.size()),
                 line.data());
  });
  {  // the working set, stored once through both paths
    auto store = picocache::open_store(server->url());
    for (long n = 0; n < kWorkingSet; ++n) {
      value_of(n);
      put_value(*store, direct_fn, key_of(n), make_value(n), 20'000);
    }
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  picocache::configure("sqlite::memory:");  // writes the remembered hits while the server runs
  server.reset();
  return 0;
}

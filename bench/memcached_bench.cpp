// The Memcached store's hit against memcached itself, on one private memcached (tests/unit's
// harness, a free loopback port), over a working set of 10,000 keys visited in a shuffled order
// (store_hit_bench.hpp: BM_Hit_Memoize, where a hit is one GET since the generation is cached
// per process, and BM_Hit_StoreGet), against:
//   BM_Hit_RawGet         a raw libmemcached GET of the same keys (the value copied out)
// Target: hit <= 1.2x the raw GET. Run a Release build:
//   build/bench/picocache-bench-memcached --benchmark_repetitions=5
//       --benchmark_report_aggregates_only=true   (one command line)
#include "memcached_server.hpp"
#include "store_hit_bench.hpp"
#include "store_only.hpp"

#include <picocache/picocache.hpp>

#include <benchmark/benchmark.h>
#include <libmemcached/memcached.h>

#include <cstdlib>
#include <string>
#include <vector>

namespace {

using picocache::testing::MemcachedServer;

std::string value_of(long n);
picocache::CachedFunction value_fn{picocache::address_of(&value_of), "bench::mc_value",
                                   "std::string (long)", 20'000, false};
std::string value_of(long n) {
  return picocache::memoize<std::string>(
      value_fn, [&](picocache::Encoder& e) { e.write(n); },
      [&]() { return bench::make_payload(n); });
}

void raw_get(benchmark::State& state, const MemcachedServer& server) {
  memcached_st* memc = memcached_create(nullptr);
  memcached_server_add(memc, "127.0.0.1", static_cast<in_port_t>(server.port()));
  memcached_behavior_set(memc, MEMCACHED_BEHAVIOR_TCP_NODELAY, 1);
  const std::vector<long> keys = bench::shuffled_keys();
  std::vector<std::string> names;
  names.reserve(keys.size());
  for (long n : keys) {
    names.push_back("raw:" + bench::key_of(n).to_hex());
    const std::string value(bench::kValueSize, 'v');
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

}  // namespace

int main(int argc, char** argv) {
  return bench::run_hit_benchmarks<MemcachedServer>(
      argc, argv,
      {"picocache-bench-memcached", &value_of, &value_fn, 20'000, "BM_Hit_RawGet", &raw_get});
}

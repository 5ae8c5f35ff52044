// What the PostgreSQL and Memcached hit benchmarks share (all but their raw baseline): a private
// server from tests/unit's harness, a working set of 10,000 keys visited in a shuffled order,
// stored once through memoize and once through the store directly, and two benchmarks on it:
//   BM_Hit_Memoize        a cached call that hits: encode, hash, the store's get, verify the
//                         argument check, decode
//   BM_Hit_StoreGet       the store's get of the same entries, no memoize
// then the bench's own raw baseline. Each bench's main is run_hit_benchmarks<Server>(...).
#pragma once

#include "bench_payload.hpp"
#include "store_calls.hpp"
#include "stores/store.hpp"
#include "stores/store_registry.hpp"

#include <picocache/picocache.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace bench {

constexpr long kWorkingSet = 10'000;

// 0..kWorkingSet-1 in one fixed shuffled order.
inline std::vector<long> shuffled_keys() {
  std::vector<long> keys(kWorkingSet);
  for (long i = 0; i < kWorkingSet; ++i) keys[static_cast<std::size_t>(i)] = i;
  std::shuffle(keys.begin(), keys.end(), std::mt19937(42));
  return keys;
}

// The function the store-level benchmark reads, and the key of argument n.
inline const picocache::FunctionRef kDirectFunction{"00112233445566778899aabbccddeeff",
                                                    "bench::direct"};
inline picocache::Key128 key_of(long n) { return picocache::hash_key(std::to_string(n)); }

// One bench: its program name (for messages), its memoized function (returning make_payload(n))
// with that function's maxsize, and its raw baseline, given the running server.
template <class Server>
struct HitBenchmarks {
  const char* program;
  std::string (*cached)(long);
  const picocache::CachedFunction* cached_fn;
  std::uint64_t maxsize;
  const char* raw_name;
  void (*raw)(benchmark::State&, const Server&);
};

// A bench's main: starts the server (exits 0 saying why when it is not installed, 1 under
// CI=true), configures the process's store to it, stores the working set, registers and runs
// the benchmarks, and stops the server.
template <class Server>
int run_hit_benchmarks(int argc, char** argv, const HitBenchmarks<Server>& spec) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  if (auto reason = Server::unavailable_reason()) {
    std::fprintf(stderr, "%s: %s\n", spec.program, reason->c_str());
    return Server::in_ci() ? 1 : 0;
  }
  auto server = std::make_unique<Server>();
  const std::string url = server->url();
  unsetenv("PICOCACHE_URL");
  picocache::configure(url);
  picocache::set_log_handler([&spec](std::string_view line) {
    std::fprintf(stderr, "%s: %.*s\n", spec.program, static_cast<int>(line.size()), line.data());
  });
  try {  // the working set, stored once through both paths
    auto store = picocache::open_store(url);
    for (long n = 0; n < kWorkingSet; ++n) {
      spec.cached(n);
      put_value(*store, kDirectFunction, key_of(n), make_payload(n), spec.maxsize);
    }
  } catch (const picocache::StoreError& error) {
    std::fprintf(stderr, "%s: storing the working set failed: %s\n", spec.program, error.what());
    return 1;
  }
  const std::vector<long> keys = shuffled_keys();
  benchmark::RegisterBenchmark("BM_Hit_Memoize", [&](benchmark::State& state) {
    std::size_t i = 0;
    for (auto _ : state) benchmark::DoNotOptimize(spec.cached(keys[i++ % keys.size()]));
    if (spec.cached_fn->hits() == 0) state.SkipWithError("no hits: is the server reachable?");
  });
  benchmark::RegisterBenchmark("BM_Hit_StoreGet", [&](benchmark::State& state) {
    auto store = picocache::open_store(url);
    std::size_t i = 0;
    for (auto _ : state) {
      benchmark::DoNotOptimize(value_at(*store, kDirectFunction, key_of(keys[i++ % keys.size()])));
    }
  });
  benchmark::RegisterBenchmark(spec.raw_name,
                               [&](benchmark::State& state) { spec.raw(state, *server); });
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  picocache::configure("sqlite::memory:");  // writes the remembered hits while the server runs
  server.reset();
  return 0;
}

}  // namespace bench

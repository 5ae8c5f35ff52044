// The in-process tier's cost (issue #15), on one thread, for a function of an `int` returning a
// 64-byte std::string, with working sets of 100, 10,000 and 100,000 keys hit in a shuffled order:
//   BM_TierHit/W           a hit through memoize answered by the tier (hash, lookup, argument
//                          comparison, copy of the stored bytes, decode), SQLite store behind it,
//                          of a maxsize=none function holding the W keys
//   BM_TierHit_HalfFull/W  the same for a function of maxsize W/2 after all W keys were called,
//                          timed over the W/2 it keeps (the last W/2: the tier's order is exact
//                          LRU), so that each hit also moves its entry to the front
//   BM_UnorderedMapHit/W   a std::unordered_map<int, std::string> lookup and copy of the same
//                          values: what a hand-written memo costs
// Target: BM_TierHit at most 0.25 us (within 3x of functools.lru_cache's 0.08 us).
// Run (a Release or RelWithDebInfo build):
//   build/bench/picocache-bench-memory-tier --benchmark_repetitions=5
//       --benchmark_report_aggregates_only=true --benchmark_enable_random_interleaving=true
#include "working_set_rows.hpp"

#include <picocache/picocache.hpp>

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

using bench::Row;

void configure_once() {
  static const bool configured = [] {
    std::string dir = (std::filesystem::temp_directory_path() / "picocache-tier-XXXXXX").string();
    if (!mkdtemp(dir.data())) throw std::runtime_error("mkdtemp failed");
    picocache::configure("sqlite:" + dir + "/bench.db");
    return true;
  }();
  static_cast<void>(configured);
}

// Times calls of `keys` in turn, each of which the tier must answer.
void tier_hits(benchmark::State& state, const bench::Cached& cached, const std::vector<int>& keys) {
  const std::uint64_t before = picocache::store_counters().memory_hits;
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(cached.call(keys[i]));
    if (++i == keys.size()) i = 0;
  }
  const std::uint64_t answered = picocache::store_counters().memory_hits - before;
  if (answered != static_cast<std::uint64_t>(state.iterations())) {
    state.SkipWithError("a timed call was not answered by the tier");
  }
}

void BM_TierHit(benchmark::State& state) {
  configure_once();
  const int working_set = static_cast<int>(state.range(0));
  const bench::Cached cached = bench::cached<Row::hit_unbounded>(working_set);
  bench::fill_once(cached, working_set);
  tier_hits(state, cached, bench::shuffled(0, working_set));
}

void BM_TierHit_HalfFull(benchmark::State& state) {
  configure_once();
  const int working_set = static_cast<int>(state.range(0));
  const bench::Cached cached = bench::cached<Row::hit_half_full>(working_set);
  bench::fill_once(cached, working_set);
  tier_hits(state, cached, bench::shuffled(working_set / 2, working_set / 2));
}

void BM_UnorderedMapHit(benchmark::State& state) {
  const int working_set = static_cast<int>(state.range(0));
  std::unordered_map<int, std::string> memo;
  for (int n = 0; n < working_set; ++n) memo.emplace(n, bench::make_result(n));
  const std::vector<int> keys = bench::shuffled(0, working_set);
  std::size_t i = 0;
  for (auto _ : state) {
    std::string copy = memo.find(keys[i])->second;
    benchmark::DoNotOptimize(copy);
    if (++i == keys.size()) i = 0;
  }
}

BENCHMARK(BM_TierHit)->Apply(bench::working_sets);
BENCHMARK(BM_TierHit_HalfFull)->Apply(bench::working_sets);
BENCHMARK(BM_UnorderedMapHit)->Apply(bench::working_sets);

}  // namespace

BENCHMARK_MAIN();

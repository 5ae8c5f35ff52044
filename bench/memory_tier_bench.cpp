// The in-process tier's cost (issue #15), on one thread, for a function of an `int` returning a
// 64-byte std::string, with working sets of 100, 10,000 and 100,000 keys hit in a shuffled order:
//   BM_TierHit/W          a hit through memoize answered by the tier (hash, lookup, argument
//                         comparison, copy of the stored bytes, decode), SQLite store behind it
//   BM_UnorderedMapHit/W  a std::unordered_map<int, std::string> lookup and copy of the same
//                         values: what a hand-written memo costs
// Target: BM_TierHit at most 0.25 us (within 3x of functools.lru_cache's 0.08 us).
// Run (a Release or RelWithDebInfo build):
//   build/bench/picocache-bench-memory-tier --benchmark_repetitions=5
//       --benchmark_report_aggregates_only=true
#include <picocache/picocache.hpp>

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

constexpr std::size_t kResultSize = 64;

std::string make_result(int n) {
  std::string text = std::to_string(n);
  text.resize(kResultSize, 'x');
  return text;
}

std::vector<int> shuffled(int count) {
  std::vector<int> keys(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) keys[static_cast<std::size_t>(i)] = i;
  std::shuffle(keys.begin(), keys.end(), std::mt19937(42));
  return keys;
}

template <int kWorkingSet>
std::string value_of(int n);

template <int kWorkingSet>
picocache::CachedFunction& function_of() {
  static const std::string name = "bench::tier_value_of<" + std::to_string(kWorkingSet) + ">";
  static picocache::CachedFunction fn{picocache::address_of(&value_of<kWorkingSet>), name.c_str(),
                                      "std::string (int)", picocache::unbounded, false};
  return fn;
}

template <int kWorkingSet>
std::string value_of(int n) {
  return picocache::memoize<std::string>(
      function_of<kWorkingSet>(), [&](picocache::Encoder& e) { e.write(n); },
      [&]() { return make_result(n); });
}

using Call = std::string (*)(int);

Call call_for(std::int64_t working_set) {
  switch (working_set) {
    case 100:
      return &value_of<100>;
    case 10'000:
      return &value_of<10'000>;
    case 100'000:
      return &value_of<100'000>;
    default:
      throw std::invalid_argument("no cached function for this working set");
  }
}

void configure_once() {
  static const bool configured = [] {
    std::string dir = (std::filesystem::temp_directory_path() / "picocache-tier-XXXXXX").string();
    if (!mkdtemp(dir.data())) throw std::runtime_error("mkdtemp failed");
    picocache::configure("sqlite:" + dir + "/bench.db");
    return true;
  }();
  static_cast<void>(configured);
}

void BM_TierHit(benchmark::State& state) {
  configure_once();
  const int working_set = static_cast<int>(state.range(0));
  const Call call = call_for(working_set);
  for (int n = 0; n < working_set; ++n) benchmark::DoNotOptimize(call(n));  // stored, kept
  const std::vector<int> keys = shuffled(working_set);
  const std::uint64_t before = picocache::store_counters().memory_hits;
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(call(keys[i]));
    if (++i == keys.size()) i = 0;
  }
  const std::uint64_t answered = picocache::store_counters().memory_hits - before;
  if (answered != static_cast<std::uint64_t>(state.iterations())) {
    state.SkipWithError("a timed call was not answered by the tier");
  }
}

void BM_UnorderedMapHit(benchmark::State& state) {
  const int working_set = static_cast<int>(state.range(0));
  std::unordered_map<int, std::string> memo;
  for (int n = 0; n < working_set; ++n) memo.emplace(n, make_result(n));
  const std::vector<int> keys = shuffled(working_set);
  std::size_t i = 0;
  for (auto _ : state) {
    std::string copy = memo.find(keys[i])->second;
    benchmark::DoNotOptimize(copy);
    if (++i == keys.size()) i = 0;
  }
}

BENCHMARK(BM_TierHit)->Arg(100)->Arg(10'000)->Arg(100'000);
BENCHMARK(BM_UnorderedMapHit)->Arg(100)->Arg(10'000)->Arg(100'000);

}  // namespace

BENCHMARK_MAIN();

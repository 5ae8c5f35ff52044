// The rows every store's working-set benchmark shares (issue #15): a function of an `int`
// returning a 64-byte std::string, one cached function per (row, working set) so that no row
// disturbs another's entries, the working sets of 100, 10,000 and 100,000 keys in a fixed
// shuffled order, and the timed loops:
//   hits<Row::hit_unbounded>     hits of a maxsize=none function holding the W keys
//   hits<Row::hit_half_full>     hits of a function of maxsize W/2 after all W keys were stored,
//                                timed over the W/2 resident keys (whichever the store kept)
//   misses<Row::miss_unbounded>  misses that store (keys never seen) into a maxsize=none function
//                                already holding W keys
//   misses<Row::miss_evicting>   the same into a full function of maxsize W/2: each evicts one
// Each store's bench adds its raw baselines over values of stored_bytes()'s size.
#pragma once

#include <picocache/picocache.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace bench {

constexpr std::size_t kResultSize = 64;  // the cached function's std::string, in bytes

inline std::string make_result(int n) {
  std::string text = std::to_string(n);
  text.resize(kResultSize, 'x');
  return text;
}

// As many bytes as memoize stores for one value (header, length byte, the string), for the raw
// tables to hold rows of the same size.
inline std::string stored_bytes(int n) {
  return std::string(picocache::detail::value_header_size, 'h') + static_cast<char>(kResultSize) +
         make_result(n);
}

// The keys first..first+count-1 in a fixed shuffled order.
inline std::vector<int> shuffled(int first, int count) {
  std::vector<int> keys(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) keys[static_cast<std::size_t>(i)] = first + i;
  std::shuffle(keys.begin(), keys.end(), std::mt19937(42));
  return keys;
}

// One cached function per (row, working set), so that no row disturbs another's entries; its
// maxsize is none or half the working set.
enum class Row { hit_unbounded, hit_half_full, miss_unbounded, miss_evicting };

template <Row kRow, int kWorkingSet>
std::string value_of(int n);

template <Row kRow, int kWorkingSet>
picocache::CachedFunction& function_of() {
  static const std::string name = "bench::value_of<" + std::to_string(static_cast<int>(kRow)) +
                                  "," + std::to_string(kWorkingSet) + ">";
  constexpr bool kBounded = kRow == Row::hit_half_full || kRow == Row::miss_evicting;
  static picocache::CachedFunction fn{picocache::address_of(&value_of<kRow, kWorkingSet>),
                                      name.c_str(), "std::string (int)",
                                      kBounded ? kWorkingSet / 2 : picocache::unbounded, false};
  return fn;
}

template <Row kRow, int kWorkingSet>
std::string value_of(int n) {
  return picocache::memoize<std::string>(
      function_of<kRow, kWorkingSet>(), [&](picocache::Encoder& e) { e.write(n); },
      [&]() { return make_result(n); });
}

struct Cached {
  std::string (*call)(int);
  picocache::CachedFunction* fn;
};

template <Row kRow>
Cached cached(std::int64_t working_set) {
  switch (working_set) {
    case 100:
      return {&value_of<kRow, 100>, &function_of<kRow, 100>()};
    case 10'000:
      return {&value_of<kRow, 10'000>, &function_of<kRow, 10'000>()};
    case 100'000:
      return {&value_of<kRow, 100'000>, &function_of<kRow, 100'000>()};
    default:
      throw std::invalid_argument("no cached function for this working set");
  }
}

// Stores keys 0..W-1 once per function (a later run of the benchmark finds them stored).
inline void fill_once(const Cached& cached, int working_set) {
  static std::map<const picocache::CachedFunction*, bool> filled;
  if (filled[cached.fn]) return;
  filled[cached.fn] = true;
  for (int n = 0; n < working_set; ++n) benchmark::DoNotOptimize(cached.call(n));
}

// Those of `keys` whose calls the store answers, in the same order: looked up as memoize does,
// without running or storing anything on a miss.
inline std::vector<int> resident(const Cached& cached, const std::vector<int>& keys) {
  std::vector<int> held;
  for (const int n : keys) {
    std::string arguments;
    picocache::Encoder encoder(arguments, cached.fn->typed() ? picocache::EncodeMode::typed_key
                                                             : picocache::EncodeMode::key);
    encoder.write(n);
    std::optional<std::string> found;
    if (picocache::detail::lookup(*cached.fn, picocache::hash_key(arguments), arguments,
                                  &picocache::detail::decode_into<std::string>, &found)) {
      held.push_back(n);
    }
  }
  return held;
}

template <Row kRow>
void hits(benchmark::State& state) {
  const int working_set = static_cast<int>(state.range(0));
  const Cached c = cached<kRow>(working_set);
  fill_once(c, working_set);
  // A maxsize of W/2 keeps W/2 of the keys, not always the last ones (a store may evict by
  // sampling): the timed hits are over those it holds.
  const std::vector<int> keys =
      kRow == Row::hit_unbounded ? shuffled(0, working_set) : resident(c, shuffled(0, working_set));
  const std::uint64_t misses_before = c.fn->misses();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(c.call(keys[i]));
    if (++i == keys.size()) i = 0;
  }
  if (c.fn->misses() != misses_before) state.SkipWithError("a timed call missed");
}

template <Row kRow>
void misses(benchmark::State& state) {
  const int working_set = static_cast<int>(state.range(0));
  const Cached c = cached<kRow>(working_set);
  fill_once(c, working_set);
  static std::map<const picocache::CachedFunction*, int> next_key;
  int& next = next_key.try_emplace(c.fn, working_set).first->second;
  const std::uint64_t hits_before = c.fn->hits();
  for (auto _ : state) benchmark::DoNotOptimize(c.call(next++));
  if (c.fn->hits() != hits_before) state.SkipWithError("a timed call hit");
}

inline void working_sets(benchmark::internal::Benchmark* benchmark) {
  benchmark->Arg(100)->Arg(10'000)->Arg(100'000);
}
}  // namespace bench

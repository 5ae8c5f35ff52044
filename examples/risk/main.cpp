// PicoCache demo: run it twice. The first run simulates (seconds); the second answers from
// ./picocache.db at once, in a new process.
#include "risk.hpp"

#include <picocache/picocache.hpp>

#include <chrono>
#include <cstdio>

int main() {
  using risk::Asset;
  const risk::Portfolio portfolios[] = {
      {"cautious", {Asset{"BOND", 0.7, 0.03, 0.05}, Asset{"WORLD", 0.3, 0.07, 0.16}}},
      {"balanced", {Asset{"BOND", 0.4, 0.03, 0.05}, Asset{"WORLD", 0.6, 0.07, 0.16}}},
      {"bold", {Asset{"WORLD", 0.6, 0.07, 0.16}, Asset{"TECH", 0.4, 0.10, 0.30}}},
  };

  const auto start = std::chrono::steady_clock::now();
  for (const risk::Portfolio& p : portfolios) {
    const auto t0 = std::chrono::steady_clock::now();
    const risk::RiskReport r = risk::simulate(p, 10, 80000);
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - t0;
    std::printf(
        "%-9s 10 years: mean x%.2f, chance of loss %4.1f%%, p5/p50/p95 x%.2f/x%.2f/x%.2f  (%.3f "
        "s)\n",
        p.name.c_str(), r.mean_final_value, 100 * r.chance_of_loss, r.percentiles[0],
        r.percentiles[1], r.percentiles[2], took.count());
  }
  const std::chrono::duration<double> total = std::chrono::steady_clock::now() - start;

  const picocache::CacheInfo info = picocache::cache_info(&risk::simulate);
  std::printf("total %.3f s; cache_info: hits=%llu misses=%llu maxsize=%llu currsize=%llu\n",
              total.count(), static_cast<unsigned long long>(info.hits),
              static_cast<unsigned long long>(info.misses),
              static_cast<unsigned long long>(info.maxsize.value_or(0)),
              static_cast<unsigned long long>(info.currsize));
  return 0;
}

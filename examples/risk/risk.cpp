// A deliberately expensive, deterministic Monte Carlo simulation: the function worth caching.
#include "risk.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace risk {
namespace {

// A small deterministic generator, so a run's result depends only on the arguments.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double normal() {  // Box-Muller
    double u1 = std::max(uniform(), 1e-300);
    double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

 private:
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::uint64_t state_;
};

double percentile(const std::vector<double>& sorted, double p) {
  return sorted[static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1))];
}

}  // namespace

[[picocache::cached(maxsize = 64)]]
RiskReport simulate(const Portfolio& portfolio, int years, int paths) {
  SplitMix64 random(static_cast<std::uint64_t>(years) * 1000003u +
                    static_cast<std::uint64_t>(paths));
  const int months = years * 12;
  std::vector<double> finals(static_cast<std::size_t>(paths));
  for (double& final_value : finals) {
    double value = 1.0;
    for (int m = 0; m < months; ++m) {
      double monthly = 0;
      for (const Asset& a : portfolio.assets) {
        double mu = a.annual_return / 12.0;
        double sigma = a.annual_volatility / std::sqrt(12.0);
        monthly += a.weight * (mu + sigma * random.normal());
      }
      value *= 1.0 + monthly;
    }
    final_value = value;
  }
  std::sort(finals.begin(), finals.end());
  RiskReport report;
  double sum = 0;
  for (double v : finals) sum += v;
  report.mean_final_value = sum / static_cast<double>(finals.size());
  report.chance_of_loss =
      static_cast<double>(std::lower_bound(finals.begin(), finals.end(), 1.0) - finals.begin()) /
      static_cast<double>(finals.size());
  report.worst_final_value = finals.front();
  report.percentiles = {percentile(finals, 0.05), percentile(finals, 0.50),
                        percentile(finals, 0.95)};
  return report;
}

}  // namespace risk

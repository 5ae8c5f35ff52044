// The demo's model: a portfolio of assets and the risk report a simulation produces.
#pragma once

#include <string>
#include <vector>

namespace risk {

struct Asset {
  std::string ticker;
  double weight = 0;             // share of the portfolio
  double annual_return = 0;      // expected, e.g. 0.07
  double annual_volatility = 0;  // standard deviation, e.g. 0.18
};

struct Portfolio {
  std::string name;
  std::vector<Asset> assets;
};

struct RiskReport {
  double mean_final_value = 0;  // of 1.0 invested
  double chance_of_loss = 0;    // share of paths that end below 1.0
  double worst_final_value = 0;
  std::vector<double> percentiles;  // 5th, 50th, 95th of the final value
};

// Simulates `paths` random monthly paths over `years` and summarises the final values.
// Deterministic: the same arguments always give the same report. Takes seconds: cached.
[[picocache::cached(maxsize = 64)]]
RiskReport simulate(const Portfolio& portfolio, int years, int paths);

}  // namespace risk

// Prints results that depend on the 64-bit field and on the recursion; the driver runs it twice.
#include "sensor.hpp"

#include <cstdio>

int main() {
  Sample sample;
  sample.id = 7;
  sample.reading = 3000000000LL;
  const Sample calibrated = calibrate(sample);
  std::printf("calibrated reading %lld (id %d, sizeof %zu)\n",
              static_cast<long long>(calibrated.reading), static_cast<int>(calibrated.id),
              sizeof(Sample));
  std::printf("steps(6) = %ld\n", steps(6));
  std::printf("steps(12) = %ld\n", steps(12));
  const Gauge gauge(5);
  std::printf("scaled(4) = %ld\n", gauge.scaled(4));
  std::printf("%.1f C\n", to_celsius(212.0));
  return 0;
}

// The record the cached functions take and return; its layout depends on the flags.
#pragma once

#include <cstdint>

struct Sample {
  std::int32_t id = 0;
#if SENSOR_WIDE
  std::int64_t reading = 0;  // readings beyond 32 bits
#else
  std::int32_t reading = 0;
#endif
#ifndef NDEBUG
  std::int32_t debug_serial = 0;  // Debug builds only: absent in Release (-DNDEBUG)
#endif
};

// A class whose cached member (annotated at its definition in sensor.cpp) reads private state:
// this header is not rewritten.
class Gauge {
 public:
  explicit Gauge(std::int32_t scale) : scale_(scale) {}
  long scaled(int n) const;

 private:
  long offset() const { return 1; }
  std::int32_t scale_;
};

Sample calibrate(Sample sample);
long steps(int n);
double to_celsius(double fahrenheit);  // units.cpp, not cached

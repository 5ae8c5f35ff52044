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

Sample calibrate(Sample sample);
long steps(int n);
double to_celsius(double fahrenheit);  // units.cpp, not cached

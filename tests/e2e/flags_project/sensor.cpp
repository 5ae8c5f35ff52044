// The cached functions. Each body prints "body: <__func__>(...)" to stderr, so the driver counts
// the bodies that ran and sees that __func__ is the function's own name (a member's too).
#include "sensor.hpp"

#include <cstdio>

[[picocache::cached]] Sample calibrate(Sample sample) {
  std::fprintf(stderr, "body: %s(%d)\n", __func__, static_cast<int>(sample.id));
  sample.reading = sample.reading * 3 + sample.id;
  return sample;
}

// Collatz steps down to 1: recursive, every level goes through the cache.
[[picocache::cached]] long steps(int n) {
  std::fprintf(stderr, "body: %s(%d)\n", __func__, n);
  if (n <= 1) return 0;
  return 1 + steps(n % 2 == 0 ? n / 2 : 3 * n + 1);
}

// A const member defined out of line: __func__ is the member's name, the body reads a private
// member and calls a private helper.
[[picocache::cached]] long Gauge::scaled(int n) const {
  std::fprintf(stderr, "body: %s(%d)\n", __func__, n);
  return n * scale_ + offset();
}

// The project of tests/lit/gen/code_fingerprint.test: `compute` and what its code is made of.
#include <cassert>

#include "outside.hpp"
#include "util.hpp"

#define SCALE 3
constexpr int kOffset = 7;

static int helper(int x) { return x * 2; }

struct Options {
  int depth = 4;
};

[[picocache::cached(maxsize = 16)]] int compute(int n) {
  // a comment
  assert(n >= 0);
  Options options;
  auto twice = [](int v) { return v + v; };
  return helper(n) + util_twist(n) * SCALE + kOffset + twice(n) + options.depth + outside(n) +
         __LINE__;
}

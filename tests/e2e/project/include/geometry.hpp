// Cached geometry functions of the end-to-end project; each body logs "body: <name>" to stderr.
#pragma once

#include "units.hpp"

#include <string>
#include <vector>

namespace geo {

struct Point {
  double x = 0, y = 0;
};

struct Shape {
  std::string name;
  std::vector<Point> outline;
};

struct Measure {
  double area = 0;
  double perimeter = 0;
  std::vector<std::string> notes;
};

[[picocache::cached(maxsize = 16)]]
Measure measure(const Shape& shape);

[[picocache::cached]]
long fib(int n);

// Overloads never share entries. The single-flight keys reach the runtime (cache_parameters).
[[picocache::cached(single_flight = false)]] std::string describe(int sides);
[[picocache::cached(lock_timeout = "90s")]] std::string describe(const std::string& name);

}  // namespace geo

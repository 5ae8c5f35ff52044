#include "geometry.hpp"

#include <cmath>
#include <cstdio>

namespace geo {

Measure measure(const Shape& shape) {
  std::fprintf(stderr, "body: measure(%s)\n", shape.name.c_str());
  Measure m;
  const std::size_t n = shape.outline.size();
  for (std::size_t i = 0; i < n; ++i) {
    const Point& a = shape.outline[i];
    const Point& b = shape.outline[(i + 1) % n];
    m.area += a.x * b.y - b.x * a.y;
    m.perimeter += std::hypot(b.x - a.x, b.y - a.y);
  }
  m.area = std::fabs(m.area) / 2 * kScale * kScale;
  m.perimeter *= kScale;
  m.notes.push_back(shape.name + " has " + std::to_string(n) + " corners");
  return m;
}

long fib(int n) {
  std::fprintf(stderr, "body: fib(%d)\n", n);
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

std::string describe(int sides) {
  std::fprintf(stderr, "body: describe(int %d)\n", sides);
  return "a polygon with " + std::to_string(sides) + " sides";
}

std::string describe(const std::string& name) {
  std::fprintf(stderr, "body: describe(string %s)\n", name.c_str());
  return "a shape called " + name;
}

}  // namespace geo

// Cached functions defined in a header: an inline function (called from main.cpp and other.cpp)
// a const member function defined in its class body, a function template (two instantiations)
// and a static member of a class template.
#pragma once
#include <cstdio>

namespace ruler {

[[picocache::cached]] inline long triangle(int n) {
  std::fprintf(stderr, "body: triangle(%d)\n", n);
  return n <= 0 ? 0 : n + triangle(n - 1);
}

class Ruler {
 public:
  explicit Ruler(int step) : step_(step) {}
  [[picocache::cached]] int marks(int length) const {
    std::fprintf(stderr, "body: marks(%d)\n", length);
    return length / step_ + 1;
  }

 private:
  int step_;
};

template <class T>
[[picocache::cached]] T halved(T value) {
  std::fprintf(stderr, "body: halved(%g)\n", static_cast<double>(value));
  return value / 2;
}

template <int Base>
struct Digits {
  [[picocache::cached]] static int count(long value) {
    std::fprintf(stderr, "body: count<%d>(%ld)\n", Base, value);
    int digits = 1;
    while (value >= Base) {
      value /= Base;
      ++digits;
    }
    return digits;
  }
};

}  // namespace ruler

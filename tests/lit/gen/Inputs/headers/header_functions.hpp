// header_functions.cpp's annotated header: an inline function, members defined in their class,
// an include of another annotated header (rewritten in that header's own copy) and of a neighbour.
#pragma once
#include <inline_in_header.hpp>

#include "plain_units.hpp"

namespace geo {

[[picocache::cached]] inline long triangle(int n) { return n <= 0 ? 0 : n + triangle(n - 1); }

class Grid {
 public:
  explicit Grid(int width) : width_(width) {}
  [[picocache::cached]] int cells(int rows) const { return rows * width_; }
  [[picocache::cached]] static int doubled(int x) { return 2 * x; }

  int width_;
};

// Defined (and rewritten) in a source file: the copy keeps the annotation for it.
[[picocache::cached]] int from_source(int x);

}  // namespace geo

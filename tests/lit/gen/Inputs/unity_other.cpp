// The second source of the unity build in unity_build.cpp: the same record.
#include "unity_record.hpp"

namespace {
[[picocache::cached]] int doubled(Segment segment) { return 2 * segment.length(); }
}  // namespace

int other_twice(int from, int to) { return doubled(Segment(from, to)); }

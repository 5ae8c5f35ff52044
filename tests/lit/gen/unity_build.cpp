// A unity build (CMake's UNITY_BUILD) includes several generated files in one translation unit:
// the helpers and each record's codec are defined once, every other generated name is unique per
// file, so two files with cached functions of the same record compile together.
//
// RUN: rm -rf %t && mkdir -p %t
// RUN: %picocache-gen %s -o %t/a.cpp -- -std=c++17 -I%S/Inputs
// RUN: %picocache-gen %S/Inputs/unity_other.cpp -o %t/b.cpp -- -std=c++17 -I%S/Inputs
// RUN: printf '#include "memory_store.hpp"\n#include "a.cpp"\n#include "b.cpp"\n' > %t/unity.cpp
// RUN: %cxx17 -I%S/Inputs -I%t %t/unity.cpp -o %t/gcc.exe
// RUN: %t/gcc.exe | %FileCheck %s
// RUN: %clangxx17 -I%S/Inputs -I%t %t/unity.cpp -o %t/clang.exe
// RUN: %t/clang.exe | %FileCheck %s
#include "unity_record.hpp"

#include <cstdio>

int other_twice(int from, int to);

namespace {
[[picocache::cached]] int twice(Segment segment) { return 2 * segment.length() + 1; }
}  // namespace

int main() {
  std::printf("here %d, there %d\n", twice(Segment(1, 4)), other_twice(1, 4));
  return 0;
}
// CHECK: here 7, there 6

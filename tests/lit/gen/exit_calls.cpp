// A cached function called from a static object's destructor, after main returned: the
// CachedFunction behind the wrapper is never destroyed, so the call works (a hit, from the value
// main stored) and AddressSanitizer reports nothing. (When the accessor held a destroyed function-
// local static, the call read freed memory.)
//
// RUN: rm -f %t.cpp
// RUN: %picocache-gen %s -o %t.cpp -- -std=c++17 -I%S/Inputs -I%picocache-include
// RUN: grep -v -e GEN: -e RUN %t.cpp | %FileCheck --check-prefix=GEN %s
// RUN: %clangxx17 -fsanitize=address -fno-omit-frame-pointer -I%S/Inputs %t.cpp -o %t.exe
// RUN: env ASAN_OPTIONS=detect_leaks=1 %t.exe > %t.out 2> %t.err
// RUN: %FileCheck --check-prefix=OUT --input-file=%t.out %s
// RUN: %FileCheck --check-prefix=ASAN --allow-empty --input-file=%t.err %s
#include "memory_store.hpp"

#include <cstdio>

// GEN: static ::picocache::CachedFunction& function = *new ::picocache::CachedFunction{

int triangle(int n);
int bodies_run = 0;

// Constructed before the cached function's CachedFunction, so destroyed after it would be.
struct AtExit {
  ~AtExit() {
    const int value = triangle(10);
    std::printf("at exit: triangle(10) = %d, bodies run %d\n", value, bodies_run);
  }
};
AtExit at_exit;

[[picocache::cached]] int triangle(int n) {
  ++bodies_run;
  return n <= 0 ? 0 : n + triangle(n - 1);
}

int main() {
  const int value = triangle(10);
  std::printf("in main: triangle(10) = %d, bodies run %d\n", value, bodies_run);
  return 0;
}
// OUT: in main: triangle(10) = 55, bodies run 11
// OUT-NEXT: at exit: triangle(10) = 55, bodies run 11
// ASAN-NOT: AddressSanitizer

// Errors in a user body are reported at the original file, line and column by both compilers
// when they compile the generated file. The error is only compiled in with -DBREAK, so the tool
// (run without it) accepts the file.
//
// RUN: %picocache-gen %s -o %t.cpp -- -std=c++17
// RUN: %not %cxx17 -DBREAK -c %t.cpp -o %t.o 2>&1 | %FileCheck %s --check-prefix=GCC
// RUN: %not %clangxx17 -DBREAK -c %t.cpp -o %t.o 2>&1 | %FileCheck %s --check-prefix=CLANG
#include <string>

namespace shapes {
struct Square {
  double side = 1;
};

[[picocache::cached]] double area(const Square& s) {
  double a = s.side * s.side;
#ifdef BREAK
  std::string oops = a;
  // GCC: line_mapping.cpp:[[@LINE-1]]:22: error: conversion from 'double' to non-scalar type
  // CLANG: line_mapping.cpp:[[@LINE-2]]:15: error: no viable conversion from 'double' to 'std::string'
#endif
  return a;
}

#ifdef BREAK
using Number = std::string;
#else
using Number = int;
#endif
// A one-line function: the body moves to its own line but keeps its line and column.
[[picocache::cached]] int twice(int x) { Number y = x; return 2 * y; }
// GCC: line_mapping.cpp:[[@LINE-1]]:53: error: conversion from 'int' to non-scalar type
// CLANG: line_mapping.cpp:[[@LINE-2]]:49: error: no viable conversion from 'int' to 'Number'

// Member functions: the body runs in a static member function of a local class, at its lines. A
// column after an implicit member use on the same line moves (GCC's 74 was 58): the rewrite
// inserts `picocache_self->` before `side`.
struct Box {
  double side = 2;
  [[picocache::cached]] double volume() const;
  [[picocache::cached]] double face() const { Number f = side; return f * side; }
  // GCC: line_mapping.cpp:[[@LINE-1]]:74: error: conversion from 'const double' to non-scalar type
  // CLANG: line_mapping.cpp:[[@LINE-2]]:54: error: no viable conversion from 'const double' to 'Number'
};

double Box::volume() const {
  double v = side * side * side;
  Number oops = v;
  // GCC: line_mapping.cpp:[[@LINE-1]]:17: error: conversion from 'double' to non-scalar type
  // CLANG: line_mapping.cpp:[[@LINE-2]]:10: error: no viable conversion from 'double' to 'Number'
  return v;
}
}  // namespace shapes

#ifdef BREAK
int after() { return "not an int"; }
// GCC: line_mapping.cpp:[[@LINE-1]]:22: error: invalid conversion
// CLANG: line_mapping.cpp:[[@LINE-2]]:22: error: cannot initialize return object
#endif

// [[picocache::cached]] on things that cannot be cached: each an error at the annotation, with a
// hint; nothing is written.
//
// RUN: rm -f %t.cpp
// RUN: %not %picocache-gen %s -o %t.cpp -- -std=c++17 -I%S/Inputs 2>&1 | %FileCheck %s --implicit-check-not=error:
// RUN: test ! -e %t.cpp

// Defined in a header (errors come in the order of the translation unit).
// CHECK: inline_in_header.hpp:3:3: error: cached function 'header_defined' is defined in '{{.*}}inline_in_header.hpp', but picocache-gen rewrites only the source file it runs on
// CHECK: note: define the function in a source file (.cpp) and keep only its declaration in the header
#include "inline_in_header.hpp"

#include <cstdarg>

// On a lambda, in the declarator or on the variable that holds it.
// CHECK: error_targets.cpp:[[@LINE+2]]:27: error: 'picocache::cached' cannot be applied to a lambda
// CHECK: note: cache a named function and call it from the lambda
auto square = [](int x) [[picocache::cached]] { return x * x; };
// CHECK: error_targets.cpp:[[@LINE+1]]:3: error: 'picocache::cached' cannot be applied to a lambda
[[picocache::cached]] auto cube = [](int x) { return x * x * x; };

// On things that are not functions.
// CHECK: error_targets.cpp:[[@LINE+2]]:3: error: 'picocache::cached' cannot be applied to variable 'table_size'; it applies to functions
// CHECK: note: write
[[picocache::cached]] int table_size = 4;
// CHECK: error_targets.cpp:[[@LINE+1]]:10: error: 'picocache::cached' does not appertain to a function declaration here
struct [[picocache::cached]] Tagged {};

// CHECK: error_targets.cpp:[[@LINE+2]]:3: error: 'picocache::cached' cannot be applied to variadic function 'sum'
// CHECK: note: the arguments passed through '...' cannot be encoded
[[picocache::cached]] int sum(int count, ...) {
  va_list args;
  va_start(args, count);
  int total = 0;
  for (int i = 0; i < count; ++i) total += va_arg(args, int);
  va_end(args);
  return total;
}

struct Shape {
  // CHECK: error_targets.cpp:[[@LINE+2]]:5: error: 'picocache::cached' cannot be applied to virtual function 'Shape::area'
  // CHECK: note: a call through the base class would run whichever override the object has
  [[picocache::cached]] virtual double area() const { return 0; }
  // CHECK: error_targets.cpp:[[@LINE+2]]:5: error: 'picocache::cached' cannot be applied to non-const member function 'Shape::grow'
  // CHECK: note: the key must include everything the result depends on
  [[picocache::cached]] int grow(int by) { return size += by; }
  // CHECK: error_targets.cpp:[[@LINE+2]]:5: error: 'picocache::cached' cannot be applied to constructor 'Shape::Shape'
  // CHECK: note: a constructor returns no value to cache
  [[picocache::cached]] Shape(int s) : size(s) {}
  // CHECK: error_targets.cpp:[[@LINE+1]]:5: error: 'picocache::cached' cannot be applied to destructor 'Shape::~Shape'
  [[picocache::cached]] virtual ~Shape() = default;
  int size = 0;
};

struct Square : Shape {
  using Shape::Shape;
  // An override is virtual too.
  // CHECK: error_targets.cpp:[[@LINE+1]]:5: error: 'picocache::cached' cannot be applied to virtual function 'Square::area'
  [[picocache::cached]] double area() const override { return size * size; }
};

// Templates are cached per instantiation (templates.cpp), except what their names cannot spell.
// CHECK: error_targets.cpp:[[@LINE+2]]:26: error: 'picocache::cached' cannot be applied to template 'count': a template parameter pack
// CHECK: note: give the template named type parameters
template <class... Ts> [[picocache::cached]] int count(Ts... values) { return sizeof...(values); }
// CHECK: error_targets.cpp:[[@LINE+1]]:28: error: 'picocache::cached' cannot be applied to template 'at': non-type template parameter 'P' is not an integer, enumerator or bool
template <const char* P> [[picocache::cached]] int at(int i) { return P[i]; }

// CHECK: error_targets.cpp:[[@LINE+1]]:3: error: 'picocache::cached' cannot be applied to constexpr function 'folded'
[[picocache::cached]] constexpr int folded(int x) { return x + 1; }

// CHECK: error_targets.cpp:[[@LINE+2]]:3: error: cached function 'log_it' returns void: there is no result to cache
// CHECK: note: return the computed value, or remove the annotation
[[picocache::cached]] void log_it(int) {}

// CHECK: error_targets.cpp:[[@LINE+2]]:3: error: cached function 'pick' returns a reference, which cannot be stored
// CHECK: note: return the value (by value)
[[picocache::cached]] const int& pick(const int& x) { return x; }

// Written through a macro: Clang sees it, the source text does not show it.
#define CACHED [[picocache::cached(maxsize = 4)]]
// CHECK: error_targets.cpp:[[@LINE+3]]:1: error: 'picocache::cached' written through a macro: picocache-gen reads annotations from the source text and cannot see this one
// CHECK: error_targets.cpp:[[@LINE-2]]:18: note: the annotation is written here
// CHECK: note: write
CACHED int hidden(int x) { return x; }


int use() { return header_defined(1) + square(2) + cube(3) + sum(1, 1) + count(4) + folded(5) + pick(6) + hidden(8); }

// Functions defined in a project header (an inline function, a const member and a static member
// defined in their class) are rewritten in a copy of the header (--header), which replaces the
// original on the include path. Its accessors are inline functions at global scope, and
// `_registered` an inline variable: two translation units that include the copy share one
// CachedFunction per function (the linked program has one accessor each, not one per unit). A
// function defined in another header is left to that header's copy (no error).
//
// RUN: rm -rf %t && mkdir -p %t/include
// RUN: %picocache-gen %S/Inputs/headers/header_functions.hpp --header -o %t/include/header_functions.hpp -- -std=c++17 -I%S/Inputs
// RUN: grep -v -e CHECK -e RUN %t/include/header_functions.hpp | %FileCheck %s
// RUN: %cxx17 -I%t/include -I%S/Inputs -DMAIN -c %s -o %t/one.gcc.o
// RUN: %cxx17 -I%t/include -I%S/Inputs -c %s -o %t/two.gcc.o
// RUN: %cxx17 %t/one.gcc.o %t/two.gcc.o -o %t/program.gcc && %t/program.gcc | %FileCheck %s --check-prefix=OUT
// RUN: nm -C %t/program.gcc | grep -c ' picocache_fn_[0-9]*_[0-9a-f]*()$' | %FileCheck %s --check-prefix=THREE
// RUN: %clangxx17 -I%t/include -I%S/Inputs -DMAIN -c %s -o %t/one.clang.o
// RUN: %clangxx17 -I%t/include -I%S/Inputs -c %s -o %t/two.clang.o
// RUN: %clangxx17 %t/one.clang.o %t/two.clang.o -o %t/program.clang && %t/program.clang | %FileCheck %s --check-prefix=OUT
// RUN: nm -C %t/program.clang | grep -c ' picocache_fn_[0-9]*_[0-9a-f]*()$' | %FileCheck %s --check-prefix=THREE

// A quoted include found next to the original (a file without annotations) is named by its
// absolute path: the copy's directory does not have it.
// CHECK: #include "{{.*}}Inputs{{/|\\\\}}headers{{/|\\\\}}plain_units.hpp"
// The copy: the accessors declared inline at global scope, ahead of the namespace.
// CHECK: #include <picocache/memoize.hpp>
// CHECK: }  // picocache-gen: to global scope
// CHECK-NEXT: inline ::picocache::CachedFunction& picocache_fn_0_[[UNIT:[0-9a-f]+]]();
// The inline function keeps `inline` on its wrapper.
// CHECK: {{^}}inline long triangle(int n) {
// CHECK-NEXT: return ::picocache::memoize<long>(::picocache_fn_0_[[UNIT]]()
// CHECK: inline ::picocache::CachedFunction& picocache_fn_0_[[UNIT]]() {
// CHECK: "geo::triangle", "int64 (int32)", "fp:{{([0-9a-f]{32})}}", ::picocache::key_schema<int>(), 128ULL, false};
// CHECK: {{^}}[[MAYBE:\[\[maybe_unused\]\] ]]inline ::picocache::CachedFunction& picocache_fn_0_[[UNIT]]_registered = picocache_fn_0_[[UNIT]]();
// CHECK-NOT: namespace {
// CHECK: ::picocache_fn_1_[[UNIT]]()
// CHECK: ::picocache_fn_2_[[UNIT]]()
// CHECK: inline ::picocache::CachedFunction& picocache_fn_1_[[UNIT]]() {
// CHECK: "geo::Grid::cells", "int32 (int32) const", "fp:{{([0-9a-f]{32})}}", ::picocache::key_schema<::geo::Grid, int>(), 128ULL, false};
// CHECK: inline ::picocache::CachedFunction& picocache_fn_2_[[UNIT]]() {
// CHECK: "geo::Grid::doubled", "int32 (int32)", "fp:{{([0-9a-f]{32})}}", ::picocache::key_schema<int>(), 128ULL, false};
// A declaration whose definition is in a source file keeps its annotation: that source's
// rewrite reads it through the copy.
// CHECK: {{^\[\[}}picocache::cached]] int from_source(int x);
// The other header's function is not rewritten here: its annotation stays in its own file.
// CHECK-NOT: header_defined

// OUT: 55 12 14 9
// THREE: {{^}}3{{$}}
#include "header_functions.hpp"

int from_second_unit();
#ifdef MAIN
#include "runtime_stubs.hpp"

#include <cstdio>

int main() {
  const geo::Grid grid(4);
  std::printf("%ld %d %d %d\n", geo::triangle(10), grid.cells(3), geo::Grid::doubled(7),
              from_second_unit());
}
#else
int from_second_unit() { return static_cast<int>(geo::triangle(3)) + geo::Grid(1).cells(3); }
#endif

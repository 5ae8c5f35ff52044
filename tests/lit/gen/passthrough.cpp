// A source without annotations is copied unchanged (the build still gets its output file), and
// the depfile lists the source and the headers it includes, not system headers.
//
// RUN: %picocache-gen %s -o %t.cpp --depfile %t.d -- -std=c++17 -I%S/Inputs
// RUN: cmp %s %t.cpp
// RUN: %FileCheck %s --input-file %t.d
// CHECK: passthrough.cpp.tmp.cpp: \
// CHECK-NEXT:   {{.*}}passthrough.cpp \
// CHECK-NEXT:   {{.*}}Inputs{{/|\\}}declared.hpp{{$}}
// CHECK-NOT: string
//
// A header's annotated declaration does not make this file change either.
#include "declared.hpp"

#include <string>

int twice(int x) { return 2 * x; }
int call() { return defined_elsewhere("k"); }

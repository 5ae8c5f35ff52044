// An annotated declaration without a definition here: the annotation is blanked (the function
// is rewritten where it is defined), and nothing else changes. Annotations in #if 0 regions and
// comments are not annotations.
//
// RUN: %picocache-gen %s -o %t.cpp -- -std=c++17
// RUN: grep -v -e CHECK -e RUN %t.cpp | %FileCheck %s --strict-whitespace
// RUN: %cxx17 -c %t.cpp -o %t.o
// CHECK: {{^}}#line 1 "{{.*}}declaration_only.cpp"
// CHECK-NOT: picocache_fn_
// CHECK-NOT: #include <picocache/memoize.hpp>
// CHECK: {{^ {36}int lookup}}(int key);
[[picocache::cached(maxsize = 10)]] int lookup(int key);
#if 0
[[picocache::cached(bogus = 1)]] int disabled(int key) { return key; }
#endif
// [[picocache::cached(bogus = 2)]] in a comment
int use() { return lookup(3); }

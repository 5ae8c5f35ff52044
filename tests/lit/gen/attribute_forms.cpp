// The forms an annotation can take: alone, in a list with other attributes (only ours is
// removed, with its comma), next to other attribute-specifiers, after the declarator-id, with
// `using picocache:`, spread over lines. Options given on a declaration and its definition must
// agree (see error_conflict.cpp).
//
// RUN: %picocache-gen %s -o %t.cpp -- -std=c++17
// RUN: grep -v -e CHECK -e RUN %t.cpp | %FileCheck %s --strict-whitespace
// RUN: %cxx17 -c %t.cpp -o %t.gcc.o
// RUN: %clangxx17 -c %t.cpp -o %t.clang.o

// CHECK: {{^\[\[nodiscard {32}\]\] int first}}(int x) {
// CHECK: {{^}}  return ::picocache::memoize<int>(
[[nodiscard, picocache::cached(maxsize = 4)]] int first(int x) { return x; }
// CHECK: "first", "int32 (int32)", "fp:{{[0-9a-f]+}}", ::picocache::key_schema<{{.*}}>(), 4ULL, false};

// CHECK: {{^\[\[ {33}maybe_unused\]\] int second}}(int x) {
// CHECK: {{^}}  return ::picocache::memoize<int>(
[[picocache::cached(typed = true), maybe_unused]] int second(int x) { return x; }
// CHECK: "second", "int32 (int32)", "fp:{{[0-9a-f]+}}", ::picocache::key_schema<{{.*}}>(), 128ULL, true};

// CHECK: {{^\[\[nodiscard\]\] {36}int third}}(int x) {
// CHECK: {{^}}  return ::picocache::memoize<int>(
[[nodiscard]] [[picocache::cached(maxsize = 9)]] int third(int x) { return x; }
// CHECK: "third", "int32 (int32)", "fp:{{[0-9a-f]+}}", ::picocache::key_schema<{{.*}}>(), 9ULL, false};

// CHECK: {{^int fourth {36}\(int x\)}} {
// CHECK: {{^}}  return ::picocache::memoize<int>(
int fourth [[picocache::cached(maxsize = 5)]] (int x) { return x; }
// CHECK: "fourth", "int32 (int32)", "fp:{{[0-9a-f]+}}", ::picocache::key_schema<{{.*}}>(), 5ULL, false};

// CHECK: {{^ {44}int fifth}}(int x) {
// CHECK: {{^}}  return ::picocache::memoize<int>(
[[using picocache: cached(maxsize = none)]] int fifth(int x) { return x; }
// CHECK: "fifth", "int32 (int32)", "fp:{{[0-9a-f]+}}", ::picocache::key_schema<{{.*}}>(), ::picocache::unbounded, false};

// Spread over lines: the lines stay, blanked.
// CHECK: {{^ {20}$}}
// CHECK-NEXT: {{^ {16}$}}
// CHECK-NEXT: {{^ {19}$}}
// CHECK: {{^}}int sixth(int x) {
// CHECK: {{^}}  return ::picocache::memoize<int>(
[[picocache::cached(
    maxsize = 2,
    typed = true)]]
int sixth(int x) { return x; }
// CHECK: "sixth", "int32 (int32)", "fp:{{[0-9a-f]+}}", ::picocache::key_schema<{{.*}}>(), 2ULL, true};

// Annotated on a declaration and on the definition, with the same options.
[[picocache::cached(maxsize = 3)]] int seventh(int x);
[[picocache::cached(maxsize = 3)]] int seventh(int x) { return x; }
// CHECK: "seventh", "int32 (int32)", "fp:{{[0-9a-f]+}}", ::picocache::key_schema<{{.*}}>(), 3ULL, false};

int use() { return first(1) + second(2) + third(3) + fourth(4) + fifth(5) + sixth(6) + seventh(7); }

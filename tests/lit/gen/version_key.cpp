// `version = "2"` or `version = 2` (the same version) replaces the code fingerprint: the code
// version is "v:2", so edits of the body keep the stored results until the version changes; the
// key schema still counts. cache_parameters(fn).version reports it (tests/unit/identity_test.cpp).
//
// RUN: rm -rf %t && mkdir -p %t
// RUN: %picocache-gen %s -o %t/out.cpp -- -std=c++17
// RUN: grep -v -e CHECK -e RUN %t/out.cpp | %FileCheck %s
// RUN: %cxx17 -c %t/out.cpp -o %t/gcc.o
// RUN: %clangxx17 -c %t/out.cpp -o %t/clang.o
// An edited body keeps the version:
// RUN: sed 's/return x + 1;/return x + 100;/' %s > %t/edited.cpp
// RUN: %picocache-gen %t/edited.cpp -o %t/edited.out.cpp -- -std=c++17
// RUN: grep -v -e CHECK -e RUN %t/edited.out.cpp | %FileCheck %s

// CHECK: "quoted", "int32 (int32)", "v:2", ::picocache::key_schema<int>(), 128ULL, false};
[[picocache::cached(version = "2")]] int quoted(int x) { return x + 1; }

// CHECK: "number", "int32 (int32)", "v:2", ::picocache::key_schema<int>(), 8ULL, false};
[[picocache::cached(maxsize = 8, version = 2)]] int number(int x) { return x + 1; }

// Any printable text without escapes.
// CHECK: "named", "int32 (int32)", "v:2026-12 parser rewrite", ::picocache::key_schema<int>(), 128ULL, false};
[[picocache::cached(version = "2026-12 parser rewrite")]] int named(int x) { return x + 1; }

// Without it, the fingerprint.
// CHECK: "fingerprinted", "int32 (int32)", "fp:{{([0-9a-f]{32})}}", ::picocache::key_schema<int>(), 128ULL, false};
[[picocache::cached]] int fingerprinted(int x) { return x + 1; }

// The annotation on a declaration and on the definition agree.
[[picocache::cached(version = 3)]] int declared(int x);
// CHECK: "declared", "int32 (int32)", "v:3", ::picocache::key_schema<int>(), 128ULL, false};
[[picocache::cached(version = "3")]] int declared(int x) { return x + 1; }

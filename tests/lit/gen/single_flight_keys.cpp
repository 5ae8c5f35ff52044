// The single-flight keys: `single_flight = true|false` and `lock_timeout = <duration>` (an
// integer is seconds; a string has a unit: ms, s, min, h, d). A function that gives either gets
// FunctionOptions as the CachedFunction's last (eighth) argument, every field written out; one that
// gives neither gets none (the runtime's defaults: single-flight on, a 10-minute bound).
//
// RUN: %picocache-gen %s -o %t.cpp -- -std=c++17
// RUN: grep -v -e CHECK -e RUN %t.cpp | %FileCheck %s
// RUN: %cxx17 -c %t.cpp -o %t.gcc.o
// RUN: %clangxx17 -c %t.cpp -o %t.clang.o

[[picocache::cached]] int plain(int x) { return x; }
// CHECK: "plain", "int32 (int32)", "fp:{{[0-9a-f]+}}", ::picocache::key_schema<{{.*}}>(), 128ULL, false};

[[picocache::cached(single_flight = false)]] int every_miss_runs(int x) { return x; }
// CHECK: "every_miss_runs", "int32 (int32)", "fp:{{[0-9a-f]+}}", ::picocache::key_schema<{{.*}}>(), 128ULL, false,
// CHECK-NEXT: ::picocache::FunctionOptions{false, ::picocache::kDefaultLockTimeout, ::picocache::kNoTtl}};

[[picocache::cached(single_flight = true)]] int said_default(int x) { return x; }
// CHECK: "said_default", "int32 (int32)", "fp:{{[0-9a-f]+}}", ::picocache::key_schema<{{.*}}>(), 128ULL, false};

[[picocache::cached(maxsize = 8, lock_timeout = 30)]] int seconds(int x) { return x; }
// CHECK: "seconds", "int32 (int32)", "fp:{{[0-9a-f]+}}", ::picocache::key_schema<{{.*}}>(), 8ULL, false,
// CHECK-NEXT: ::picocache::FunctionOptions{true, ::std::chrono::milliseconds(30000), ::picocache::kNoTtl}};

[[picocache::cached(lock_timeout = 1'200)]] int separated(int x) { return x; }
// CHECK: ::picocache::FunctionOptions{true, ::std::chrono::milliseconds(1200000), ::picocache::kNoTtl}};

[[picocache::cached(lock_timeout = "250ms", single_flight = true)]] int millis(int x) { return x; }
// CHECK: ::picocache::FunctionOptions{true, ::std::chrono::milliseconds(250), ::picocache::kNoTtl}};

[[picocache::cached(lock_timeout = "90s")]] int with_s(int x) { return x; }
// CHECK: ::picocache::FunctionOptions{true, ::std::chrono::milliseconds(90000), ::picocache::kNoTtl}};

[[picocache::cached(lock_timeout = "15min")]] int minutes(int x) { return x; }
// CHECK: ::picocache::FunctionOptions{true, ::std::chrono::milliseconds(900000), ::picocache::kNoTtl}};

[[picocache::cached(lock_timeout = "12h")]] int hours(int x) { return x; }
// CHECK: ::picocache::FunctionOptions{true, ::std::chrono::milliseconds(43200000), ::picocache::kNoTtl}};

[[picocache::cached(lock_timeout = "7d")]] int days(int x) { return x; }
// CHECK: ::picocache::FunctionOptions{true, ::std::chrono::milliseconds(604800000), ::picocache::kNoTtl}};

struct Grid {
  [[picocache::cached(single_flight = false)]] int cell(int i) const { return i * width; }
  int width = 3;
};
// CHECK: "Grid::cell", "int32 (int32) const", "fp:{{[0-9a-f]+}}", ::picocache::key_schema<{{.*}}>(), 128ULL, false,
// CHECK-NEXT: ::picocache::FunctionOptions{false, ::picocache::kDefaultLockTimeout, ::picocache::kNoTtl}};

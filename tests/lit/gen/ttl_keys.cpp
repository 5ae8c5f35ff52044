// The `ttl` key: an integer is seconds, a string has a unit (ms, s, min, h, d), `none` is the
// default. A function with a ttl gets FunctionOptions as the CachedFunction's sixth argument, every
// field written out, the ttl as milliseconds; `ttl = none` alone gets none (the defaults). ttl
// combines with maxsize and the single-flight keys.
//
// RUN: %picocache-gen %s -o %t.cpp -- -std=c++17
// RUN: grep -v -e CHECK -e RUN %t.cpp | %FileCheck %s
// RUN: %cxx17 -c %t.cpp -o %t.gcc.o
// RUN: %clangxx17 -c %t.cpp -o %t.clang.o

[[picocache::cached(ttl = none)]] int forever(int x) { return x; }
// CHECK: "forever", "int32 (int32)", "fp:{{[0-9a-f]+}}", ::picocache::key_schema<{{.*}}>(), 128ULL, false};

[[picocache::cached(ttl = 30)]] int seconds(int x) { return x; }
// CHECK: "seconds", "int32 (int32)", "fp:{{[0-9a-f]+}}", ::picocache::key_schema<{{.*}}>(), 128ULL, false,
// CHECK-NEXT: ::picocache::FunctionOptions{true, ::picocache::kDefaultLockTimeout, ::std::chrono::milliseconds(30000)}};

[[picocache::cached(ttl = 1'000)]] int separated(int x) { return x; }
// CHECK: ::picocache::FunctionOptions{true, ::picocache::kDefaultLockTimeout, ::std::chrono::milliseconds(1000000)}};

[[picocache::cached(ttl = "250ms")]] int millis(int x) { return x; }
// CHECK: ::picocache::FunctionOptions{true, ::picocache::kDefaultLockTimeout, ::std::chrono::milliseconds(250)}};

[[picocache::cached(ttl = "90s")]] int with_s(int x) { return x; }
// CHECK: ::picocache::FunctionOptions{true, ::picocache::kDefaultLockTimeout, ::std::chrono::milliseconds(90000)}};

[[picocache::cached(ttl = "15min")]] int minutes(int x) { return x; }
// CHECK: ::picocache::FunctionOptions{true, ::picocache::kDefaultLockTimeout, ::std::chrono::milliseconds(900000)}};

[[picocache::cached(ttl = "12h")]] int hours(int x) { return x; }
// CHECK: ::picocache::FunctionOptions{true, ::picocache::kDefaultLockTimeout, ::std::chrono::milliseconds(43200000)}};

[[picocache::cached(ttl = "7d")]] int days(int x) { return x; }
// CHECK: ::picocache::FunctionOptions{true, ::picocache::kDefaultLockTimeout, ::std::chrono::milliseconds(604800000)}};

[[picocache::cached(maxsize = 8, ttl = 60, single_flight = false)]] int bounded(int x) { return x; }
// CHECK: "bounded", "int32 (int32)", "fp:{{[0-9a-f]+}}", ::picocache::key_schema<{{.*}}>(), 8ULL, false,
// CHECK-NEXT: ::picocache::FunctionOptions{false, ::picocache::kDefaultLockTimeout, ::std::chrono::milliseconds(60000)}};

[[picocache::cached(lock_timeout = 5, ttl = "2h")]] int both(int x) { return x; }
// CHECK: ::picocache::FunctionOptions{true, ::std::chrono::milliseconds(5000), ::std::chrono::milliseconds(7200000)}};

struct Quote {
  [[picocache::cached(ttl = "500ms")]] double price(int id) const { return id * scale; }
  double scale = 1.5;
};
// CHECK: "Quote::price", "double (int32) const", "fp:{{[0-9a-f]+}}", ::picocache::key_schema<{{.*}}>(), 128ULL, false,
// CHECK-NEXT: ::picocache::FunctionOptions{true, ::picocache::kDefaultLockTimeout, ::std::chrono::milliseconds(500)}};

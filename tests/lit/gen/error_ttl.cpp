// Bad `ttl` values: each an error at the offending token, with a hint; nothing is written. (Apart
// from error_arguments.cpp: Clang stops after 20 errors.)
//
// RUN: rm -f %t.cpp
// RUN: %not %picocache-gen %s -o %t.cpp -- -std=c++17 2>&1 | %FileCheck %s --implicit-check-not=error:
// RUN: test ! -e %t.cpp

// CHECK: error_ttl.cpp:[[@LINE+2]]:21: error: unknown key 'tll' in picocache::cached
// CHECK: note: did you mean 'ttl'?
[[picocache::cached(tll = 10)]] int ttl1(int x) { return x; }

// CHECK: error_ttl.cpp:[[@LINE+2]]:27: error: bad value '0' for 'ttl' in picocache::cached
// CHECK: note: ttl = 0 would keep nothing: write maxsize = 0 to cache nothing, or ttl = none for no expiry
[[picocache::cached(ttl = 0)]] int ttl2(int x) { return x; }

// CHECK: error_ttl.cpp:[[@LINE+2]]:27: error: bad value '"10 minutes"' for 'ttl' in picocache::cached
// CHECK: note: a duration is an integer number of seconds (30) or a string with a unit: "250ms", "90s", "15min", "12h", "7d", or 'none' (the default: entries never expire); an entry older than its ttl is a miss
[[picocache::cached(ttl = "10 minutes")]] int ttl3(int x) { return x; }

// CHECK: error_ttl.cpp:[[@LINE+1]]:27: error: bad value '1.5' for 'ttl' in picocache::cached
[[picocache::cached(ttl = 1.5)]] int ttl4(int x) { return x; }

// CHECK: error_ttl.cpp:[[@LINE+1]]:27: error: bad value '"0s"' for 'ttl' in picocache::cached
[[picocache::cached(ttl = "0s")]] int ttl5(int x) { return x; }

// CHECK: error_ttl.cpp:[[@LINE+1]]:27: error: bad value 'never' for 'ttl' in picocache::cached
[[picocache::cached(ttl = never)]] int ttl6(int x) { return x; }

// CHECK: error_ttl.cpp:[[@LINE+1]]:27: error: bad value '-5' for 'ttl' in picocache::cached
[[picocache::cached(ttl = -5)]] int ttl7(int x) { return x; }

// CHECK: error_ttl.cpp:[[@LINE+2]]:30: error: duplicate key 'ttl' in picocache::cached
// CHECK: error_ttl.cpp:[[@LINE+1]]:21: note: first given here
[[picocache::cached(ttl = 5, ttl = 6)]] int ttl8(int x) { return x; }

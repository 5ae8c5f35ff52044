// Bad annotation arguments: each an error at the offending token, with a hint; nothing is written.
//
// RUN: rm -f %t.cpp
// RUN: %not %picocache-gen %s -o %t.cpp -- -std=c++17 2>&1 | %FileCheck %s --implicit-check-not=error:
// RUN: test ! -e %t.cpp

// CHECK: error_arguments.cpp:[[@LINE+2]]:21: error: unknown key 'maxsise' in picocache::cached
// CHECK: note: did you mean 'maxsize'?
[[picocache::cached(maxsise = 10)]] int a(int x) { return x; }

// CHECK: error_arguments.cpp:[[@LINE+2]]:21: error: unknown key 'ttl' in picocache::cached
// CHECK: note: the keys are 'maxsize' and 'typed'
[[picocache::cached(ttl = 10)]] int b(int x) { return x; }

// CHECK: error_arguments.cpp:[[@LINE+2]]:31: error: bad value '-1' for 'maxsize' in picocache::cached
// CHECK: note: maxsize is a non-negative integer (0 caches nothing) or 'none' (no limit)
[[picocache::cached(maxsize = -1)]] int c(int x) { return x; }

// CHECK: error_arguments.cpp:[[@LINE+1]]:31: error: bad value 'lots' for 'maxsize' in picocache::cached
[[picocache::cached(maxsize = lots)]] int d(int x) { return x; }

// CHECK: error_arguments.cpp:[[@LINE+2]]:29: error: bad value 'yes' for 'typed' in picocache::cached
// CHECK: note: typed is 'true' or 'false'
[[picocache::cached(typed = yes)]] int e(int x) { return x; }

// CHECK: error_arguments.cpp:[[@LINE+2]]:34: error: duplicate key 'maxsize' in picocache::cached
// CHECK: error_arguments.cpp:[[@LINE+1]]:21: note: first given here
[[picocache::cached(maxsize = 1, maxsize = 2)]] int f(int x) { return x; }

// CHECK: error_arguments.cpp:[[@LINE+2]]:21: error: expected 'key = value' in picocache::cached arguments
// CHECK: note: the keys are 'maxsize' (an integer or 'none') and 'typed' ('true' or 'false')
[[picocache::cached(256)]] int g(int x) { return x; }

// CHECK: error_arguments.cpp:[[@LINE+2]]:3: error: unknown attribute 'picocache::cache'
// CHECK: note: the attribute is spelled {{.}}{{.}}picocache::cached{{.}}{{.}} or
[[picocache::cache]] int h(int x) { return x; }

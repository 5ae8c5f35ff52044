// Bad annotation arguments: each an error at the offending token, with a hint; nothing is written.
//
// RUN: rm -f %t.cpp
// RUN: %not %picocache-gen %s -o %t.cpp -- -std=c++17 2>&1 | %FileCheck %s --implicit-check-not=error:
// RUN: test ! -e %t.cpp

// CHECK: error_arguments.cpp:[[@LINE+2]]:21: error: unknown key 'maxsise' in picocache::cached
// CHECK: note: did you mean 'maxsize'?
[[picocache::cached(maxsise = 10)]] int a(int x) { return x; }

// CHECK: error_arguments.cpp:[[@LINE+2]]:21: error: unknown key 'expiry' in picocache::cached
// CHECK: note: the keys are 'maxsize', 'typed', 'ttl', 'version', 'single_flight' and 'lock_timeout'
[[picocache::cached(expiry = 10)]] int b(int x) { return x; }

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
// CHECK: note: the keys are 'maxsize' (an integer or 'none'), 'typed' and 'single_flight' ('true' or 'false'), 'ttl' (a duration or 'none'), 'version' (a string or an integer) and 'lock_timeout' (a duration)
[[picocache::cached(256)]] int g(int x) { return x; }

// CHECK: error_arguments.cpp:[[@LINE+2]]:21: error: unknown key 'single_fligth' in picocache::cached
// CHECK: note: did you mean 'single_flight'?
[[picocache::cached(single_fligth = false)]] int sf1(int x) { return x; }

// CHECK: error_arguments.cpp:[[@LINE+2]]:37: error: bad value 'no' for 'single_flight' in picocache::cached
// CHECK: note: single_flight is 'true' or 'false'
[[picocache::cached(single_flight = no)]] int sf2(int x) { return x; }

// CHECK: error_arguments.cpp:[[@LINE+2]]:36: error: bad value '"10 minutes"' for 'lock_timeout' in picocache::cached
// CHECK: note: a duration is an integer number of seconds (30) or a string with a unit: "250ms", "90s", "15min", "12h", "7d"; lock_timeout bounds how long a miss waits
[[picocache::cached(lock_timeout = "10 minutes")]] int lt1(int x) { return x; }

// CHECK: error_arguments.cpp:[[@LINE+2]]:36: error: bad value '"5sec"' for 'lock_timeout' in picocache::cached
// CHECK: note: a duration is
[[picocache::cached(lock_timeout = "5sec")]] int lt2(int x) { return x; }

// CHECK: error_arguments.cpp:[[@LINE+2]]:36: error: bad value 'none' for 'lock_timeout' in picocache::cached
// CHECK: note: a duration is
[[picocache::cached(lock_timeout = none)]] int lt3(int x) { return x; }

// CHECK: error_arguments.cpp:[[@LINE+2]]:36: error: bad value '1.5' for 'lock_timeout' in picocache::cached
// CHECK: note: a duration is
[[picocache::cached(lock_timeout = 1.5)]] int lt4(int x) { return x; }

// CHECK: error_arguments.cpp:[[@LINE+2]]:36: error: bad value '0' for 'lock_timeout' in picocache::cached
// CHECK: note: lock_timeout = 0 would never wait: write single_flight = false instead
[[picocache::cached(lock_timeout = 0)]] int lt5(int x) { return x; }

// CHECK: error_arguments.cpp:[[@LINE+2]]:36: error: bad value '"99999999999999999d"' for 'lock_timeout' in picocache::cached
// CHECK: note: a duration is
[[picocache::cached(lock_timeout = "99999999999999999d")]] int lt6(int x) { return x; }

// CHECK: error_arguments.cpp:[[@LINE+2]]:44: error: 'lock_timeout' has no effect with 'single_flight = false'
// CHECK: error_arguments.cpp:[[@LINE+1]]:21: note: single_flight = false given here
[[picocache::cached(single_flight = false, lock_timeout = 5)]] int lt7(int x) { return x; }

// CHECK: error_arguments.cpp:[[@LINE+2]]:3: error: unknown attribute 'picocache::cache'
// CHECK: note: the attribute is spelled {{.}}{{.}}picocache::cached{{.}}{{.}} or
[[picocache::cache]] int h(int x) { return x; }


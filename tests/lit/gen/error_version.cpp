// Bad `version` values are errors at the value, with a hint; two declarations must agree.
//
// RUN: rm -f %t.cpp
// RUN: %not %picocache-gen %s -o %t.cpp -- -std=c++17 2>&1 | %FileCheck %s --implicit-check-not=error:
// RUN: test ! -e %t.cpp

// CHECK: error_version.cpp:[[@LINE+2]]:31: error: bad value '""' for 'version' in picocache::cached
// CHECK: note: version is a non-empty string or a non-negative integer (version = "2" and version = 2 are the same, without escapes); it replaces the code fingerprint: results are kept across edits until the version changes
[[picocache::cached(version = "")]] int empty(int x) { return x; }

// CHECK: error_version.cpp:[[@LINE+1]]:31: error: bad value '-1' for 'version' in picocache::cached
[[picocache::cached(version = -1)]] int negative(int x) { return x; }

// CHECK: error_version.cpp:[[@LINE+1]]:31: error: bad value 'true' for 'version' in picocache::cached
[[picocache::cached(version = true)]] int boolean(int x) { return x; }

// CHECK: error_version.cpp:[[@LINE+1]]:31: error: bad value '1.5' for 'version' in picocache::cached
[[picocache::cached(version = 1.5)]] int fraction(int x) { return x; }

// CHECK: error_version.cpp:[[@LINE+1]]:31: error: bad value '"a\"b"' for 'version' in picocache::cached
[[picocache::cached(version = "a\"b")]] int escaped(int x) { return x; }

// CHECK: error_version.cpp:[[@LINE+1]]:31: error: bad value 'two' for 'version' in picocache::cached
[[picocache::cached(version = two)]] int identifier(int x) { return x; }

[[picocache::cached(version = 1)]] int twice(int key);
// CHECK: error_version.cpp:[[@LINE+2]]:3: error: conflicting 'picocache::cached' options for 'twice': maxsize=128, typed=false, version="2" here, maxsize=128, typed=false, version="1" on another declaration
// CHECK: error_version.cpp:[[@LINE-2]]:3: note: the other annotation is here
[[picocache::cached(version = 2)]] int twice(int key) { return key; }

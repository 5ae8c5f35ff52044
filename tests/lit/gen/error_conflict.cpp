// Different options on two declarations of one function are an error.
//
// RUN: %not %picocache-gen %s -o %t.cpp -- -std=c++17 2>&1 | %FileCheck %s --implicit-check-not=error:

[[picocache::cached(maxsize = 3)]] int lookup(int key);
// CHECK: error_conflict.cpp:[[@LINE+2]]:3: error: conflicting 'picocache::cached' options for 'lookup': maxsize=4, typed=false here, maxsize=3, typed=false on another declaration
// CHECK: error_conflict.cpp:[[@LINE-2]]:3: note: the other annotation is here
[[picocache::cached(maxsize = 4)]] int lookup(int key) { return key; }

[[picocache::cached(ttl = 60)]] int quote(int id);
// CHECK: error_conflict.cpp:[[@LINE+2]]:3: error: conflicting 'picocache::cached' options for 'quote': maxsize=128, typed=false, ttl=30000ms here, maxsize=128, typed=false, ttl=60000ms on another declaration
// CHECK: error_conflict.cpp:[[@LINE-2]]:3: note: the other annotation is here
[[picocache::cached(ttl = "30s")]] int quote(int id) { return id; }

// A member function of a local class cannot be cached: its helpers could not be named.
int outer() {
  struct Local {
    // CHECK: error_conflict.cpp:[[@LINE+1]]:7: error: 'picocache::cached' cannot be applied to member function 'outer()::Local::twice' of a local class
    [[picocache::cached]] static int twice(int x) { return 2 * x; }
  };
  return Local::twice(2);
}

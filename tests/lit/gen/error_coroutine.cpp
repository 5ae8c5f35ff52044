// [[picocache::cached]] on a coroutine (C++20) is an error at the annotation.
//
// RUN: rm -f %t.cpp
// RUN: %not %picocache-gen %s -o %t.cpp -- -std=c++20 2>&1 | %FileCheck %s --implicit-check-not=error:
// RUN: test ! -e %t.cpp
#include <coroutine>

struct Task {
  struct promise_type {
    int value = 0;
    Task get_return_object() { return Task{}; }
    std::suspend_never initial_suspend() noexcept { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_value(int v) { value = v; }
    void unhandled_exception() {}
  };
};

// CHECK: error_coroutine.cpp:[[@LINE+2]]:3: error: 'picocache::cached' cannot be applied to coroutine 'compute'
// CHECK: note: a coroutine's result is a handle to a computation, not a value
[[picocache::cached]] Task compute(int x) { co_return x * 2; }

// A plain function next to it is fine on its own, but nothing is written while any error remains.
[[picocache::cached]] int plain(int x) { return x; }

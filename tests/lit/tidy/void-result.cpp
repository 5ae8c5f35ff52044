// RUN: %clang-tidy --load=%picocache-tidy-plugin -checks='-*,picocache-void-result' %s -- -std=c++17 -Wno-unknown-attributes 2>&1 | %FileCheck %s --implicit-check-not=warning: --implicit-check-not=error: --implicit-check-not=note:

#include <string>

[[picocache::cached]] void log_event(const std::string& event) { (void)event; }
// CHECK: void-result.cpp:[[@LINE-1]]:28: warning: cached function 'log_event' returns void: there is no result to store, and every cache hit would skip its side effects [picocache-void-result]
// CHECK: void-result.cpp:[[@LINE-2]]:3: note: remove {{\[\[}}picocache::cached{{\]\]}}, or return the value the caller needs

[[picocache::cached(maxsize = none)]] void warm_up();
// CHECK: void-result.cpp:[[@LINE-1]]:44: warning: cached function 'warm_up' returns void
// CHECK: void-result.cpp:[[@LINE-2]]:3: note: remove {{\[\[}}picocache::cached{{\]\]}}, or return the value the caller needs

[[picocache::cached]] auto deduced() { return; }
// CHECK: void-result.cpp:[[@LINE-1]]:28: warning: cached function 'deduced' returns void
// CHECK: void-result.cpp:[[@LINE-2]]:3: note: remove {{\[\[}}picocache::cached{{\]\]}}, or return the value the caller needs

struct Printer {
  [[picocache::cached]] void print() const;
};
void Printer::print() const {}
// CHECK: void-result.cpp:[[@LINE-1]]:15: warning: cached function 'print' returns void
// CHECK: void-result.cpp:[[@LINE-4]]:5: note: remove {{\[\[}}picocache::cached{{\]\]}}, or return the value the caller needs

// Negative cases: a result, and void functions without the annotation.
[[picocache::cached]] int square(int n) { return n * n; }
void not_cached() {}
[[nodiscard]] int other_attribute() { return 1; }

// Suppression.
[[picocache::cached]] void suppressed() {}  // NOLINT(picocache-void-result)

// RUN: %clang-tidy --load=%picocache-tidy-plugin -checks='-*,picocache-mutable-global' %s -- -std=c++17 -Wno-unknown-attributes 2>&1 | %FileCheck %s --implicit-check-not=warning: --implicit-check-not=error: --implicit-check-not=note:

#include <string>
#include <vector>

int scale = 3;
const int kBase = 10;
constexpr double kPi = 3.14159;
const char* const kName = "pico";
static const int kTable[] = {1, 2, 3};
std::vector<std::string> history;
thread_local int per_thread = 0;
namespace settings { int verbosity = 0; }
struct Limits {
  static int maximum;
  static const int minimum = 1;
};
int Limits::maximum = 100;

[[picocache::cached]] int scaled(int n) { return n * scale; }
// CHECK: mutable-global.cpp:[[@LINE-1]]:54: warning: global variable 'scale' is mutable and read by a cached function: the cached result would not follow its changes [picocache-mutable-global]
// CHECK: mutable-global.cpp:[[@LINE-2]]:54: note: pass its value in as a parameter, or make it const

[[picocache::cached]] int remember(const std::string& entry) {
  history.push_back(entry);
  // CHECK: mutable-global.cpp:[[@LINE-1]]:3: warning: global variable 'history' is written by a cached function: the write happens on a cache miss only, not when the result comes from the cache [picocache-mutable-global]
  // CHECK: mutable-global.cpp:[[@LINE-2]]:3: note: return the new value instead, or keep the state outside the cached function
  return static_cast<int>(history.size());
  // CHECK: mutable-global.cpp:[[@LINE-1]]:27: warning: global variable 'history' is mutable and read by a cached function
  // CHECK: mutable-global.cpp:[[@LINE-2]]:27: note: pass its value in as a parameter, or make it const
}

[[picocache::cached]] int counted(int n) {
  static int calls = 0;
  ++calls;
  // CHECK: mutable-global.cpp:[[@LINE-1]]:5: warning: function-local static 'calls' is written by a cached function
  // CHECK: mutable-global.cpp:[[@LINE-2]]:5: note: return the new value instead, or keep the state outside the cached function
  return n + calls + calls;
  // CHECK: mutable-global.cpp:[[@LINE-1]]:14: warning: function-local static 'calls' is mutable and read by a cached function
  // CHECK: mutable-global.cpp:[[@LINE-2]]:14: note: pass its value in as a parameter, or make it const
}

[[picocache::cached]] int limited(int n) { return n < Limits::maximum ? n : Limits::minimum; }
// CHECK: mutable-global.cpp:[[@LINE-1]]:63: warning: static data member 'Limits::maximum' is mutable and read by a cached function
// CHECK: mutable-global.cpp:[[@LINE-2]]:63: note: pass its value in as a parameter, or make it const

[[picocache::cached]] int noisy(int n) {
  settings::verbosity = n;
  // CHECK: mutable-global.cpp:[[@LINE-1]]:13: warning: global variable 'verbosity' is written by a cached function
  // CHECK: mutable-global.cpp:[[@LINE-2]]:13: note: return the new value instead, or keep the state outside the cached function
  per_thread += n;
  // CHECK: mutable-global.cpp:[[@LINE-1]]:3: warning: thread-local variable 'per_thread' is written by a cached function
  // CHECK: mutable-global.cpp:[[@LINE-2]]:3: note: return the new value instead, or keep the state outside the cached function
  auto read_later = [] { return scale; };
  // CHECK: mutable-global.cpp:[[@LINE-1]]:33: warning: global variable 'scale' is mutable and read by a cached function
  // CHECK: mutable-global.cpp:[[@LINE-2]]:33: note: pass its value in as a parameter, or make it const
  return read_later();
}

// Negative cases: constants, locals, parameters, and functions without the annotation.
[[picocache::cached]] double constants(int n) {
  static const std::string label = "x";
  int local = n + kBase + kTable[n % 3] + static_cast<int>(label.size() + std::string(kName).size());
  return local * kPi;
}
int not_cached(int n) { scale = n; return scale + static_cast<int>(history.size()); }

// Suppression.
[[picocache::cached]] int suppressed(int n) { return n * scale; }  // NOLINT(picocache-mutable-global)

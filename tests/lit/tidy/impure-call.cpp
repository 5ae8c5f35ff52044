// RUN: %clang-tidy --load=%picocache-tidy-plugin -checks='-*,picocache-impure-call' %s -- -std=c++17 -Wno-unknown-attributes 2>&1 | %FileCheck %s --implicit-check-not=warning: --implicit-check-not=error: --implicit-check-not=note:

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <vector>
#include <sys/socket.h>

// The clock.
[[picocache::cached]] long stamp() { return static_cast<long>(std::time(nullptr)); }
// CHECK: impure-call.cpp:[[@LINE-1]]:63: warning: call to 'time' reads the clock: a cached result would keep the time of the first call [picocache-impure-call]
// CHECK: impure-call.cpp:[[@LINE-2]]:63: note: pass the time in as a parameter

[[picocache::cached]] long long uptime() {
  return std::chrono::steady_clock::now().time_since_epoch().count();
  // CHECK: impure-call.cpp:[[@LINE-1]]:10: warning: call to 'std::chrono::steady_clock::now' reads the clock
  // CHECK: impure-call.cpp:[[@LINE-2]]:10: note: pass the time in as a parameter
}

// Randomness.
[[picocache::cached]] int roll() { return std::rand() % 6 + 1; }
// CHECK: impure-call.cpp:[[@LINE-1]]:43: warning: call to 'rand' reads randomness: a cached result would repeat the first call's random values [picocache-impure-call]
// CHECK: impure-call.cpp:[[@LINE-2]]:43: note: pass the seed or the random values in as parameters

[[picocache::cached]] unsigned fresh_seed() {
  std::random_device device;
  // CHECK: impure-call.cpp:[[@LINE-1]]:22: warning: constructing 'std::random_device' reads randomness
  // CHECK: impure-call.cpp:[[@LINE-2]]:22: note: pass the seed or the random values in as parameters
  std::mt19937 engine(device());  // the device was reported where it was constructed
  return engine();
}

std::mt19937 shared_engine;
[[picocache::cached]] int draw() {
  std::uniform_int_distribution<int> dice(1, 6);
  return dice(shared_engine);
  // CHECK: impure-call.cpp:[[@LINE-1]]:10: warning: drawing from 'shared_engine' reads randomness
  // CHECK: impure-call.cpp:[[@LINE-2]]:10: note: pass the seed or the random values in as parameters
}

[[picocache::cached]] int draw_from(std::mt19937& engine) { return static_cast<int>(engine()); }
// CHECK: impure-call.cpp:[[@LINE-1]]:85: warning: drawing from 'engine' reads randomness
// CHECK: impure-call.cpp:[[@LINE-2]]:85: note: pass the seed or the random values in as parameters

// The environment.
[[picocache::cached]] std::string home() {
  const char* value = std::getenv("HOME");
  // CHECK: impure-call.cpp:[[@LINE-1]]:23: warning: call to 'getenv' reads the environment: a cached result would not follow changes to the environment [picocache-impure-call]
  // CHECK: impure-call.cpp:[[@LINE-2]]:23: note: read the environment outside the cached function and pass the value in as a parameter
  return value ? value : "";
}

// Files, the console and sockets.
[[picocache::cached]] std::string first_word(const std::string& path) {
  std::ifstream in(path);
  // CHECK: impure-call.cpp:[[@LINE-1]]:17: warning: constructing 'std::ifstream' does file, console or network I/O: a cached result would not follow changes to the data read, and a hit skips the I/O [picocache-impure-call]
  // CHECK: impure-call.cpp:[[@LINE-2]]:17: note: do the I/O outside the cached function and pass the data in as a parameter
  std::string word;
  in >> word;
  std::cout << word;
  // CHECK: impure-call.cpp:[[@LINE-1]]:3: warning: use of 'std::cout' does file, console or network I/O
  // CHECK: impure-call.cpp:[[@LINE-2]]:3: note: do the I/O outside the cached function and pass the data in as a parameter
  return word;
}

[[picocache::cached]] long file_size(const char* name) {
  std::FILE* file = std::fopen(name, "rb");
  // CHECK: impure-call.cpp:[[@LINE-1]]:21: warning: call to 'fopen' does file, console or network I/O
  // CHECK: impure-call.cpp:[[@LINE-2]]:21: note: do the I/O outside the cached function and pass the data in as a parameter
  return file ? 1 : 0;
}

[[picocache::cached]] bool present(const std::string& name) {
  return std::filesystem::exists(std::filesystem::path(name) / "index.html");
  // CHECK: impure-call.cpp:[[@LINE-1]]:10: warning: call to 'std::filesystem::exists' does file, console or network I/O
  // CHECK: impure-call.cpp:[[@LINE-2]]:10: note: do the I/O outside the cached function and pass the data in as a parameter
}

[[picocache::cached]] int open_socket() { return socket(AF_INET, SOCK_STREAM, 0); }
// CHECK: impure-call.cpp:[[@LINE-1]]:50: warning: call to 'socket' does file, console or network I/O
// CHECK: impure-call.cpp:[[@LINE-2]]:50: note: do the I/O outside the cached function and pass the data in as a parameter

// A lambda in the body is part of the body.
[[picocache::cached]] long later() {
  auto now = [] { return std::clock(); };
  // CHECK: impure-call.cpp:[[@LINE-1]]:26: warning: call to 'clock' reads the clock
  // CHECK: impure-call.cpp:[[@LINE-2]]:26: note: pass the time in as a parameter
  return now();
}

// One level of calls into functions defined in this file (here after their use).
static std::string setting(const char* name);
[[picocache::cached]] std::string greeting() { return "hello " + setting("USER"); }
// CHECK: impure-call.cpp:[[@LINE-1]]:66: warning: call to 'setting' reads the environment (it calls 'getenv'): a cached result would not follow changes to the environment [picocache-impure-call]
static std::string setting(const char* name) {
  const char* value = std::getenv(name);
  // CHECK: impure-call.cpp:[[@LINE-1]]:23: note: call to 'getenv' here
  // CHECK: impure-call.cpp:[[@LINE-5]]:66: note: read the environment outside the cached function and pass the value in as a parameter
  return value ? value : "";
}

// Two levels down is not followed.
static std::string two_levels() { return setting("LANG"); }
[[picocache::cached]] std::string language() { return two_levels(); }

// Negative cases: pure bodies, locally seeded engines, recursion, library templates, and
// functions without the annotation.
[[picocache::cached]] int shuffled_sum(std::vector<int> values, unsigned seed) {
  std::mt19937 engine(seed);
  std::shuffle(values.begin(), values.end(), engine);
  std::uniform_int_distribution<int> dice(1, 6);
  int sum = dice(engine) + static_cast<int>(engine());
  std::sort(values.begin(), values.end());
  for (int v : values) sum = sum * 31 + v;
  return sum;
}
[[picocache::cached]] int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
[[picocache::cached]] std::string joined(const std::string& dir) {
  return (std::filesystem::path(dir) / "file.txt").string();
}
long not_cached() { return static_cast<long>(std::time(nullptr)) + std::rand(); }
int helper_pure(int n) { return n * 2; }
[[picocache::cached]] int calls_pure(int n) { return helper_pure(n); }

// Suppression.
[[picocache::cached]] long suppressed() { return static_cast<long>(std::time(nullptr)); }  // NOLINT(picocache-impure-call)

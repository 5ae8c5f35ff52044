// The body of a cached free function runs as a function of the same name (not a lambda), so it
// keeps its context: __func__ is the function's name, a by-value parameter is moved into the body
// and `return t;` moves it out (no copy), move-only parameters and results work (a hit decodes a
// new result from the stored bytes), and recursion still goes through the cache at every level.
//
// RUN: %picocache-gen %s -o %t.cpp -- -std=c++17 -I%S/Inputs -I%picocache-include
// RUN: %cxx17 -I%S/Inputs %t.cpp -o %t.gcc && %t.gcc | %FileCheck %s
// RUN: %clangxx17 -I%S/Inputs %t.cpp -o %t.clang && %t.clang | %FileCheck %s
#include "memory_store.hpp"

#include <cstdio>
#include <string>

int bodies = 0;

[[picocache::cached]] long fib(int n) {
  ++bodies;
  if (n == 10) std::printf("in %s\n", __func__);
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

struct Tracked {
  static int copies;
  int value = 0;
  Tracked() = default;
  explicit Tracked(int v) : value(v) {}
  Tracked(const Tracked& other) : value(other.value) { ++copies; }
  Tracked(Tracked&&) = default;
  Tracked& operator=(const Tracked& other) {
    value = other.value;
    ++copies;
    return *this;
  }
  Tracked& operator=(Tracked&&) = default;
};
int Tracked::copies = 0;

[[picocache::cached]] Tracked echo(Tracked t) {
  t.value += 1;
  return t;  // implicit move: t is the body's own parameter
}

struct Ticket {  // move-only
  std::string code;
  Ticket() = default;
  explicit Ticket(std::string c) : code(std::move(c)) {}
  Ticket(Ticket&&) = default;
  Ticket& operator=(Ticket&&) = default;
  Ticket(const Ticket&) = delete;
  Ticket& operator=(const Ticket&) = delete;
};

[[picocache::cached]] Ticket stamp(Ticket ticket) {
  ++bodies;
  ticket.code += "!";
  return ticket;
}

int main() {
  const long fib30 = fib(30);
  std::printf("fib(30) = %ld after %d bodies\n", fib30, bodies);
  bodies = 0;
  const long fib31 = fib(31);
  std::printf("fib(31) = %ld after %d bodies\n", fib31, bodies);

  const Tracked first = echo(Tracked(41));
  std::printf("echo %d, copies %d\n", first.value, Tracked::copies);

  bodies = 0;
  const Ticket miss = stamp(Ticket("A7"));
  const Ticket hit = stamp(Ticket("A7"));
  std::printf("stamp %s %s after %d bodies\n", miss.code.c_str(), hit.code.c_str(), bodies);
  return 0;
}
// CHECK: in fib
// CHECK-NEXT: fib(30) = 832040 after 31 bodies
// CHECK-NEXT: fib(31) = 1346269 after 1 bodies
// CHECK-NEXT: echo 42, copies 0
// CHECK-NEXT: stamp A7! A7! after 1 bodies

// Parameters, objects and results that cannot be encoded: each an error naming the parameter
// (and the member, with a note where it is declared), with a hint; nothing is written.
//
// RUN: rm -f %t.cpp
// RUN: %not %picocache-gen %s -o %t.cpp -- -std=c++17 2>&1 | %FileCheck %s --implicit-check-not=error:
// RUN: test ! -e %t.cpp
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

// CHECK: error_types.cpp:[[@LINE+2]]:46: error: parameter 'text' of cached function 'length' cannot be encoded: it has type 'const char *' (a raw pointer)
// CHECK: note: a pointer's address means nothing in another process
[[picocache::cached]] int length(const char* text) { return text[0]; }

// CHECK: error_types.cpp:[[@LINE+2]]:50: error: parameter 'values' of cached function 'fill' is a non-const reference ('std::vector<int> &'): a cached call would not make the changes the body makes
// CHECK: note: take the parameter by value or by const reference
[[picocache::cached]] int fill(std::vector<int>& values) { return values.size(); }

// CHECK: error_types.cpp:[[@LINE+2]]:39: error: parameter 'op' of cached function 'apply' cannot be encoded: it has type 'int (*)(int)' (a function pointer)
// CHECK: note: a function pointer cannot be part of a cache key
[[picocache::cached]] int apply(int (*op)(int), int x) { return op(x); }

// CHECK: error_types.cpp:[[@LINE+7]]:44: error: parameter 'q' of cached function 'run' cannot be encoded: 'q.name' has type 'const char *' (a raw pointer)
// CHECK: error_types.cpp:[[@LINE+4]]:15: note: member 'name' of 'Query' declared here
// CHECK: note: a pointer's address means nothing in another process
struct Query {
  std::string table;
  const char* name;
};
[[picocache::cached]] int run(const Query& q) { return q.name[0]; }

// Inside containers and nested records, the path shows where.
struct Node {
  std::vector<Query> children;
};
// CHECK: error_types.cpp:[[@LINE+2]]:60: error: parameter 'nodes' of cached function 'count' cannot be encoded: 'nodes[value].children[].name' has type 'const char *' (a raw pointer)
// CHECK: error_types.cpp:{{[0-9]+}}:15: note: member 'name' of 'Query' declared here
[[picocache::cached]] int count(const std::map<int, Node>& nodes) { return nodes.size(); }

// Owning pointers are results only: as a parameter, their address is no key.
// CHECK: error_types.cpp:[[@LINE+2]]:54: error: parameter 'p' of cached function 'deref' cannot be encoded: it has type 'std::shared_ptr<int>' (a smart pointer: its address is no key)
// CHECK: note: pass the object by const reference (or by value)
[[picocache::cached]] int deref(std::shared_ptr<int> p) { return *p; }

// CHECK: error_types.cpp:[[@LINE+2]]:44: error: parameter 'x' of cached function 'wide' cannot be encoded: it has type 'long double' (no codec: its size and layout differ between platforms)
// CHECK: note: use double
[[picocache::cached]] int wide(long double x) { return x; }

// Results must also decode.
// CHECK: error_types.cpp:[[@LINE+2]]:23: error: the result of cached function 'name_of' cannot be stored: it has type 'std::string_view' (cannot be read back: a string_view would point into the store's buffer)
// CHECK: note: return std::string instead
[[picocache::cached]] std::string_view name_of(int x) { return x ? "a" : "b"; }

// CHECK: error_types.cpp:[[@LINE+1]]:29: error: the result of cached function 'make' cannot be stored: it has type 'const char *' (a raw pointer)
[[picocache::cached]] const char* make(int x) { return x ? "a" : "b"; }

struct NoDefault {
  explicit NoDefault(int v) : value(v) {}
  int value;
};
// CHECK: error_types.cpp:[[@LINE+2]]:23: error: the result of cached function 'build' cannot be stored: it has type 'NoDefault' (a class without a public default constructor that is not an aggregate: the generated decoder default-constructs the value and assigns its members)
// CHECK: note: add a public default constructor to 'NoDefault', or to cache it anyway, write a codec for 'NoDefault' (see picocache/codec.hpp): template <> struct picocache::Codec<NoDefault> { static void encode(picocache::Encoder& e, const NoDefault& value) { e.write(/* each part of value */); } static NoDefault decode(picocache::Decoder& d) { return NoDefault(d.read</* each part's type */>()); } static void describe(std::string& schema) { schema += "NoDefault{...}"; /* name each part and its type */ } };
[[picocache::cached]] NoDefault build(int x) { return NoDefault(x); }

// A const member function's key includes the object, so the object must encode too.
class Counter {
 public:
  // CHECK: error_types.cpp:[[@LINE+3]]:29: error: the object of const member function 'Counter::total' (its key includes *this) cannot be encoded: 'this->lock_' has type 'std::mutex' (a standard library type PicoCache has no codec for)
  // CHECK: error_types.cpp:[[@LINE+5]]:22: note: member 'lock_' of 'Counter' declared here
  // CHECK: note: to cache it anyway, write a codec for 'Counter' (see picocache/codec.hpp): template <> struct picocache::Codec<Counter> { static void encode(picocache::Encoder& e, const Counter& value)
  [[picocache::cached]] int total() const { return count_; }
 private:
  int count_ = 0;
  mutable std::mutex lock_;
};

// Cached functions in namespaces: named, nested (a::b), inline, anonymous, extern "C++" blocks,
// and defined out of their namespace with a qualified name. Generated code that must live at
// global scope leaves and re-enters the namespaces around it.
//
// RUN: %picocache-gen %s -o %t.cpp -- -std=c++17
// RUN: grep -v -e CHECK -e RUN %t.cpp | %FileCheck %s
// RUN: %cxx17 -c %t.cpp -o %t.gcc.o
// RUN: %clangxx17 -c %t.cpp -o %t.clang.o
#include <string>

namespace geo {
double pi() { return 3.14159; }

// CHECK: {{^}}}  // picocache-gen: to global scope
// CHECK-NEXT: namespace {
// CHECK-NEXT: ::picocache::CachedFunction& picocache_fn_0_{{[0-9a-f]+}}();
// CHECK-NEXT: }  // namespace
// CHECK-NEXT: namespace geo {  // picocache-gen: back
[[picocache::cached]] double area(double r) { return pi() * r * r; }
// CHECK: "geo::area", "double (double)"

namespace detail::inner {
// CHECK: }  // picocache-gen: to global scope
// CHECK-NEXT: }  // picocache-gen: to global scope
// CHECK: namespace geo {  // picocache-gen: back
// CHECK-NEXT: namespace detail::inner {  // picocache-gen: back
[[picocache::cached]] int depth(int x) { return x + 1; }
// CHECK: address_of<int (*)(int)>(&::geo::detail::inner::depth)
// CHECK-NEXT: "geo::detail::inner::depth", "int32 (int32)"
}  // namespace detail::inner

inline namespace v2 {
// CHECK: inline namespace v2 {  // picocache-gen: back
[[picocache::cached]] int version(int x) { return x * 2; }
// CHECK: address_of<int (*)(int)>(&::geo::version)
// CHECK-NEXT: "geo::v2::version", "int32 (int32)"
}  // namespace v2

namespace {
// Internal linkage: the store name carries the file's name, so equal names in two files differ.
// CHECK: namespace {  // picocache-gen: back
[[picocache::cached]] int hidden(int x) { return x - 1; }
// CHECK: address_of<int (*)(int)>(&::geo::hidden)
// CHECK-NEXT: "namespaces.cpp:geo::(anonymous namespace)::hidden", "int32 (int32)"

// Types of an anonymous namespace inside a named one are named through the named namespace.
struct Cell {
  int v = 0;
};
class Board {
 public:
  // CHECK: address_of<int (geo::Board::*)(const geo::Cell &) const>(&geo::Board::score)
  [[picocache::cached]] int score(const Cell& c) const { return c.v + size_; }

 private:
  int size_ = 3;
};
}  // namespace

int use_hidden() { return hidden(1) + Board().score(Cell{}); }
}  // namespace geo

extern "C++" {
namespace text {
// CHECK: extern "C++" {  // picocache-gen: back
// CHECK-NEXT: namespace text {  // picocache-gen: back
[[picocache::cached]] std::string shout(const std::string& s) { return s + "!"; }
// CHECK: "text::shout", "std::basic_string<char> (const std::basic_string<char> &)"
}
}

// Declared in its namespace, defined outside with a qualified name.
namespace geo {
[[picocache::cached(maxsize = 8)]] double perimeter(double r);
}
// The body function is defined in geo (the qualifier is blanked), and so is the wrapper.
// CHECK: namespace geo {  // picocache-gen: back
// CHECK-NEXT: namespace picocache_body_{{[0-9]+_[0-9a-f]+}} {
// CHECK-NEXT: {{^}}double perimeter(double r);
// CHECK-NEXT: #line [[@LINE+6]] "{{.*}}namespaces.cpp"
// CHECK-NEXT: {{^double      perimeter\(double r\) \{ return 2 \* pi\(\) \* r; \}$}}
// CHECK-NEXT: #line
// CHECK-NEXT: }  // namespace picocache_body_{{[0-9]+_[0-9a-f]+}}
// CHECK-NEXT: {{^}}double perimeter(double r) {
// CHECK-NEXT: {{^}}  return ::picocache::memoize<double>
double geo::perimeter(double r) { return 2 * pi() * r; }
// CHECK: "geo::perimeter", "double (double)", "fp:{{[0-9a-f]+}}", ::picocache::key_schema<{{.*}}>(), 8ULL

// A static function: internal linkage, named with the file.
// CHECK: "namespaces.cpp:local", "int32 (int32)"
[[picocache::cached]] static int local(int x) { return x; }
int use_local() { return local(2); }

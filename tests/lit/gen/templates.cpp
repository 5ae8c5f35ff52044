// Function templates and members of class templates: each instantiation is its own cached
// function, its CachedFunction a static local of the instantiation (one per program), its
// qualified name built at run time with the template arguments spelled canonically
// (picocache/template_arguments.hpp): integer types by width, other types by their codec schema,
// types without a codec by the compiler's spelling, non-type arguments by value. Two
// instantiations are two functions; the program prints their names as the store sees them, the
// same from GCC and Clang. The code fingerprint is the template's (one for every instantiation);
// key_schema<...>() names the pattern's key types, so each instantiation has its own.
//
// RUN: %picocache-gen %s -o %t.cpp -- -std=c++17
// RUN: grep -v -e CHECK -e RUN %t.cpp | %FileCheck %s
// RUN: %cxx17 -DDRIVER -I%S/Inputs %t.cpp -o %t.gcc && %t.gcc | %FileCheck %s --check-prefix=OUT
// RUN: %clangxx17 -DDRIVER -I%S/Inputs %t.cpp -o %t.clang && %t.clang | %FileCheck %s --check-prefix=OUT
#include <functional>
#include <string>
#include <vector>

namespace geo {

// CHECK: #include <picocache/template_arguments.hpp>
// CHECK: T scale(T value) { static ::picocache::CachedFunction& picocache_function = *new ::picocache::CachedFunction{
// CHECK-NEXT: ::picocache::address_of<T (*)(T)>(&::geo::scale<T, Factor>),
// CHECK-NEXT: (::std::string("geo::scale<") + ::picocache::template_argument<T>() + ", " + ::picocache::template_value<Factor>() + ::std::string(">")).c_str(), "T (T)", "fp:{{([0-9a-f]{32})}}", ::picocache::key_schema<T>(), 128ULL, false};
// CHECK-SAME: return ::picocache::memoize<T>(picocache_function,
template <class T, int Factor>
[[picocache::cached]] T scale(T value) {
  return value * Factor;
}

// A comparator has no codec: its compiler spelling names it.
template <class Less>
[[picocache::cached]] int smallest(const std::vector<int>& values) {
  int best = values.empty() ? 0 : values.front();
  for (int v : values)
    if (Less{}(v, best)) best = v;
  return best;
}

// CHECK: (::std::string("geo::Table<") + ::picocache::template_argument<Key>() + ::std::string(">::width")).c_str(), "uint64 (const Key &)", "fp:{{([0-9a-f]{32})}}", ::picocache::key_schema<Key>(), 128ULL, false};
template <class Key>
struct Table {
  [[picocache::cached]] static std::size_t width(const Key& key) { return key.size(); }
};

}  // namespace geo

// OUT: schemas [[INT:[0-9a-f]{16}]] [[DOUBLE:[0-9a-f]{16}]] [[LONG:[0-9a-f]{16}]] [[STRING:[0-9a-f]{16}]]
// OUT-NEXT: function geo::scale<int32, 3> T (T) [[FP:fp:[0-9a-f]{32}]] [[INT]]
// OUT-NEXT: 6
// OUT-NEXT: function geo::scale<double, 3> T (T) [[FP]] [[DOUBLE]]
// OUT-NEXT: 7.5
// OUT-NEXT: function geo::scale<int64, 3> T (T) [[FP]] [[LONG]]
// OUT-NEXT: 9
// OUT-NEXT: 6
// OUT-NEXT: function geo::smallest<std::greater<int>> int32 (const std::vector<int32> &) fp:{{([0-9a-f]{32}) [0-9a-f]{16}$}}
// OUT-NEXT: 1
// OUT-NEXT: function geo::Table<s>::width uint64 (const Key &) fp:{{([0-9a-f]{32})}} [[STRING]]
// OUT-NEXT: 5
#ifdef DRIVER
#define PICOCACHE_STUB_PRINT_NAMES
#include "runtime_stubs.hpp"

#include <cstdio>

int main() {
  std::printf("schemas %016llx %016llx %016llx %016llx\n",
              static_cast<unsigned long long>(picocache::key_schema<int>()),
              static_cast<unsigned long long>(picocache::key_schema<double>()),
              static_cast<unsigned long long>(picocache::key_schema<long>()),
              static_cast<unsigned long long>(picocache::key_schema<std::string>()));
  std::printf("%d\n", geo::scale<int, 3>(2));
  std::printf("%.1f\n", geo::scale<double, 3>(2.5));
  std::printf("%ld\n", geo::scale<long, 3>(3));
  std::printf("%d\n", geo::scale<int, 3>(2));  // the same instantiation: no new function
  std::printf("%d\n", geo::smallest<std::greater<int>>({1, 0}));
  std::printf("%zu\n", geo::Table<std::string>::width("hello"));
}
#endif

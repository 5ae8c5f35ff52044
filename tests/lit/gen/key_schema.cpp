// The key's types enter a function's identity through ::picocache::key_schema<...>(), computed at
// run time from the codecs' descriptions (a user's Codec counts too): the class of a non-static
// member first, then the named parameters, decayed. Two same-typed fields of a parameter struct
// swapped give another key schema, so keys stored for the old layout never match new, different
// arguments. (The id built from it: tests/unit/identity_test.cpp.)
//
// RUN: %picocache-gen %s -o %t.base.cpp -- -std=c++17
// RUN: grep -v -e CHECK -e RUN %t.base.cpp | %FileCheck %s
// RUN: %cxx17 -DDRIVER -I%S/Inputs %t.base.cpp -o %t.base && %t.base | %FileCheck %s --check-prefix=BASE
// RUN: %picocache-gen %s -o %t.swapped.cpp -- -std=c++17 -DSWAPPED
// RUN: %clangxx17 -DDRIVER -DSWAPPED -I%S/Inputs %t.swapped.cpp -o %t.swapped && %t.swapped | %FileCheck %s --check-prefix=SWAPPED
// RUN: %t.base > %t.both && %t.swapped >> %t.both
// RUN: test "$(cut -d' ' -f2 %t.both | sort -u | wc -l)" -eq 2
#include <string>

struct Size {
#ifdef SWAPPED
  int height = 0;
  int width = 0;
#else
  int width = 0;
  int height = 0;
#endif
};

// CHECK: "area", "int32 (Size)", "fp:{{[0-9a-f]+}}", ::picocache::key_schema<::Size>(), 128ULL, false};
[[picocache::cached]] int area(Size size) { return size.width * size.height; }

// References and const are not part of the key's types; unnamed parameters are not in the
// key at all.
struct Grid {
  int rows = 2;
  // CHECK: "Grid::cell", "int32 (const std::basic_string<char> &, int32, int64) const", "fp:{{[0-9a-f]+}}", ::picocache::key_schema<::Grid, ::std::string, int>(), 128ULL, false};
  [[picocache::cached]] int cell(const std::string& name, int column, long) const {
    return rows * column + static_cast<int>(name.size());
  }
};

// BASE: rec<Size;width:i;height:i> {{[0-9]+}}
// SWAPPED: rec<Size;height:i;width:i> {{[0-9]+}}
#ifdef DRIVER
#include "runtime_stubs.hpp"

#include <iostream>

int main() {
  std::cout << picocache::schema_of<Size>() << ' ' << picocache::key_schema<Size>() << '\n';
  return area(Size{}) == 0 && Grid{}.cell("ab", 1, 0) == 4 ? 0 : 1;
}
#endif

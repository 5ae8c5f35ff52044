// Signatures spell the standard integer types by width (int8..int64, uint8..uint64), so one
// function has one identity on every platform where its types have the same range: int64_t is
// `long` on x86_64 Linux and `long long` on 32-bit Linux (and Windows), and both read "int64".
// `char`, `bool`, `wchar_t` and the charN_t types keep their names; so do names that merely
// contain an integer keyword.
//
// RUN: %picocache-gen %s -o %t.cpp -- -std=c++17 --target=x86_64-linux-gnu
// RUN: grep -v -e CHECK -e RUN %t.cpp | %FileCheck %s --check-prefixes=CHECK,LP64
// The same types on 32-bit Linux (an input without system headers, which are not installed for
// that target): int64_t is `long long` there.
// RUN: %picocache-gen %S/Inputs/portable_ilp32.cpp -o %t32.cpp -- -std=c++17 --target=i686-linux-gnu
// RUN: grep -v -e CHECK -e RUN %t32.cpp | %FileCheck %S/Inputs/portable_ilp32.cpp
// RUN: %cxx17 -c %t.cpp -o %t.gcc.o
// RUN: %clangxx17 -c %t.cpp -o %t.clang.o
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

// CHECK: "total", "int64 (int64, uint64)"
[[picocache::cached]] std::int64_t total(std::int64_t a, std::uint64_t b) {
  return a + static_cast<std::int64_t>(b);
}
// CHECK: "narrow", "int8 (uint8, int16, uint16, uint32)"
[[picocache::cached]] std::int8_t narrow(std::uint8_t a, short b, unsigned short c, unsigned d) {
  return static_cast<std::int8_t>(a + b + c + d);
}
// `long` has the width of a pointer on Linux: 64 bits here, 32 on i686 (Inputs/portable_ilp32.cpp).
// LP64: "width", "int64 (int64, uint64)"
[[picocache::cached]] long width(long long a, unsigned long long b) {
  return static_cast<long>(a + static_cast<long long>(b));
}
// CHECK: "characters", "char (char, bool, wchar_t, char16_t, char32_t)"
[[picocache::cached]] char characters(char c, bool b, wchar_t w, char16_t s, char32_t t) {
  return b && w && s && t ? c : ' ';
}
// In template arguments too; type names containing `int` or `long` stay as they are.
struct long_int_pair {
  long first;
  int second;
};
// CHECK: "sizes", "std::vector<int32> (const std::vector<uint64> &, long_int_pair)"
[[picocache::cached]] std::vector<int> sizes(const std::vector<std::size_t>& values,
                                             long_int_pair p) {
  return {static_cast<int>(values.size()), p.second};
}

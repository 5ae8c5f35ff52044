// Signatures are kept as written: overloads (each its own entry: the address is cast to the exact
// function pointer type, the signature text differs), noexcept, default arguments, trailing and
// deduced return types, inline, parameters by value, by const reference, as std::string_view,
// by rvalue reference, and unnamed (not part of the key: the body cannot read them).
//
// RUN: %picocache-gen %s -o %t.cpp -- -std=c++17
// RUN: grep -v -e CHECK -e RUN %t.cpp | %FileCheck %s
// RUN: %cxx17 -c %t.cpp -o %t.gcc.o
// RUN: %clangxx17 -c %t.cpp -o %t.clang.o
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

// CHECK: int scale(int x) {
// CHECK: {{^}}  return ::picocache::memoize<int>(::picocache_fn_0_{{[0-9a-f]+}}()
[[picocache::cached]] int scale(int x) { return x * 2; }
// CHECK: address_of<int (*)(int)>(&::scale),
// CHECK-NEXT: "scale", "int32 (int32)"
// CHECK: double scale(double x) {
// CHECK: {{^}}  return ::picocache::memoize<double>(::picocache_fn_1_{{[0-9a-f]+}}()
[[picocache::cached]] double scale(double x) { return x * 2; }
// CHECK: address_of<double (*)(double)>(&::scale),
// CHECK-NEXT: "scale", "double (double)"
// CHECK: address_of<::std::string (*)(const ::std::string &, int)>(&::scale),
// CHECK-NEXT: "scale", "std::basic_string<char> (const std::basic_string<char> &, int32)"
[[picocache::cached]] std::string scale(const std::string& s, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += s;
  return out;
}

// noexcept and default arguments stay; the pointer type drops noexcept (it converts).
// CHECK: std::int64_t clamp(std::int64_t v, std::int64_t low = 0, std::int64_t high = 100) noexcept {
// CHECK: {{^}}  return ::picocache::memoize<::int64_t>(
[[picocache::cached]] std::int64_t clamp(std::int64_t v, std::int64_t low = 0, std::int64_t high = 100) noexcept {
  return v < low ? low : v > high ? high : v;
}
// CHECK: address_of<::int64_t (*)(::int64_t, ::int64_t, ::int64_t)>(&::clamp)
// CHECK-NEXT: "clamp", "int64 (int64, int64, int64)"

// Trailing and deduced return types.
// CHECK: auto mean(const std::vector<double>& values) -> double {
// CHECK: {{^}}  return ::picocache::memoize<double>(
[[picocache::cached]] auto mean(const std::vector<double>& values) -> double {
  double sum = 0;
  for (double v : values) sum += v;
  return values.empty() ? 0 : sum / values.size();
}
// CHECK: "mean", "double (const std::vector<double> &)"
// CHECK: auto label(int n) {
// CHECK: {{^}}  return ::picocache::memoize<::std::basic_string<char{{.*}}>>({{.*}}, [&]() -> ::std::basic_string<char{{.*}}> {
[[picocache::cached]] auto label(int n) { return std::to_string(n) + "!"; }

// inline, string_view, rvalue references, unnamed parameters.
// CHECK: inline std::size_t count_words(std::string_view text, int) {
// CHECK: {{^}}  return ::picocache::memoize<::std::size_t>(::picocache_fn_{{[0-9]+_[0-9a-f]+}}(), [&](::picocache::Encoder& picocache_encoder) { picocache_encoder.write(text); }, [&]() -> ::std::size_t {
[[picocache::cached]] inline std::size_t count_words(std::string_view text, int) {
  std::size_t words = 0;
  bool in_word = false;
  for (char c : text) {
    if (c != ' ' && !in_word) ++words;
    in_word = c != ' ';
  }
  return words;
}
// CHECK: "count_words", "uint64 (std::basic_string_view<char>, int32)"
// CHECK: std::size_t total(std::vector<int>&& values) {
// CHECK: {{^}}  return ::picocache::memoize<::std::size_t>(::picocache_fn_{{[0-9]+_[0-9a-f]+}}(), [&](::picocache::Encoder& picocache_encoder) { picocache_encoder.write(values); }
[[picocache::cached]] std::size_t total(std::vector<int>&& values) { return values.size(); }
// No named parameter: nothing to encode.
// CHECK: int answer(int) {
// CHECK: {{^}}  return ::picocache::memoize<int>(::picocache_fn_{{[0-9]+_[0-9a-f]+}}(), [](::picocache::Encoder&) {}, [&]() -> int {
[[picocache::cached]] int answer(int) { return 42; }
// Standard containers of standard types need no generated codec.
// CHECK-NOT: struct Codec<
[[picocache::cached]] std::map<std::string, int> histogram(const std::vector<std::string>& words) {
  std::map<std::string, int> counts;
  for (const auto& w : words) ++counts[w];
  return counts;
}

int use() { return scale(1) + static_cast<int>(scale(1.0)) + static_cast<int>(clamp(5)) + static_cast<int>(count_words("a b", 0)) + answer(1); }

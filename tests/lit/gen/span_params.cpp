// std::span<const T> parameters (C++20) are encoded by their elements, as a std::vector of them;
// a span of non-const elements is refused.
//
// RUN: %picocache-gen %s -o %t.cpp -- -std=c++20
// RUN: %cxx17 -std=c++20 -DDRIVER -I%S/Inputs %t.cpp -o %t.gcc && %t.gcc | %FileCheck %s --check-prefix=OUT
// RUN: %clangxx17 -std=c++20 -DDRIVER -I%S/Inputs %t.cpp -o %t.clang && %t.clang | %FileCheck %s --check-prefix=OUT
// RUN: %not %picocache-gen %s -o %t.bad.cpp -- -std=c++20 -DBAD 2>&1 | %FileCheck %s --check-prefix=BAD
#include <span>
#include <vector>

[[picocache::cached]] int total(std::span<const int> values) {
  int sum = 0;
  for (int v : values) sum += v;
  return sum;
}

#ifdef BAD
// BAD: span_params.cpp:[[@LINE+2]]:{{[0-9]+}}: error: parameter 'values' of cached function 'clear' cannot be encoded: it has type 'std::span<int>' (a span of non-const elements: the body could change the caller's data)
// BAD: note: take std::span<const int>
[[picocache::cached]] int clear(std::span<int> values) { return static_cast<int>(values.size()); }
#endif

#ifdef DRIVER
#include "runtime_stubs.hpp"

#include <iostream>

int main() {
  const std::vector<int> values{1, 2, 3};
  std::string span_key;
  std::string vector_key;
  picocache::Encoder span_encoder(span_key, picocache::EncodeMode::key);
  span_encoder.write(std::span<const int>(values));
  picocache::Encoder vector_encoder(vector_key, picocache::EncodeMode::key);
  vector_encoder.write(values);
  // OUT: 6 same
  std::cout << total(values) << ' ' << (span_key == vector_key ? "same" : "different") << '\n';
  return 0;
}
#endif

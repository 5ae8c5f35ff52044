// Function-try-blocks: the try block is cached as a body is; the handlers stay where they are
// (the wrapper follows the last one). A free function keeps its body-function shape, a const
// member function the member shape.
//
// RUN: %picocache-gen %s -o %t.cpp -- -std=c++17
// RUN: %cxx17 -DDRIVER -I%S/Inputs %t.cpp -o %t.gcc && %t.gcc | %FileCheck %s --check-prefix=OUT
// RUN: %clangxx17 -DDRIVER -I%S/Inputs %t.cpp -o %t.clang && %t.clang | %FileCheck %s --check-prefix=OUT
#include <stdexcept>
#include <string>

int parse_calls = 0;

[[picocache::cached]] int parse(const std::string& text) try {
  ++parse_calls;
  return std::stoi(text);
} catch (const std::invalid_argument&) {
  return -1;
}

class Scale {
 public:
  [[picocache::cached]] int apply(int x) const try {
    if (x < 0) throw std::out_of_range("negative");
    return x * factor_;
  } catch (const std::out_of_range&) {
    return 0;
  }

 private:
  int factor_ = 3;
};

#ifdef DRIVER
#include "runtime_stubs.hpp"

#include <iostream>

int main() {
  // OUT: 42 -1 2
  std::cout << parse("42") << ' ' << parse("x") << ' ' << parse_calls << '\n';
  // OUT-NEXT: 6 0
  std::cout << Scale().apply(2) << ' ' << Scale().apply(-1) << '\n';
  return 0;
}
#endif

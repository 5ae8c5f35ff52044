// A generated codec asserts the layout picocache-gen saw: when the tool parsed the file with
// other flags than the compiler (here a -D only the tool got, which widens a field), the build
// fails at the codec instead of encoding a different struct than the compiler's.
//
// RUN: %picocache-gen %s -o %t.wide.cpp -- -std=c++17 -DPROBE_WIDE
// RUN: %not %cxx17 -c %t.wide.cpp -o %t.wide.o 2> %t.gcc.err
// RUN: %FileCheck --input-file=%t.gcc.err %s
// RUN: %not %clangxx17 -c %t.wide.cpp -o %t.wide.o 2> %t.clang.err
// RUN: %FileCheck --input-file=%t.clang.err %s
//
// With the same flags, it compiles.
// RUN: %picocache-gen %s -o %t.cpp -- -std=c++17
// RUN: %cxx17 -c %t.cpp -o %t.o
// RUN: %clangxx17 -c %t.cpp -o %t.o
#include <cstdint>

struct Sample {
  std::int32_t first = 0;
#ifdef PROBE_WIDE
  std::int64_t second = 0;
#else
  std::int32_t second = 0;
#endif
};

[[picocache::cached]] std::int64_t total(Sample sample) { return sample.first + sample.second; }

// CHECK: static assertion failed{{.*}}picocache-gen saw another layout of Sample: it parsed this file with other flags than the compiler

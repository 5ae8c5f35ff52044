// picocache-gen takes the flags a GCC-oriented build passes: GCC-only options are dropped,
// -Werror/-w/-pedantic-errors do not change what it sees, output and dependency options are
// ignored, and Clang's builtin headers and libstdc++ are found without -resource-dir.
// It also reads flags from a compilation database (-p).
//
// RUN: %picocache-gen %s -o %t.cpp -- -std=gnu++17 -O2 -g -fPIC -Wall -Wextra -Werror -w -pedantic-errors -Werror=return-type -fconcepts-diagnostics-depth=2 -Wno-maybe-uninitialized -fno-semantic-interposition -fno-tree-vectorize -fconcepts-diagnostics-depth=2 -fno-gnu-unique "SHELL:-D FROM_SHELL=3" -MD -MF %t.ignored.d -c -o %t.ignored.o 2> %t.err
// RUN: grep -v -e CHECK -e RUN %t.cpp | %FileCheck %s
//
// The options Clang does not accept are named once, in a note; nothing else is printed.
// RUN: %FileCheck --check-prefix=NOTE --input-file=%t.err %s
// NOTE: picocache-gen: note: ignoring options Clang does not accept (the compiler still gets them): -fconcepts-diagnostics-depth=2 -fno-gnu-unique{{$}}
// NOTE-NOT: {{.}}
// RUN: %cxx17 -DFROM_SHELL=3 -c %t.cpp -o %t.o
//
// RUN: rm -rf %t.db && mkdir -p %t.db
// RUN: echo '[{"directory": "%t.db", "file": "%s", "command": "g++ -std=c++17 -Wall -fconcepts-diagnostics-depth=2 -DFROM_SHELL=3 -c %s -o x.o"}]' > %t.db/compile_commands.json
// RUN: %picocache-gen -p %t.db %s -o %t.db/out/generated.cpp
// RUN: grep -v -e CHECK -e RUN %t.db/out/generated.cpp | %FileCheck %s
// CMake's "SHELL:-D FROM_SHELL=3" (target_compile_options) reaches the parse as two words.
#if FROM_SHELL != 3
#error FROM_SHELL was not defined
#endif

#include <map>
#include <string>
#include <unordered_map>
#include <vector>

// CHECK: int letters(const std::string& word) {
// CHECK: {{^}}  return ::picocache::memoize<int>(
[[picocache::cached]] int letters(const std::string& word) {
  std::unordered_map<char, int> seen;
  for (char c : word) ++seen[c];
  return static_cast<int>(seen.size());
}

// The schema fingerprint of a result type changes when a member is added, removed, renamed or
// retyped, so values stored for the old shape are misses, never misread. Each variant is
// generated and compiled separately and prints its schema.
//
// RUN: %picocache-gen %s -o %t.base.cpp -- -std=c++17
// RUN: %cxx17 -DDRIVER -I%S/Inputs %t.base.cpp -o %t.base && %t.base | %FileCheck %s --check-prefix=BASE
// RUN: %picocache-gen %s -o %t.added.cpp -- -std=c++17 -DADDED
// RUN: %cxx17 -DDRIVER -DADDED -I%S/Inputs %t.added.cpp -o %t.added && %t.added | %FileCheck %s --check-prefix=ADDED
// RUN: %picocache-gen %s -o %t.removed.cpp -- -std=c++17 -DREMOVED
// RUN: %cxx17 -DDRIVER -DREMOVED -I%S/Inputs %t.removed.cpp -o %t.removed && %t.removed | %FileCheck %s --check-prefix=REMOVED
// RUN: %picocache-gen %s -o %t.renamed.cpp -- -std=c++17 -DRENAMED
// RUN: %cxx17 -DDRIVER -DRENAMED -I%S/Inputs %t.renamed.cpp -o %t.renamed && %t.renamed | %FileCheck %s --check-prefix=RENAMED
// RUN: %picocache-gen %s -o %t.retyped.cpp -- -std=c++17 -DRETYPED
// RUN: %cxx17 -DDRIVER -DRETYPED -I%S/Inputs %t.retyped.cpp -o %t.retyped && %t.retyped | %FileCheck %s --check-prefix=RETYPED
// All five fingerprints differ:
// RUN: %t.base > %t.all && %t.added >> %t.all && %t.removed >> %t.all && %t.renamed >> %t.all && %t.retyped >> %t.all
// RUN: test "$(cut -d' ' -f2 %t.all | sort -u | wc -l)" -eq 5
#include <string>

struct Stats {
#if defined(RENAMED)
  int total = 0;
#elif defined(RETYPED)
  double count = 0;
#elif !defined(REMOVED)
  int count = 0;
#endif
  std::string label;
#ifdef ADDED
  bool valid = false;
#endif
};

[[picocache::cached]] Stats summarize(const std::string& text) {
  Stats stats;
  stats.label = text;
  return stats;
}

// BASE: rec<Stats;count:i;label:s> {{[0-9]+}}
// ADDED: rec<Stats;count:i;label:s;valid:b> {{[0-9]+}}
// REMOVED: rec<Stats;label:s> {{[0-9]+}}
// RENAMED: rec<Stats;total:i;label:s> {{[0-9]+}}
// RETYPED: rec<Stats;count:f;label:s> {{[0-9]+}}
#ifdef DRIVER
#include "runtime_stubs.hpp"

#include <iostream>

int main() {
  std::cout << picocache::schema_of<Stats>() << ' ' << picocache::schema_fingerprint<Stats>() << '\n';
  return summarize("x").label == "x" ? 0 : 1;
}
#endif

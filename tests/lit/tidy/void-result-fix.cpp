// picocache-void-result's FixIt removes the annotation: a cached void function caches nothing.
// The copy in %t is outside tests/lit, so -config='{}' keeps the repository's .clang-tidy off it.
// RUN: rm -rf %t && mkdir -p %t && cp %s %t/fixed.cpp
// RUN: %clang-tidy --load=%picocache-tidy-plugin -checks='-*,picocache-void-result' -config='{}' --fix %t/fixed.cpp -- -std=c++17 -Wno-unknown-attributes 2>&1 | %FileCheck %s --check-prefix=MESSAGES
// MESSAGES: fixed.cpp:[[@LINE+9]]:28: warning: cached function 'log_event' returns void
// MESSAGES: fixed.cpp:[[@LINE+8]]:1: note: FIX-IT applied suggested code changes
// MESSAGES: clang-tidy applied 5 of 5 suggested fixes.
// RUN: %FileCheck %s --input-file=%t/fixed.cpp --check-prefix=FIXED --match-full-lines
// No void function keeps its annotation, and the check is quiet on the fixed file.
// RUN: %not grep -E '^ *\[\[.*cached[^]]*\]\] *(void|$)' %t/fixed.cpp
// RUN: %clang-tidy --load=%picocache-tidy-plugin -checks='-*,picocache-void-result' -config='{}' --warnings-as-errors='picocache-*' %t/fixed.cpp -- -std=c++17 -Wno-unknown-attributes


[[picocache::cached]] void log_event(int event) { (void)event; }
// FIXED: void log_event(int event) { (void)event; }

[[picocache::cached(maxsize = none)]]   void warm_up();
// FIXED: void warm_up();

// In a list, only the annotation and its comma go.
[[deprecated, picocache::cached]] void old_flush();
// FIXED: {{\[\[}}deprecated]] void old_flush();

// On its own line: the line is left empty.
[[picocache::cached]]
void flush_all() {}
// FIXED: void flush_all() {}

// The annotation is on the declaration in the class; the definition gets the warning.
struct Printer {
  [[picocache::cached]] void print() const;
  // FIXED: void print() const;
};
void Printer::print() const {}

// Left alone: a cached function with a result.
[[picocache::cached]] int square(int n) { return n * n; }
// FIXED: {{\[\[}}picocache::cached]] int square(int n) { return n * n; }

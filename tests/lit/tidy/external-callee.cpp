// RUN: %clang-tidy --load=%picocache-tidy-plugin -checks='-*,picocache-external-callee' %s -- -std=c++17 -Wno-unknown-attributes 2>&1 | %FileCheck %s --implicit-check-not=warning: --implicit-check-not=error: --implicit-check-not=note:

#include <cstring>
#include <string>

// Declared here, defined in another .cpp of the project: picocache-gen's code fingerprint
// cannot see their code.
int parse_header(const std::string& text);
int checksum(int value);
struct Tokenizer {
  explicit Tokenizer(const std::string& text);
  int count() const;
};

[[picocache::cached]] int header_size(const std::string& text) { return parse_header(text) + 1; }
// CHECK: external-callee.cpp:[[@LINE-1]]:73: warning: call to 'parse_header', which is not defined in this translation unit: editing it will not invalidate the cached results of 'header_size' [picocache-external-callee]
// CHECK: external-callee.cpp:[[@LINE-2]]:73: note: add version = "1" to the annotation and change it when 'parse_header' changes what it returns, or define 'parse_header' in a header this file includes

// Through a helper defined here: reported at the call in the cached body, the helper's call noted.
static int mix(int value) { return checksum(value) * 31; }
[[picocache::cached]] int mixed(int value) {
  return mix(value) + mix(value + 1);
  // CHECK: external-callee.cpp:[[@LINE-1]]:10: warning: call to 'mix' calls 'checksum', which is not defined in this translation unit: editing it will not invalidate the cached results of 'mixed' [picocache-external-callee]
  // CHECK: external-callee.cpp:[[@LINE-4]]:36: note: 'checksum' called here
  // CHECK: external-callee.cpp:[[@LINE-3]]:10: note: add version = "1" to the annotation and change it when 'checksum' changes what it returns, or define 'checksum' in a header this file includes
}

// Constructors and methods count; each function is reported once per cached function.
[[picocache::cached]] int tokens(const std::string& text) {
  Tokenizer tokenizer(text);
  // CHECK: external-callee.cpp:[[@LINE-1]]:13: warning: call to 'Tokenizer', which is not defined in this translation unit: editing it will not invalidate the cached results of 'tokens' [picocache-external-callee]
  // CHECK: external-callee.cpp:[[@LINE-2]]:13: note: add version
  return tokenizer.count() + tokenizer.count();
  // CHECK: external-callee.cpp:[[@LINE-1]]:10: warning: call to 'count', which is not defined in this translation unit: editing it will not invalidate the cached results of 'tokens' [picocache-external-callee]
  // CHECK: external-callee.cpp:[[@LINE-2]]:10: note: add version
}

// In a lambda in the body too.
[[picocache::cached]] int in_lambda(int value) {
  auto twice = [](int v) { return checksum(v) * 2; };
  // CHECK: external-callee.cpp:[[@LINE-1]]:35: warning: call to 'checksum', which is not defined in this translation unit: editing it will not invalidate the cached results of 'in_lambda' [picocache-external-callee]
  // CHECK: external-callee.cpp:[[@LINE-2]]:35: note: add version
  return twice(value);
}

// Silent: with `version`, the project says when results go stale.
[[picocache::cached(version = "3")]] int versioned(const std::string& text) {
  return parse_header(text);
}

// Silent: everything it calls is defined here (also below it) or in a system header; recursion.
int later(int value);
static int local_helper(int value) { return later(value) + static_cast<int>(std::strlen("ab")); }
[[picocache::cached]] int self_contained(int value) {
  std::string text(3, 'x');
  return value < 1 ? 0 : local_helper(value) + self_contained(value - 1) + static_cast<int>(text.size());
}
int later(int value) { return value * 2; }

// Silent: a call through an interface (its implementations are the caller's choice).
struct Shape {
  virtual ~Shape() = default;
  virtual int sides() const = 0;
};
struct Square : Shape {
  int sides() const override { return 4; }
};
[[picocache::cached]] int square_sides(int scale) { return Square{}.sides() * scale; }

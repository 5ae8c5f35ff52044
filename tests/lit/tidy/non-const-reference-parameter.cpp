// RUN: %clang-tidy --load=%picocache-tidy-plugin -checks='-*,picocache-non-const-reference-parameter' %s -- -std=c++17 -Wno-unknown-attributes 2>&1 | %FileCheck %s --implicit-check-not=warning: --implicit-check-not=error: --implicit-check-not=note:

#include <string>
#include <vector>

[[picocache::cached]] int parse(const std::string& text, std::vector<int>& out) {
// CHECK: non-const-reference-parameter.cpp:[[@LINE-1]]:76: warning: parameter 'out' is a non-const reference: changes the body makes through it are not replayed when the result comes from the cache [picocache-non-const-reference-parameter]
// CHECK: non-const-reference-parameter.cpp:[[@LINE-2]]:76: note: return the new value instead, or take the parameter by value or by const reference
  out.push_back(static_cast<int>(text.size()));
  return 0;
}

[[picocache::cached]] int bump(int& counter, int& total);
// CHECK: non-const-reference-parameter.cpp:[[@LINE-1]]:37: warning: parameter 'counter' is a non-const reference
// CHECK: non-const-reference-parameter.cpp:[[@LINE-2]]:37: note: return the new value instead, or take the parameter by value or by const reference
// CHECK: non-const-reference-parameter.cpp:[[@LINE-3]]:51: warning: parameter 'total' is a non-const reference
// CHECK: non-const-reference-parameter.cpp:[[@LINE-4]]:51: note: return the new value instead, or take the parameter by value or by const reference

[[picocache::cached]] int unnamed(double&) { return 0; }
// CHECK: non-const-reference-parameter.cpp:[[@LINE-1]]:35: warning: parameter 1 is a non-const reference
// CHECK: non-const-reference-parameter.cpp:[[@LINE-2]]:35: note: return the new value instead, or take the parameter by value or by const reference

template <class T>
[[picocache::cached]] T first(std::vector<T>& items) { return items.front(); }
// CHECK: non-const-reference-parameter.cpp:[[@LINE-1]]:47: warning: parameter 'items' is a non-const reference
// CHECK: non-const-reference-parameter.cpp:[[@LINE-2]]:47: note: return the new value instead, or take the parameter by value or by const reference

// Negative cases: const references, values, rvalue references, lambdas in the body, and
// functions without the annotation.
[[picocache::cached]] int fine(const std::string& a, std::string b, std::string&& c, const int& d) {
  auto add = [](int& x) { return ++x; };
  int local = d;
  return add(local) + static_cast<int>(a.size() + b.size() + c.size());
}
void fill(std::vector<int>& out) { out.push_back(1); }
struct Widget {
  [[picocache::cached]] int size() const { return 1; }
  Widget& operator=(const Widget&) = default;
};

// Suppression.
[[picocache::cached]] int suppressed(int& x) { return x; }  // NOLINT(picocache-non-const-reference-parameter)

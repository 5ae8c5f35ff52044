// RUN: %clang-tidy --load=%picocache-tidy-plugin -checks='-*,picocache-member-state' %s -- -std=c++17 -Wno-unknown-attributes 2>&1 | %FileCheck %s --implicit-check-not=warning: --implicit-check-not=error: --implicit-check-not=note:

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace picocache {
template <class T> struct Codec;
}

// Each warning is followed by a note at the field it is about.

class Counter {
 public:
  [[picocache::cached]] int value() const;
 private:
  int base_ = 0;
  mutable int reads_ = 0;
};
int Counter::value() const { return base_ + ++reads_; }
// CHECK: member-state.cpp:[[@LINE-1]]:14: warning: cached const member function 'value' belongs to a class with mutable field 'Counter::reads_': a call may change it on a cache miss only, so the object's state depends on whether the cache hit [picocache-member-state]
// CHECK: member-state.cpp:[[@LINE-4]]:15: note: 'Counter::reads_' declared here
// CHECK: member-state.cpp:[[@LINE-3]]:14: note: drop 'mutable', or keep that state outside the object

struct Base { const char* tag = nullptr; };
struct Document : Base {
  std::string text;
  std::shared_ptr<std::string> owner;
  const std::string& title;
  [[picocache::cached]] std::size_t words() const { return text.size(); }
  // CHECK: member-state.cpp:[[@LINE-1]]:37: warning: cached const member function 'words' has *this in its cache key, but field 'Base::tag' is a pointer ('const char *'): the key would hold an address or a handle, not data [picocache-member-state]
  // CHECK: member-state.cpp:[[@LINE-7]]:27: note: 'Base::tag' declared here
  // CHECK: member-state.cpp:[[@LINE-3]]:37: note: hold the data by value, or give 'Document' a picocache::Codec that encodes what the result depends on
  // CHECK: member-state.cpp:[[@LINE-4]]:37: warning: cached const member function 'words' has *this in its cache key, but field 'Document::owner' holds a pointer ('std::shared_ptr<std::string>')
  // CHECK: member-state.cpp:[[@LINE-7]]:32: note: 'Document::owner' declared here
  // CHECK: member-state.cpp:[[@LINE-6]]:37: note: hold the data by value, or give 'Document' a picocache::Codec that encodes what the result depends on
  // CHECK: member-state.cpp:[[@LINE-7]]:37: warning: cached const member function 'words' has *this in its cache key, but field 'Document::title' is a reference ('const std::string &')
  // CHECK: member-state.cpp:[[@LINE-9]]:22: note: 'Document::title' declared here
  // CHECK: member-state.cpp:[[@LINE-9]]:37: note: hold the data by value, or give 'Document' a picocache::Codec that encodes what the result depends on
};

class Guarded {
 private:
  int value_ = 0;
  mutable std::mutex lock_;
 public:
  [[picocache::cached]] int get() const { return value_; }
  // CHECK: member-state.cpp:[[@LINE-1]]:29: warning: cached const member function 'get' belongs to a class with mutable field 'Guarded::lock_'
  // CHECK: member-state.cpp:[[@LINE-4]]:22: note: 'Guarded::lock_' declared here
  // CHECK: member-state.cpp:[[@LINE-3]]:29: note: drop 'mutable', or keep that state outside the object
};

// Negative cases: plain data, views of data, non-const and static members, classes with their
// own codec, and member functions without the annotation.
struct Plain {
  [[picocache::cached]] int sum() const { return a + b + static_cast<int>(name.size() + label.size()); }
  [[picocache::cached]] int bump() { return ++a; }
  [[picocache::cached]] static int twice(int n) { return 2 * n; }
  int a = 0, b = 0;
  std::string name;
  std::string_view label;
  std::vector<std::vector<int>> grid;
};
struct Handle {
  [[picocache::cached]] int id() const { return *raw; }
  int* raw = nullptr;
};
template <> struct picocache::Codec<Handle> {};
struct Unannotated {
  int get() const { return *p + m; }
  int* p = nullptr;
  mutable int m = 0;
};

// Suppression.
struct Suppressed {
  [[picocache::cached]] int get() const { return *p; }  // NOLINT(picocache-member-state)
  int* p = nullptr;
};

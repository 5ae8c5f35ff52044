// picocache-member-state.IgnoredMutableTypes: mutable fields of these types are not state (a
// lock); they are still checked as fields of *this, where a class's own codec decides.
// RUN: %clang-tidy --load=%picocache-tidy-plugin -checks='-*,picocache-member-state' -config="{CheckOptions: {picocache-member-state.IgnoredMutableTypes: 'std::mutex;std::atomic'}}" %s -- -std=c++17 -Wno-unknown-attributes 2>&1 | %FileCheck %s --implicit-check-not=warning: --implicit-check-not=error: --implicit-check-not=note:
// RUN: %clang-tidy --load=%picocache-tidy-plugin -checks='-*,picocache-member-state' %s -- -std=c++17 -Wno-unknown-attributes 2>&1 | %FileCheck %s --check-prefix=DEFAULT
// RUN: %clang-tidy --load=%picocache-tidy-plugin -checks='-*,picocache-member-state' -config="{CheckOptions: {picocache-member-state.IgnoredMutableTypes: 'std::mutex'}}" --dump-config %s -- | %FileCheck %s --check-prefix=CONFIG
// CONFIG: picocache-member-state.IgnoredMutableTypes: 'std::mutex'

#include <atomic>
#include <mutex>

namespace picocache {
template <class T> struct Codec;
}

// With its own codec, a class's lock is no part of the key: only the listed types are let pass.
class Table {
 public:
  [[picocache::cached]] int lookup(int key) const { std::lock_guard<std::mutex> hold(lock_); return key + size_ + last_; }
  // DEFAULT-DAG: member-state-options.cpp:[[@LINE-1]]:29: warning: cached const member function 'lookup' belongs to a class with mutable field 'Table::lock_'
  // DEFAULT-DAG: member-state-options.cpp:[[@LINE-2]]:29: warning: cached const member function 'lookup' belongs to a class with mutable field 'Table::reads_'
  // DEFAULT-DAG: member-state-options.cpp:[[@LINE-3]]:29: warning: cached const member function 'lookup' belongs to a class with mutable field 'Table::last_'
  // CHECK: member-state-options.cpp:[[@LINE-4]]:29: warning: cached const member function 'lookup' belongs to a class with mutable field 'Table::last_'
  // CHECK: member-state-options.cpp:[[@LINE+5]]:15: note: 'Table::last_' declared here
  // CHECK: member-state-options.cpp:[[@LINE-6]]:29: note: drop 'mutable', or keep that state outside the object
 private:
  mutable std::mutex lock_;
  mutable std::atomic<int> reads_{0};
  mutable int last_ = 0;
  int size_ = 0;
};
template <> struct picocache::Codec<Table> {};

// Without a codec, the ignored mutex is still a handle in *this.
class Guarded {
 public:
  [[picocache::cached]] int get() const { return value_; }
  // CHECK: member-state-options.cpp:[[@LINE-1]]:29: warning: cached const member function 'get' has *this in its cache key, but field 'Guarded::lock_' holds a handle ('std::mutex'): the key would hold an address or a handle, not data [picocache-member-state]
  // CHECK: member-state-options.cpp:[[@LINE+4]]:22: note: 'Guarded::lock_' declared here
  // CHECK: member-state-options.cpp:[[@LINE-3]]:29: note: hold the data by value, or give 'Guarded' a picocache::Codec that encodes what the result depends on
 private:
  int value_ = 0;
  mutable std::mutex lock_;
};

// RUN: %clang-tidy --load=%picocache-tidy-plugin -checks='-*,picocache-pointer-parameter' %s -- -std=c++17 -Wno-unknown-attributes -I%S/Inputs 2>&1 | %FileCheck %s --implicit-check-not=warning: --implicit-check-not=error: --implicit-check-not=note:

// Each warning says what is wrong and why; the note after it says what to do instead.

#include "annotated_declarations.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct Point { int x, y; };
struct Node { int value; Node* next; };
struct Outer { std::vector<Node> nodes; };

[[picocache::cached]] int deref(int* p) { return *p; }
// CHECK: pointer-parameter.cpp:[[@LINE-1]]:38: warning: parameter 'p' is a pointer: the cache key would be the address, not the data it points to [picocache-pointer-parameter]
// CHECK: pointer-parameter.cpp:[[@LINE-2]]:38: note: pass the data by value or by const reference{{$}}

[[picocache::cached(maxsize = 16)]] std::size_t length(const char* text) { return std::string(text).size(); }
// CHECK: pointer-parameter.cpp:[[@LINE-1]]:68: warning: parameter 'text' is a pointer
// CHECK: pointer-parameter.cpp:[[@LINE-2]]:68: note: pass the data by value

// The annotation is on the header's declaration; the definition here is what gets checked.
int sum_through_header(const int* values, int count) { return count > 0 ? values[0] : 0; }
// CHECK: pointer-parameter.cpp:[[@LINE-1]]:35: warning: parameter 'values' is a pointer
// CHECK: pointer-parameter.cpp:[[@LINE-2]]:35: note: pass the data by value

[[picocache::cached]] int unnamed(int, double*) { return 0; }
// CHECK: pointer-parameter.cpp:[[@LINE-1]]:40: warning: parameter 2 is a pointer
// CHECK: pointer-parameter.cpp:[[@LINE-2]]:40: note: pass the data by value

[[picocache::cached]] int first(std::vector<int*> items) { return items.empty() ? 0 : *items[0]; }
// CHECK: pointer-parameter.cpp:[[@LINE-1]]:51: warning: parameter 'items' holds a pointer ('int *'): the cache key would be the address, not the data it points to [picocache-pointer-parameter]
// CHECK: pointer-parameter.cpp:[[@LINE-2]]:51: note: pass the data by value or by const reference, or write a picocache::Codec for the parameter's type{{$}}

[[picocache::cached]] int shared(const std::shared_ptr<int>& owner) { return *owner; }
// CHECK: pointer-parameter.cpp:[[@LINE-1]]:62: warning: parameter 'owner' holds a pointer ('std::shared_ptr<int>')
// CHECK: pointer-parameter.cpp:[[@LINE-2]]:62: note: pass the data by value or by const reference, or write a picocache::Codec

[[picocache::cached]] int walk(const Outer& list) { return static_cast<int>(list.nodes.size()); }
// CHECK: pointer-parameter.cpp:[[@LINE-1]]:45: warning: parameter 'list' holds a pointer (field 'Node::next' of type 'Node *')
// CHECK: pointer-parameter.cpp:[[@LINE-2]]:45: note: pass the data by value or by const reference, or write a picocache::Codec

[[picocache::cached]] int lookup(const std::map<std::string, std::optional<Node>>& table) { return static_cast<int>(table.size()); }
// CHECK: pointer-parameter.cpp:[[@LINE-1]]:84: warning: parameter 'table' holds a pointer (field 'Node::next' of type 'Node *')
// CHECK: pointer-parameter.cpp:[[@LINE-2]]:84: note: pass the data by value or by const reference, or write a picocache::Codec

// A declaration without a definition in this file is checked where it is annotated.
[[picocache::cached]] int declared_only(const int* values);
// CHECK: pointer-parameter.cpp:[[@LINE-1]]:52: warning: parameter 'values' is a pointer
// CHECK: pointer-parameter.cpp:[[@LINE-2]]:52: note: pass the data by value

// Negative cases: data by value or const reference, views, and functions without the annotation.
[[picocache::cached]] int by_value(int n, Point p, const std::string& s, std::string_view v,
                                   const std::vector<std::map<int, Point>>& nested) {
  return n + p.x + static_cast<int>(s.size() + v.size() + nested.size());
}
// A type with a user-written codec, here a partial specialization, is the user's to encode
// (picocache-gen accepts it the same way).
namespace picocache { template <class T> struct Codec; }
template <class T> struct Box { T* item; };
template <class T> struct picocache::Codec<Box<T>> {};
[[picocache::cached]] int boxed(const Box<int>& box) { return *box.item; }
int not_cached(int* p) { return *p; }
[[nodiscard]] int other_attribute(int* p) { return *p; }
[[picocache::cached]] int overload(int n) { return n; }
int overload(int* p) { return *p; }  // another function: not annotated

// Suppression.
[[picocache::cached]] int suppressed(int* p) { return *p; }  // NOLINT(picocache-pointer-parameter)

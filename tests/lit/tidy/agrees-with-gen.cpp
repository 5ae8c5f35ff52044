// picocache-gen's refusals and the pointer checks rest on one analysis of "holds a pointer, a
// view or a handle" (tool/common/address_holders.hpp): what gen refuses, tidy reports, and what a
// user codec makes data is data for both.
// RUN: %not %picocache-gen %s -o %t.cpp -- -std=c++17 2>&1 | %FileCheck %s --check-prefix=GEN --implicit-check-not=error:
// RUN: %clang-tidy --load=%picocache-tidy-plugin -checks='-*,picocache-pointer-parameter,picocache-pointer-result,picocache-member-state' %s -- -std=c++17 -Wno-unknown-attributes 2>&1 | %FileCheck %s --check-prefix=TIDY --implicit-check-not=warning: --implicit-check-not=error:

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace picocache {
template <class T> struct Codec;
}
struct Node { int value; Node* next; };
template <class T> struct Box { T* item; };
template <class T> struct picocache::Codec<Box<T>> {};
struct Tagged { const char* tag; int n; };
template <> struct picocache::Codec<Tagged> {};

[[picocache::cached]] int shared(std::shared_ptr<int> p) { return *p; }
// GEN: agrees-with-gen.cpp:[[@LINE-1]]:55: error: parameter 'p' of cached function 'shared' cannot be encoded: it has type 'std::shared_ptr<int>'
// TIDY: agrees-with-gen.cpp:[[@LINE-2]]:55: warning: parameter 'p' holds a pointer ('std::shared_ptr<int>')

[[picocache::cached]] int walk(const std::vector<Node>& nodes) { return static_cast<int>(nodes.size()); }
// GEN: agrees-with-gen.cpp:[[@LINE-1]]:57: error: parameter 'nodes' of cached function 'walk' cannot be encoded: 'nodes[].next' has type 'Node *' (a raw pointer)
// TIDY: agrees-with-gen.cpp:[[@LINE-2]]:57: warning: parameter 'nodes' holds a pointer (field 'Node::next' of type 'Node *')

[[picocache::cached]] int run(std::function<int()> f) { return f(); }
// GEN: agrees-with-gen.cpp:[[@LINE-1]]:52: error: parameter 'f' of cached function 'run' cannot be encoded: it has type 'std::function<int ()>'
// TIDY: agrees-with-gen.cpp:[[@LINE-2]]:52: warning: parameter 'f' holds a handle ('std::function<int ()>')

[[picocache::cached]] std::string_view first(int n) { return n ? "a" : "b"; }
// GEN: agrees-with-gen.cpp:[[@LINE-1]]:23: error: the result of cached function 'first' cannot be stored: it has type 'std::string_view' (cannot be read back
// TIDY: agrees-with-gen.cpp:[[@LINE-2]]:40: warning: the result of cached function 'first' holds a view ('std::string_view')

// Data for both: a view as a parameter, and types with a user-written codec (explicit or
// partial specialization), whatever they hold.
[[picocache::cached]] int length(std::string_view text) { return static_cast<int>(text.size()); }
[[picocache::cached]] int boxed(const Box<int>& box) { return *box.item; }
[[picocache::cached]] int tagged(Tagged t) { return t.n; }

// The hook for types picocache-gen cannot encode itself: a user-written picocache::Codec<T>
// (explicit or partial specialization) is used as it is, and no codec is generated for T.
//
// RUN: %picocache-gen %s -o %t.cpp -- -std=c++17 -I%picocache-include
// RUN: grep -v -e CHECK -e RUN %t.cpp | %FileCheck %s
// RUN: %cxx17 -c %t.cpp -o %t.gcc.o
// RUN: %clangxx17 -c %t.cpp -o %t.clang.o
#include <picocache/codec.hpp>

#include <string>

// A handle-like type: its pointer member would be an error, but the user encodes what it means.
struct Handle {
  const char* name = "";
};
template <>
struct picocache::Codec<Handle> {
  static void encode(Encoder& e, const Handle& h) { e.write(std::string(h.name)); }
  static void describe(std::string& schema) { schema += "handle"; }
};

// A class template with a user partial specialization.
template <class T>
struct Box {
  T* value = nullptr;
};
template <class T>
struct picocache::Codec<Box<T>> {
  static void encode(Encoder& e, const Box<T>& b) { e.write(*b.value); }
  static void describe(std::string& schema) { detail::describe_composite<T>(schema, "box"); }
};

// An enum whose Codec the code already instantiated (through a user's codec) keeps the runtime's
// generic codec: a generated specialization after that instantiation would not compile.
enum class Mode { fast, slow };
struct Settings {
  Mode mode = Mode::fast;
};
template <>
struct picocache::Codec<Settings> {
  static void encode(Encoder& e, const Settings& s) { e.write(s.mode); }
  static void describe(std::string& schema) { schema += "settings"; }
};

// CHECK-NOT: struct Codec<::Mode>
// CHECK-NOT: struct Codec<::Settings>
// CHECK: int pace(Mode m, const Settings& s) {
[[picocache::cached]] int pace(Mode m, const Settings& s) { return m == s.mode ? 1 : 0; }

// CHECK-NOT: struct Codec<::Handle>
// CHECK-NOT: struct Codec<::Box
// CHECK: int weight(const Handle& h, const Box<int>& b) {
// CHECK: {{^}}  return ::picocache::memoize<int>(
[[picocache::cached]] int weight(const Handle& h, const Box<int>& b) { return static_cast<int>(std::string(h.name).size()) + *b.value; }

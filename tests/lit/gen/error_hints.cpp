// Types that still cannot be encoded get a skeleton picocache::Codec for them in the hint: for a
// library's type instead of asking to change it, encode-only for a parameter. A change of the
// type is offered only for types of the file being rewritten.
//
// RUN: rm -f %t.cpp
// RUN: %not %picocache-gen %s -o %t.cpp -- -std=c++17 -I%S/Inputs 2>&1 | %FileCheck %s --implicit-check-not=error:
// RUN: test ! -e %t.cpp
#include "third_party.hpp"

#include <memory>

// CHECK: error_hints.cpp:[[@LINE+3]]:{{[0-9]+}}: error: parameter 'doc' of cached function 'size_of' cannot be encoded: 'doc.data_' has type 'Data' (a non-public nested class, which a generated codec cannot name)
// CHECK: note: member 'data_' of 'lib::Document' declared here
// CHECK: note: to cache it anyway, write a codec for 'lib::Document' (see picocache/codec.hpp): template <> struct picocache::Codec<lib::Document> { static void encode(picocache::Encoder& e, const lib::Document& value) { e.write(/* each part of value */); } static void describe(std::string& schema) { schema += "lib::Document{...}"; /* name each part and its type */ } }; (encode-only: it is only part of the key)
[[picocache::cached]] int size_of(const lib::Document& doc) { return doc.size(); }

// As a result, the skeleton has a decode.
// CHECK: error_hints.cpp:[[@LINE+3]]:{{[0-9]+}}: error: the result of cached function 'open' cannot be stored: 'result.data_' has type 'Data'
// CHECK: note: member 'data_' of 'lib::Document' declared here
// CHECK: note: to cache it anyway, write a codec for 'lib::Document' (see picocache/codec.hpp): template <> struct picocache::Codec<lib::Document> { static void encode(picocache::Encoder& e, const lib::Document& value) { e.write(/* each part of value */); } static lib::Document decode(picocache::Decoder& d) { return lib::Document(d.read</* each part's type */>()); } static void describe
[[picocache::cached]] lib::Document open(int n) { return n ? lib::Document() : lib::Document(); }

// A class of this file that is not an aggregate keeps the const-member refusal, with the change
// it can make.
class Fixed {
 public:
  explicit Fixed(int v) : value(v) {}
  const int value;
};
// CHECK: error_hints.cpp:[[@LINE+3]]:{{[0-9]+}}: error: the result of cached function 'fixed' cannot be stored: 'result.value' has type 'const int' (a const member of a class that is not an aggregate: the generated decoder assigns the members of a default-constructed value)
// CHECK: note: member 'value' of 'Fixed' declared here
// CHECK: note: drop the const, or to cache it anyway, write a codec for 'Fixed'
[[picocache::cached]] Fixed fixed(int v) { return Fixed(v); }

// Owning pointers to polymorphic objects would be sliced.
struct Shape {
  virtual ~Shape() = default;
  int sides = 0;
};
// CHECK: error_hints.cpp:[[@LINE+2]]:{{[0-9]+}}: error: the result of cached function 'make_shape' cannot be stored: it has type 'std::unique_ptr<Shape>' (a pointer to a polymorphic class: the object may be of a derived class, which encoding 'Shape' would slice off)
// CHECK: note: return the concrete type, or to cache it anyway, write a codec for 'std::unique_ptr<Shape>'
[[picocache::cached]] std::unique_ptr<Shape> make_shape(int n) { return n ? std::make_unique<Shape>() : nullptr; }

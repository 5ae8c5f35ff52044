// Generated enum codecs: the description names the enumerators and their values, so reordering
// an enum changes the schema (old results are misses, never the other enumerator); decoding an
// unscoped enum without a fixed underlying type refuses values outside its value range, a flag
// enum with a fixed type decodes any value. Enums generated code cannot name keep the runtime's
// generic codec.
//
// RUN: %picocache-gen %s -o %t.cpp -- -std=c++17
// RUN: grep -v -e CHECK -e RUN %t.cpp | %FileCheck %s
// RUN: %cxx17 -DDRIVER -I%S/Inputs %t.cpp -o %t.gcc && %t.gcc | %FileCheck %s --check-prefix=OUT
// RUN: %clangxx17 -DDRIVER -I%S/Inputs %t.cpp -o %t.clang && %t.clang | %FileCheck %s --check-prefix=OUT
#include <cstdint>
#include <vector>

namespace status {

enum class Status { Ok, Error };
enum Level { low, mid, high };       // values 0..3 (a 2-bit bit-field)
enum Offset { back = -2, ahead = 1 };  // values -2..1
enum class Access : std::uint8_t { read = 1, write = 2 };

struct Report {
  Status status = Status::Ok;
  std::vector<Level> levels;
};

class Holder {
 public:
  enum class Hidden { a, b };
  Hidden hidden = Hidden::a;
};

// CHECK: struct Codec<::status::Status> {
// CHECK-NEXT:   static constexpr std::size_t kMinEncodedSize = 1;
// CHECK-NEXT:   static void encode(Encoder& encoder, ::status::Status value) { ::picocache::detail::encode_enum(encoder, value); }
// CHECK-NEXT:   static ::status::Status decode(Decoder& decoder) {
// CHECK-NEXT:     return ::picocache::detail::decode_enum<::status::Status>(decoder);
// CHECK-NEXT:   }
// CHECK-NEXT:   static void describe(std::string& schema) { schema += "enum<i32;Ok=0,Error=1>"; }
// CHECK: struct Codec<::status::Level> {
// CHECK:     return ::picocache::detail::decode_enum<::status::Level>(decoder, 0, 3);
// CHECK:   static void describe(std::string& schema) { schema += "enum<u32;low=0,mid=1,high=2>"; }
// CHECK: struct Codec<::status::Report> {
[[picocache::cached]] Report check(Status s, Access a) {
  return Report{s, {a == Access::read ? low : high}};
}

// CHECK: struct Codec<::status::Offset> {
// CHECK:     return ::picocache::detail::decode_enum<::status::Offset>(decoder, -2, 1);
// CHECK:   static void describe(std::string& schema) { schema += "enum<i32;back=-2,ahead=1>"; }
// CHECK: struct Codec<::status::Holder::Hidden> {
[[picocache::cached]] Offset flip(Offset o, Holder h) { return h.hidden == Holder::Hidden::a ? o : back; }

}  // namespace status

#ifdef DRIVER
#include "runtime_stubs.hpp"

#include <iostream>

template <class T>
std::string encoded(const T& value) {
  std::string bytes;
  picocache::Encoder encoder(bytes);
  encoder.write(value);
  return bytes;
}

template <class T, class From>
bool decodes_as(const From& value) {
  const std::string bytes = encoded(value);
  picocache::Decoder decoder(bytes);
  try {
    static_cast<void>(decoder.read<T>());
    return true;
  } catch (const picocache::DecodeError&) {
    return false;
  }
}

int main() {
  using namespace status;
  // OUT: enum<i32;Ok=0,Error=1> enum<u8;read=1,write=2>
  std::cout << picocache::schema_of<Status>() << ' ' << picocache::schema_of<Access>() << '\n';
  // OUT-NEXT: rec<status::Report;status:enum<i32;Ok=0,Error=1>;levels:vec<enum<u32;low=0,mid=1,high=2>>>
  std::cout << picocache::schema_of<Report>() << '\n';
  // In range, out of range, a flag combination, a negative value.
  // OUT-NEXT: 1 0 1 1 0
  std::cout << decodes_as<Level>(3U) << ' ' << decodes_as<Level>(4U) << ' ' << decodes_as<Access>(3U) << ' '
            << decodes_as<Offset>(-2) << ' ' << decodes_as<Offset>(2) << '\n';
  // OUT-NEXT: 2 -2
  std::cout << check(Status::Error, Access::write).levels[0] << ' ' << flip(ahead, Holder{}) * -2 << '\n';
  return 0;
}
#endif

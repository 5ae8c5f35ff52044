// Types beyond plain records (issue #19): aggregates with const members or without a default
// constructor (rebuilt by aggregate initialisation), C array members, std::unique_ptr and
// std::shared_ptr results (by the object they own, null included), std::bitset, std::complex.
// The program at the end round-trips them through the generated codecs.
//
// RUN: %picocache-gen %s -o %t.cpp -- -std=c++17
// RUN: grep -v -e CHECK -e RUN %t.cpp | %FileCheck %s
// RUN: %cxx17 -DDRIVER -I%S/Inputs %t.cpp -o %t.gcc && %t.gcc | %FileCheck %s --check-prefix=OUT
// RUN: %clangxx17 -DDRIVER -I%S/Inputs %t.cpp -o %t.clang && %t.clang | %FileCheck %s --check-prefix=OUT
#include <bitset>
#include <complex>
#include <memory>
#include <string>

namespace shapes {

struct Base {
  int id = 0;
};

// const members and a member without a default constructor: aggregate initialisation.
struct Point {
  const double x;
  const double y;
};
struct Segment : Base {
  Point from;
  Point to;
  int weights[2][2];
  unsigned flags : 3;
};

// A C array in a record with a default constructor: element by element.
struct Grid {
  int cells[3] = {};
  std::string names[2];
};

// CHECK: struct Codec<::shapes::Point> {
// CHECK:   static ::shapes::Point decode(Decoder& decoder) {
// CHECK-NEXT:     return ::shapes::Point{decoder.read<std::remove_cv_t<decltype(::shapes::Point::x)>>(), decoder.read<std::remove_cv_t<decltype(::shapes::Point::y)>>()};
// CHECK: struct Codec<::shapes::Segment> {
// CHECK:     ::picocache_generated::write_member(encoder, value.weights);
// CHECK:     return ::shapes::Segment{decoder.read<::shapes::Base>(), decoder.read<{{.*}}>(), decoder.read<{{.*}}>(), {{[{][{]}}decoder.read<std::remove_extent_t<std::remove_extent_t<{{.*}}>>>(), {{.*}}{{[}][}]}}, decoder.read<{{.*}}>()};
[[picocache::cached]] Segment make_segment(double length) {
  return Segment{{7}, {0.0, 0.0}, {length, 0.0}, {{1, 2}, {3, 4}}, 5};
}

// CHECK: struct Codec<::shapes::Grid> {
// CHECK:     ::shapes::Grid value{};
// CHECK:     ::picocache_generated::read_into(decoder, value.cells);
[[picocache::cached]] Grid make_grid(int n) { return Grid{{n, n + 1, n + 2}, {"a", "b"}}; }

[[picocache::cached]] std::unique_ptr<Point> maybe_point(int n) {
  if (n < 0) return nullptr;
  return std::make_unique<Point>(Point{static_cast<double>(n), 1.0});
}

[[picocache::cached]] std::shared_ptr<const std::string> shared_name(int n) {
  return std::make_shared<const std::string>(std::to_string(n));
}

[[picocache::cached]] std::bitset<12> low_bits(std::bitset<12> bits) { return bits & std::bitset<12>(0xff); }

[[picocache::cached]] std::complex<double> square(std::complex<double> z) { return z * z; }

}  // namespace shapes

#ifdef DRIVER
#include "runtime_stubs.hpp"

#include <iostream>

template <class T>
T round_trip(const T& value) {
  std::string bytes;
  picocache::Encoder encoder(bytes);
  encoder.write(value);
  picocache::Decoder decoder(bytes);
  T back = decoder.read<T>();
  decoder.expect_end();
  return back;
}

int main() {
  using namespace shapes;
  // OUT: segment 7 2.5 4 5
  const Segment segment = round_trip(make_segment(2.5));
  std::cout << "segment " << segment.id << ' ' << segment.to.x << ' ' << segment.weights[1][1] << ' ' << segment.flags
            << '\n';
  // OUT-NEXT: grid 3 5 b
  const Grid grid = round_trip(make_grid(3));
  std::cout << "grid " << grid.cells[0] << ' ' << grid.cells[2] << ' ' << grid.names[1] << '\n';
  // OUT-NEXT: pointers 4 null 12
  const std::unique_ptr<Point> point = round_trip(maybe_point(4));
  const std::unique_ptr<Point> none = round_trip(maybe_point(-1));
  const std::shared_ptr<const std::string> name = round_trip(shared_name(12));
  std::cout << "pointers " << point->x << ' ' << (none ? "set" : "null") << ' ' << *name << '\n';
  // OUT-NEXT: bits 000011111111 complex -3 4
  const std::complex<double> z = round_trip(square({1.0, 2.0}));
  std::cout << "bits " << round_trip(low_bits(std::bitset<12>(0xfff))) << " complex " << z.real() << ' ' << z.imag()
            << '\n';
  // OUT-NEXT: rec<shapes::Segment;^rec<shapes::Base;id:i>;from:rec<shapes::Point;x:f;y:f>;to:rec<shapes::Point;x:f;y:f>;weights:arr<2,arr<2,i>>;flags:u>
  std::cout << picocache::schema_of<Segment>() << '\n';
  // OUT-NEXT: ptr<rec<shapes::Point;x:f;y:f>> bits<12> cplx<f>
  std::cout << picocache::schema_of<std::unique_ptr<Point>>() << ' ' << picocache::schema_of<std::bitset<12>>() << ' '
            << picocache::schema_of<std::complex<double>>() << '\n';
  return 0;
}
#endif

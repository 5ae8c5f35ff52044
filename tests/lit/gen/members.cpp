// Cached member functions: static and const, declared (and annotated) in a header and defined
// here, annotated only at the definition, defined inside their class, private, in nested classes.
// A const member's key includes the encoded object (*this), whose codec is generated, private
// members included.
//
// RUN: %picocache-gen %s -o %t.cpp -- -std=c++17 -I%S/Inputs
// RUN: grep -v -e CHECK -e RUN %t.cpp | %FileCheck %s
// RUN: %cxx17 -I%S/Inputs -c %t.cpp -o %t.gcc.o
// RUN: %clangxx17 -I%S/Inputs -c %t.cpp -o %t.clang.o
#include "shapes.hpp"

#include <cmath>

// The object's codec comes before the first function that needs it: the class's private
// members are reached through explicit instantiations, no friend needed.
// CHECK: struct Codec<::shapes::Point> {
// CHECK: template struct access<tag_{{[0-9]+_[0-9a-f]+}}, decltype(&::shapes::Polygon::points_), &::shapes::Polygon::points_>;
// CHECK: template struct access<tag_{{[0-9]+_[0-9a-f]+}}, decltype(&::shapes::Polygon::label_), &::shapes::Polygon::label_>;
// CHECK: struct Codec<::shapes::Polygon> {
// CHECK: double shapes::Polygon::perimeter() const { return ::picocache::memoize<double>(::picocache_fn_0_{{[0-9a-f]+}}(), [&](::picocache::Encoder& picocache_encoder) { picocache_encoder.write(*this); }, [&]() -> double {
double shapes::Polygon::perimeter() const {
  double total = 0;
  for (std::size_t i = 0; i < points_.size(); ++i) {
    const Point& a = points_[i];
    const Point& b = points_[(i + 1) % points_.size()];
    total += std::hypot(b.x - a.x, b.y - a.y);
  }
  return total;
}
// CHECK: address_of<double (::shapes::Polygon::*)() const>(&::shapes::Polygon::perimeter),
// CHECK-NEXT: "shapes::Polygon::perimeter", "double () const", 32ULL, false};

// A static member: no object in the key.
// CHECK: int shapes::Polygon::sides_of(const std::string& name) { return ::picocache::memoize<int>(::picocache_fn_1_{{[0-9a-f]+}}(), [&](::picocache::Encoder& picocache_encoder) { picocache_encoder.write(name); }, [&]() -> int {
int shapes::Polygon::sides_of(const std::string& name) { return name == "triangle" ? 3 : 4; }
// CHECK: address_of<int (*)(const ::std::string &)>(&::shapes::Polygon::sides_of)
// CHECK-NEXT: "shapes::Polygon::sides_of", "int (const std::basic_string<char> &)", 128ULL, false};

// Annotated only here.
[[picocache::cached]] double shapes::Polygon::area() const { return perimeter() * 0.5; }
// CHECK: "shapes::Polygon::area", "double () const"

// A private member function: its address is reached through an explicit instantiation too.
// CHECK: template struct access<tag_{{[0-9]+_[0-9a-f]+}}, double (::shapes::Polygon::*)(double) const, &::shapes::Polygon::scaled>;
// CHECK: ::picocache::address_of(picocache_member(::picocache_generated::tag_{{[0-9]+_[0-9a-f]+}}{})),
// CHECK-NEXT: "shapes::Polygon::scaled", "double (double) const"
double shapes::Polygon::scaled(double factor) const { return area() * factor; }
// CHECK: template struct access<tag_{{[0-9]+_[0-9a-f]+}}, double (::shapes::Polygon::*)(int) const, &::shapes::Polygon::scaled>;
// CHECK: "shapes::Polygon::scaled", "double (int) const"
double shapes::Polygon::scaled(int steps) const { return scaled(steps * 0.5); }

namespace shapes {
// Defined inside the class (with a nested class): the helpers go after the class.
struct Grid {
  struct Cell {
    int row = 0;
    int column = 0;
    // CHECK: {{^ +}}int index(int width) const { return ::picocache::memoize<int>(::picocache_fn_{{[0-9]+_[0-9a-f]+}}(), [&](::picocache::Encoder& picocache_encoder) { picocache_encoder.write(*this); picocache_encoder.write(width); }, [&]() -> int {
    [[picocache::cached]] int index(int width) const { return row * width + column; }
  };
  [[picocache::cached]] static Cell cell_at(int index, int width) {
    Cell cell;
    cell.row = index / width;
    cell.column = index % width;
    return cell;
  }
  int width = 8;
};
// CHECK: }  // picocache-gen: to global scope
// CHECK: struct Codec<::shapes::Grid::Cell> {
// CHECK: static ::shapes::Grid::Cell decode(Decoder& decoder) {
// CHECK: "shapes::Grid::Cell::index", "int (int) const"
// CHECK: "shapes::Grid::cell_at", "shapes::Grid::Cell (int, int)"
// CHECK: namespace shapes {  // picocache-gen: back
}  // namespace shapes

double use(const shapes::Polygon& p) { return p.perimeter() + p.area() + shapes::Polygon::sides_of("square"); }

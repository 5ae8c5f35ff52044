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
// The body becomes a static member function of a local class, the object passed as
// picocache_self; the body's `{` keeps its line and column.
// CHECK: double shapes::Polygon::perimeter() const { struct picocache_body_0_[[UNIT:[0-9a-f]+]] { static double perimeter(const ::shapes::Polygon * picocache_self)
// CHECK-NEXT: #line [[@LINE+5]] "{{.*}}members.cpp"
// CHECK-NEXT: {{^}}                                          {
// CHECK-NEXT: double total = 0;
// CHECK-NEXT: for (std::size_t i = 0; i < picocache_self->points_.size(); ++i) {
// CHECK: } }; return ::picocache::memoize<double>(::picocache_fn_0_[[UNIT]](), [&](::picocache::Encoder& picocache_encoder) { picocache_encoder.write(*this); }, [&]() -> double { return picocache_body_0_[[UNIT]]::perimeter(this); }); }
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
// CHECK-NEXT: "shapes::Polygon::perimeter", "double () const", "fp:{{[0-9a-f]+}}", ::picocache::key_schema<{{.*}}>(), 32ULL, false};

// A static member: no object in the key.
// CHECK: int shapes::Polygon::sides_of(const std::string& name) { struct picocache_body_1_[[UNIT]] { static int sides_of(const ::std::string & name)
// CHECK: { return name == "triangle" ? 3 : 4; } }; return ::picocache::memoize<int>(::picocache_fn_1_[[UNIT]](), [&](::picocache::Encoder& picocache_encoder) { picocache_encoder.write(name); }, [&]() -> int { return picocache_body_1_[[UNIT]]::sides_of(name); }); }
int shapes::Polygon::sides_of(const std::string& name) { return name == "triangle" ? 3 : 4; }
// CHECK: address_of<int (*)(const ::std::string &)>(&::shapes::Polygon::sides_of)
// CHECK-NEXT: "shapes::Polygon::sides_of", "int32 (const std::basic_string<char> &)", "fp:{{[0-9a-f]+}}", ::picocache::key_schema<{{.*}}>(), 128ULL, false};

// Annotated only here.
[[picocache::cached]] double shapes::Polygon::area() const { return perimeter() * 0.5; }
// CHECK: "shapes::Polygon::area", "double () const"

// A private member function: its address is reached through an explicit instantiation too.
// CHECK: template struct access<tag_{{[0-9]+_[0-9a-f]+}}, double (::shapes::Polygon::*)(double) const, &::shapes::Polygon::scaled>;
// CHECK: ::picocache::address_of(picocache_member(::picocache_generated::tag_{{[0-9]+_[0-9a-f]+}}{})),
// CHECK-NEXT: "shapes::Polygon::scaled", "double (double) const"
double shapes::Polygon::scaled(double factor) const { return area() * factor; }
// A call of the other overload goes through its wrapper, on the object.
// CHECK: { return picocache_self->scaled(steps * 0.5); } };
// CHECK: template struct access<tag_{{[0-9]+_[0-9a-f]+}}, double (::shapes::Polygon::*)(int) const, &::shapes::Polygon::scaled>;
// CHECK: "shapes::Polygon::scaled", "double (int32) const"
double shapes::Polygon::scaled(int steps) const { return scaled(steps * 0.5); }

namespace shapes {
// Defined inside the class (with a nested class): the helpers go after the class.
struct Grid {
  struct Cell {
    int row = 0;
    int column = 0;
    // CHECK: {{^ +}}int index(int width) const { struct picocache_body_5_[[UNIT]] { static int index(const ::shapes::Grid::Cell * picocache_self, int width)
    // CHECK: { return picocache_self->row * width + picocache_self->column; } }; return ::picocache::memoize<int>(::picocache_fn_5_[[UNIT]](), [&](::picocache::Encoder& picocache_encoder) { picocache_encoder.write(*this); picocache_encoder.write(width); }, [&]() -> int { return picocache_body_5_[[UNIT]]::index(this, ::std::move(width)); }); }
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
// CHECK: "shapes::Grid::Cell::index", "int32 (int32) const"
// CHECK: "shapes::Grid::cell_at", "shapes::Grid::Cell (int32, int32)"
// CHECK: namespace shapes {  // picocache-gen: back
}  // namespace shapes

double use(const shapes::Polygon& p) { return p.perimeter() + p.area() + shapes::Polygon::sides_of("square"); }

#pragma once
#include <string>
#include <vector>

namespace shapes {

struct Point {
  double x = 0;
  double y = 0;
};

// Annotated in the header, defined in members.cpp: the definition is rewritten.
class Polygon {
 public:
  Polygon() = default;
  explicit Polygon(std::vector<Point> points) : points_(std::move(points)) {}

  [[picocache::cached(maxsize = 32)]] double perimeter() const;
  [[picocache::cached]] static int sides_of(const std::string& name);
  double area() const;  // annotated only at its definition

 private:
  [[picocache::cached]] double scaled(double factor) const;  // private: reached without a friend
  [[picocache::cached]] double scaled(int steps) const;      // and overloaded
  std::vector<Point> points_;
  std::string label_ = "polygon";
};

}  // namespace shapes

// The project of the template cases of tests/lit/gen/code_fingerprint.test: calls whose callee
// depends on the template arguments, resolved only in the instantiations this file makes.
namespace shapes {
struct Square {
  int side;
  int area() const { return side * side; }
};
}  // namespace shapes

template <class T>
static T bump(T x) {
  return x + 1;
}

template <class T>
[[picocache::cached]] int measure(T value) {
  return bump(value.area());
}

template <class T>
struct Box {
  [[picocache::cached]] static int weigh(T value) { return bump(value.side); }
};

int use() { return measure(shapes::Square{2}) + Box<shapes::Square>::weigh(shapes::Square{3}); }

// The body of a cached member function (const or static, defined in its class or out of line)
// runs as a static member function of a local class of the member: __func__ is the member's name,
// the body reads private data members, private helpers, the class's types and enumerators, a
// base's members (also qualified), a by-value parameter is moved into the body and `return t;`
// moves it out, move-only parameters and results work, lambdas capturing the object ([&], [this])
// keep working, and recursion goes through the cache at every level. A member whose body uses
// `this` through a macro, or has an #if branch not taken, keeps the lambda shape (and works). The user's lines keep their
// numbers (__LINE__ in an out-of-line body).
//
// RUN: %picocache-gen %s -o %t.cpp -- -std=c++17 -I%S/Inputs -I%picocache-include
// RUN: grep -v -e CHECK -e RUN %t.cpp | %FileCheck %s --check-prefix=GENCHECK
// RUN: %cxx17 -I%S/Inputs %t.cpp -o %t.gcc && %t.gcc | %FileCheck %s --check-prefixes=CHECK,GCC
// RUN: %clangxx17 -I%S/Inputs %t.cpp -o %t.clang && %t.clang | %FileCheck %s --check-prefixes=CHECK,CLANG
#include "memory_store.hpp"

#include <cstdio>
#include <string>

int bodies = 0;
int fib_line = 0;

struct Tracked {
  static int copies;
  int value = 0;
  Tracked() = default;
  explicit Tracked(int v) : value(v) {}
  Tracked(const Tracked& other) : value(other.value) { ++copies; }
  Tracked(Tracked&&) = default;
  Tracked& operator=(const Tracked& other) {
    value = other.value;
    ++copies;
    return *this;
  }
  Tracked& operator=(Tracked&&) = default;
};
int Tracked::copies = 0;

struct Ticket {  // move-only
  std::string code;
  Ticket() = default;
  explicit Ticket(std::string c) : code(std::move(c)) {}
  Ticket(Ticket&&) = default;
  Ticket& operator=(Ticket&&) = default;
  Ticket(const Ticket&) = delete;
  Ticket& operator=(const Ticket&) = delete;
};

struct Base {
  long scale = 1;
  long scaled(long v) const { return v * scale; }
};

#define SELF_BASE (this->base_)

class Series : public Base {
 public:
  explicit Series(long base) : base_(base) {}

  [[picocache::cached]] long fib(int n) const;

  // Defined in the class: private data, a private helper, a private type and enumerator.
  // GENCHECK: {{^ +}}std::string name_of(int n) const { struct picocache_body_{{[0-9]+}}_{{[0-9a-f]+}} { static ::std::string name_of(const ::Series * picocache_self, int n)
  [[picocache::cached]] std::string name_of(int n) const {
    ++bodies;
    std::printf("in %s\n", __func__);
    std::printf("pretty %s\n", __PRETTY_FUNCTION__);
    const Label label = label_;
    return label + helper(n + kOffset) + "/" + std::to_string(offset_of(n));
  }

  // Static and recursive: its unqualified calls of itself are qualified, so they reach the
  // wrapper.
  // GENCHECK: {{^ +}}static long squares(int n) { struct picocache_body_{{[0-9]+}}_{{[0-9a-f]+}} { static long squares(int n)
  // GENCHECK: return n > 0 ? n * n + ::Series::squares(n - 1) : 0;
  // GENCHECK-NEXT: } }; return ::picocache::memoize<long>(
  [[picocache::cached]] static long squares(int n) {
    ++bodies;
    if (n == 3) std::printf("in %s\n", __func__);
    return n > 0 ? n * n + squares(n - 1) : 0;
  }

  // `this` through a macro: the lambda shape.
  // GENCHECK: {{^ +}}long via_macro(int n) const { return ::picocache::memoize<long>(
  [[picocache::cached]] long via_macro(int n) const {
    ++bodies;
    return SELF_BASE + n;
  }

  // A class declared in the body keeps its own `this`; `[*this]` keeps the lambda shape.
  // GENCHECK: long get() const { return this->v + v; }
  // GENCHECK: return Local().get() + n + picocache_self->base_;
  [[picocache::cached]] long with_local_class(long n) const {
    struct Local {
      long v = 3;
      long get() const { return this->v + v; }
    };
    return Local().get() + n + base_;
  }
  // GENCHECK: {{^ +}}long with_copy(long n) const { return ::picocache::memoize<long>(
  [[picocache::cached]] long with_copy(long n) const {
    auto add = [*this](long k) { return base_ + k; };
    return add(n);
  }

  // An #if branch the tool did not see (it may be compiled with other flags): the lambda shape.
  // GENCHECK: {{^ +}}long with_branch(int n) const { return ::picocache::memoize<long>(
  [[picocache::cached]] long with_branch(int n) const {
#ifdef PICOCACHE_TEST_UNDEFINED
    return base_ * 1000 + n;
#else
    return base_ + n;
#endif
  }

  // A by-value parameter returned: moved in, moved out, never copied.
  [[picocache::cached]] Tracked echo(Tracked t) const {
    t.value += static_cast<int>(base_);
    return t;
  }

  // A move-only parameter and result.
  [[picocache::cached]] Ticket stamp(Ticket ticket) const {
    ++bodies;
    ticket.code += label_;
    return ticket;
  }

  // Lambdas that use the object, a base's members (inherited, and qualified).
  // GENCHECK: auto add = [&, picocache_self](long k) { return picocache_self->base_ + k; };
  // GENCHECK: auto times = [picocache_self](long k) { return picocache_self->base_ * k; };
  // An unevaluated use captures nothing: nothing is added to that lambda's captures.
  // GENCHECK: auto size = [&] { return static_cast<long>(sizeof(picocache_self->base_)); };
  // GENCHECK: return add(n) + times(n) + size() + picocache_self->scaled(n) + picocache_self->Base::scaled(picocache_self->scale);
  [[picocache::cached]] long with_lambdas(long n) const {
    auto add = [&](long k) { return base_ + k; };
    auto times = [this](long k) { return this->base_ * k; };
    auto size = [&] { return static_cast<long>(sizeof(base_)); };
    return add(n) + times(n) + size() + scaled(n) + Base::scaled(scale);
  }

 private:
  using Label = std::string;
  enum { kOffset = 1 };
  std::string helper(int n) const { return "#" + std::to_string(n); }
  static int offset_of(int n) { return n * 10; }

  long base_;
  std::string label_ = "series";
};

// Out of line: the body's `{` keeps its line (after a #line), its self-calls go to the wrapper.
// GENCHECK: long Series::fib(int n) const { struct picocache_body_{{[0-9]+}}_{{[0-9a-f]+}} { static long fib(const ::Series * picocache_self, int n)
// GENCHECK-NEXT: #line [[@LINE+4]] "{{.*}}body_context_members.cpp"
// GENCHECK-NEXT: {{^}}                                {
// GENCHECK: return n < 2 ? n * picocache_self->base_ : picocache_self->fib(n - 1) + picocache_self->fib(n - 2);
constexpr int kFibLine = __LINE__ + 3;  // the line of `fib_line = __LINE__;` below
long Series::fib(int n) const {
  ++bodies;
  fib_line = __LINE__;
  if (n == 10) std::printf("in %s\n", __func__);
  return n < 2 ? n * base_ : fib(n - 1) + fib(n - 2);
}

int main() {
  const Series series(1);
  const long fib30 = series.fib(30);
  std::printf("fib(30) = %ld after %d bodies, line %s\n", fib30, bodies,
              fib_line == kFibLine ? "kept" : "moved");
  bodies = 0;
  const long fib31 = series.fib(31);
  std::printf("fib(31) = %ld after %d bodies\n", fib31, bodies);

  bodies = 0;
  const std::string first = series.name_of(4);
  const std::string again = series.name_of(4);
  std::printf("name_of %s %s after %d bodies\n", first.c_str(), again.c_str(), bodies);

  bodies = 0;
  const long squares10 = Series::squares(10);
  std::printf("squares(10) = %ld after %d bodies\n", squares10, bodies);
  bodies = 0;
  const long squares11 = Series::squares(11);
  std::printf("squares(11) = %ld after %d bodies\n", squares11, bodies);

  bodies = 0;
  const long macro = series.via_macro(2) + series.via_macro(2);
  std::printf("via_macro %ld after %d bodies\n", macro, bodies);

  std::printf("with_local_class %ld with_copy %ld\n", series.with_local_class(2), series.with_copy(2));
  std::printf("with_branch %ld\n", series.with_branch(5));

  const Tracked echoed = series.echo(Tracked(41));
  std::printf("echo %d, copies %d\n", echoed.value, Tracked::copies);

  bodies = 0;
  const Ticket miss = series.stamp(Ticket("A7"));
  const Ticket hit = series.stamp(Ticket("A7"));
  std::printf("stamp %s %s after %d bodies\n", miss.code.c_str(), hit.code.c_str(), bodies);

  std::printf("with_lambdas %ld\n", series.with_lambdas(3));
  return 0;
}
// CHECK: in fib
// CHECK-NEXT: fib(30) = 832040 after 31 bodies, line kept
// CHECK-NEXT: fib(31) = 1346269 after 1 bodies
// CHECK-NEXT: in name_of
// GCC-NEXT: pretty static std::string Series::name_of(int) const::picocache_body_{{[0-9]+}}_{{[0-9a-f]+}}::name_of(const Series*, int)
// Clang shows the types as the generated body function spells them, and no `const` on the member.
// CLANG-NEXT: pretty static ::std::string Series::name_of(int)::picocache_body_{{[0-9]+}}_{{[0-9a-f]+}}::name_of(const ::Series *, int)
// CHECK-NEXT: name_of series#5/40 series#5/40 after 1 bodies
// CHECK-NEXT: in squares
// CHECK-NEXT: squares(10) = 385 after 11 bodies
// CHECK-NEXT: squares(11) = 506 after 1 bodies
// CHECK-NEXT: via_macro 6 after 1 bodies
// CHECK-NEXT: with_local_class 9 with_copy 3
// CHECK-NEXT: with_branch 6
// CHECK-NEXT: echo 42, copies 0
// CHECK-NEXT: stamp A7series A7series after 1 bodies
// CHECK-NEXT: with_lambdas 19

#include <inline_cached.hpp>
#include <declared_cached.hpp>
int declared(int x) { return x; }
int main() { return tripled(0) + declared(0); }

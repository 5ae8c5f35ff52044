#include <inline_cached.hpp>
int main() { return tripled(0); }

#include <declared_cached.hpp>
int main() { return 0; }

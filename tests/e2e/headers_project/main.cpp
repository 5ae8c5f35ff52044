// Calls the header's cached functions from this translation unit and from other.cpp: one
// CachedFunction per function for the whole program, so cache_info counts both units' calls.
#include <picocache/picocache.hpp>

#include <cstdio>
#include <ruler/ruler.hpp>

long from_other();

int main() {
  std::printf("triangle(6) = %ld\n", ruler::triangle(6));
  std::printf("marks(10) = %d\n", ruler::Ruler(2).marks(10));
  std::printf("from_other = %ld\n", from_other());
  // Two instantiations, two functions: 7 / 2 is 3 for int and 3.5 for double.
  std::printf("halved = %d %.1f\n", ruler::halved(7), ruler::halved(7.0));
  std::printf("digits = %d %d\n", ruler::Digits<10>::count(1000), ruler::Digits<2>::count(8));
  std::printf("halved<int> calls %llu, halved<double> calls %llu\n",
              static_cast<unsigned long long>(picocache::cache_info(&ruler::halved<int>).misses +
                                              picocache::cache_info(&ruler::halved<int>).hits),
              static_cast<unsigned long long>(picocache::cache_info(&ruler::halved<double>).misses +
                                              picocache::cache_info(&ruler::halved<double>).hits));
  const picocache::CacheInfo triangle = picocache::cache_info(&ruler::triangle);
  const picocache::CacheInfo marks = picocache::cache_info(&ruler::Ruler::marks);
  std::printf("triangle calls %llu, marks calls %llu\n",
              static_cast<unsigned long long>(triangle.hits + triangle.misses),
              static_cast<unsigned long long>(marks.hits + marks.misses));
}

#include "geometry.hpp"

#include <picocache/picocache.hpp>

#include <cstdio>

int plain_answer();

int main() {
  const geo::Shape square{"square", {{0, 0}, {1, 0}, {1, 1}, {0, 1}}};
  const geo::Shape triangle{"triangle", {{0, 0}, {4, 0}, {0, 3}}};
  for (const geo::Shape& s : {square, triangle, square}) {
    const geo::Measure m = geo::measure(s);
    std::printf("%s: area %.2f perimeter %.2f (%s)\n", s.name.c_str(), m.area, m.perimeter,
                m.notes.at(0).c_str());
  }
  std::printf("fib(30) = %ld\n", geo::fib(30));
  std::printf("%s / %s\n", geo::describe(5).c_str(), geo::describe(std::string("5")).c_str());
  std::printf("plain %d\n", plain_answer());
  const picocache::CacheInfo info = picocache::cache_info(&geo::measure);
  std::printf("measure: currsize=%llu\n", static_cast<unsigned long long>(info.currsize));
  for (const picocache::CacheParameters& p :
       {picocache::cache_parameters(static_cast<std::string (*)(int)>(&geo::describe)),
        picocache::cache_parameters(
            static_cast<std::string (*)(const std::string&)>(&geo::describe))}) {
    std::printf("describe: single_flight=%d lock_timeout=%lldms\n", p.single_flight ? 1 : 0,
                static_cast<long long>(p.lock_timeout.count()));
  }
  return 0;
}

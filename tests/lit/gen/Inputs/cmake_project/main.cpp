#include <probe/segment.hpp>

#include <cstdio>

#include "memory_store.hpp"

long long probe_layout(int value);

int main() {
  std::printf("layout %lld, length %d, twice %d\n", probe_layout(5), segment_length(2, 9),
              segment_twice(2, 9));
  return 0;
}

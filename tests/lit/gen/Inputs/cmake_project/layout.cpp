// Only layout.cpp gets FROM_SOURCE (a per-source definition); scaled() is declared cached in the
// header.
#include <probe/reading.hpp>

#if __cplusplus < 202002L
#error "probe_flags asks for C++20 (cxx_std_20)"
#endif

std::int64_t scaled(Reading reading) { return reading.value * reading.scale; }

long long probe_layout(int value) {
  Reading reading;
  reading.value = value;
  return scaled(reading);
}

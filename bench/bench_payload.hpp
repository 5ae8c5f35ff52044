// The cached function both benchmark suites call: a 100-byte stored value (header, length byte and
// a 90-character string), the same size as the raw baselines' values.
#pragma once

#include <picocache/picocache.hpp>

#include <cstddef>
#include <string>

namespace bench {

constexpr std::size_t kValueSize = 100;  // bytes stored per entry, header included
constexpr std::size_t kValueHeader = 9;  // format version + schema fingerprint

// A 90-character string: with its length byte and the header the stored value is 100 bytes.
inline std::string make_payload(long n) {
  std::string text = std::to_string(n);
  text.resize(kValueSize - kValueHeader - 1, 'x');
  return text;
}

inline std::string payload(long n);
inline picocache::CachedFunction payload_fn{picocache::address_of(&payload), "bench::payload",
                                            "std::string (long)", 1000, false};
inline std::string payload(long n) {
  return picocache::memoize<std::string>(
      payload_fn, [&](picocache::Encoder& e) { e.write(n); }, [&]() { return make_payload(n); });
}

}  // namespace bench

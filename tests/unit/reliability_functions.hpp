// Three cached functions with maxsize 2, 16 and none, as hand-written wrappers of the shape
// picocache-gen emits, whose results are checkable from their arguments: what the crash, load
// and fault tests call (in reliability_client and in the test processes themselves).
#pragma once

#include <picocache/picocache.hpp>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace reliability {

// A string of a length that varies with n, so values are not all one size.
inline std::string pattern(long n) {
  std::string text = "v" + std::to_string(n) + ":";
  text.append(static_cast<std::size_t>(n % 97) * 7, static_cast<char>('a' + n % 26));
  return text;
}

std::string two(long n);
inline picocache::CachedFunction two_fn{picocache::address_of(&two), "reliability::two",
                                        "std::string (long)", 2, false};
inline std::string two(long n) {
  return picocache::memoize<std::string>(
      two_fn, [&](picocache::Encoder& e) { e.write(n); },
      [&]() -> std::string { return pattern(n); });
}

long sixteen(long n);
inline picocache::CachedFunction sixteen_fn{picocache::address_of(&sixteen), "reliability::sixteen",
                                            "long (long)", 16, false};
inline long sixteen(long n) {
  return picocache::memoize<long>(
      sixteen_fn, [&](picocache::Encoder& e) { e.write(n); }, [&]() -> long { return n * n + 1; });
}

std::vector<long> unbounded(long n);
inline picocache::CachedFunction unbounded_fn{picocache::address_of(&unbounded),
                                              "reliability::unbounded", "std::vector<long> (long)",
                                              picocache::unbounded, false};
inline std::vector<long> unbounded(long n) {
  return picocache::memoize<std::vector<long>>(
      unbounded_fn, [&](picocache::Encoder& e) { e.write(n); },
      [&]() -> std::vector<long> { return {n, -n, n * 3}; });
}

// The maxsize of each function by its qualified name (0 for maxsize=none).
inline std::uint64_t maxsize_of(const std::string& name) {
  if (name == "reliability::two") return 2;
  if (name == "reliability::sixteen") return 16;
  return 0;
}

// Calls function 0 (two), 1 (sixteen) or 2 (unbounded) with n; whether the result is right.
inline bool call_and_check(int function, long n) {
  bool right = false;
  switch (function) {
    case 0:
      right = two(n) == pattern(n);
      break;
    case 1:
      right = sixteen(n) == n * n + 1;
      break;
    default:
      right = unbounded(n) == std::vector<long>{n, -n, n * 3};
  }
  if (!right) std::fprintf(stderr, "wrong value from function %d for %ld\n", function, n);
  return right;
}

inline void clear(int function) {
  if (function == 0) picocache::cache_clear(&two);
  if (function == 1) picocache::cache_clear(&sixteen);
  if (function == 2) picocache::cache_clear(&unbounded);
}

// One line per function: "NAME hits=H misses=M currsize=C".
inline void print_info() {
  const auto line = [](const char* name, const picocache::CacheInfo& info) {
    std::printf("%s hits=%llu misses=%llu currsize=%llu\n", name,
                static_cast<unsigned long long>(info.hits),
                static_cast<unsigned long long>(info.misses),
                static_cast<unsigned long long>(info.currsize));
  };
  line("reliability::two", picocache::cache_info(&two));
  line("reliability::sixteen", picocache::cache_info(&sixteen));
  line("reliability::unbounded", picocache::cache_info(&unbounded));
}

}  // namespace reliability

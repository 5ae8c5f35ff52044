// A program with one cached function, for the multi-process tests: it is run several times, in
// sequence or at once, against one store (PICOCACHE_URL).
//
//   cache_client sequence N     calls slow_square(0..N-1) once; prints "hits=H misses=M"
//   cache_client stress SEED    300 calls of slow_square over 0..49 (maxsize 20) in an order
//                               from SEED; exits 1 on a wrong value, 2 on any warning
//   cache_client old-version D  writes 3 entries of another code version of slow_square ("v:0")
//                               last used D days ago, straight through the store API: a version
//                               an older build left behind
#include "stores/store.hpp"
#include "stores/store_registry.hpp"
#include "stores/store_url.hpp"

#include <picocache/picocache.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

namespace {

long slow_square(long n);
picocache::CachedFunction slow_square_fn{picocache::address_of(&slow_square), "slow_square",
                                         "long (long)", 20, false};
long slow_square(long n) {
  return picocache::memoize<long>(
      slow_square_fn, [&](picocache::Encoder& e) { e.write(n); }, [&]() -> long { return n * n; });
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: cache_client sequence N | stress SEED\n");
    return 64;
  }
  std::atomic<int> warnings{0};
  picocache::set_log_handler([&](std::string_view line) {
    ++warnings;
    std::fprintf(stderr, "%.*s\n", static_cast<int>(line.size()), line.data());
  });
  const std::string mode = argv[1];
  const long number = std::strtol(argv[2], nullptr, 10);
  if (mode == "sequence") {
    for (long n = 0; n < number; ++n) {
      if (slow_square(n) != n * n) return 1;
    }
    const picocache::CacheInfo info = picocache::cache_info(&slow_square);
    std::printf("hits=%llu misses=%llu\n", static_cast<unsigned long long>(info.hits),
                static_cast<unsigned long long>(info.misses));
  } else if (mode == "stress") {
    std::mt19937 random(static_cast<unsigned>(number));
    std::uniform_int_distribution<long> argument(0, 49);
    for (int i = 0; i < 300; ++i) {
      const long n = argument(random);
      if (slow_square(n) != n * n) {
        std::fprintf(stderr, "slow_square(%ld) gave a wrong value\n", n);
        return 1;
      }
    }
  } else if (mode == "old-version") {
    const std::string id = picocache::hash_key("old version of " + slow_square_fn.id()).to_hex();
    const picocache::FunctionRef old{id, slow_square_fn.display_name(), slow_square_fn.family_id(),
                                     "v:0"};
    const auto store = picocache::open_store(picocache::default_store_url());
    const std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
    store->record_use(old, now - number * 86'400'000LL);
    for (long n = 0; n < 3; ++n) {
      picocache::EntryWrite entry;
      entry.value = "stale";
      entry.check = "none";
      entry.maxsize = 20;
      store->put(old, picocache::hash_key(std::to_string(n)), entry);
    }
  } else {
    return 64;
  }
  return warnings.load() == 0 ? 0 : 2;
}

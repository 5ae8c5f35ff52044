// What the outage tests of the network stores (redis_outage_test, postgres_store_test,
// memcached_store_test) share: outage::square, a cached function of the shape picocache-gen
// emits that counts how often its body runs, and OutageCapture, which points the process's store
// at a server and collects the warnings PicoCache logs meanwhile.
#pragma once

#include "memory_tier.hpp"

#include <picocache/picocache.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace outage {

inline std::atomic<int> square_calls{0};  // how many times square's body ran
inline long square(int n);
inline picocache::CachedFunction square_fn{picocache::address_of(&square), "outage::square",
                                           "long (int)", 64, false};
inline long square(int n) {
  return picocache::memoize<long>(
      square_fn, [&](picocache::Encoder& e) { e.write(n); },
      [&]() -> long {
        ++square_calls;
        return static_cast<long>(n) * n;
      });
}

}  // namespace outage

namespace picocache::testing {

class OutageCapture {
 public:
  OutageCapture() = default;
  OutageCapture(const OutageCapture&) = delete;
  OutageCapture& operator=(const OutageCapture&) = delete;
  ~OutageCapture() { stop(); }

  // Configures the process's store to `url` (PICOCACHE_URL unset, so it is the one used),
  // collects every line PicoCache logs from now on, and empties outage::square's entries and
  // body count.
  void start(const std::string& url) {
    unsetenv("PICOCACHE_URL");
    // The in-process tier off: these tests watch every call reach the store (memory_tier_test
    // has the tier's own outage test: it goes on caching).
    picocache::detail::set_tier_budget(0);
    configure(url);
    set_log_handler([this](std::string_view line) {
      std::lock_guard lock(mutex_);
      warnings_.emplace_back(line);
    });
    cache_clear(&outage::square);
    outage::square_calls = 0;
  }

  // Stops collecting (logging goes back to stderr).
  void stop() {
    set_log_handler({});
    picocache::detail::set_tier_budget(picocache::detail::kDefaultMemoryBudget);
  }

  // The lines logged since start().
  std::vector<std::string> warnings() {
    std::lock_guard lock(mutex_);
    return warnings_;
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> warnings_;
};

// Calls outage::square(n), checking each result, until a call is answered by the store again
// (a hit), for at most `limit`. True when caching resumed.
inline bool wait_until_caching_resumes(int n, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    const std::uint64_t hits = outage::square_fn.hits();
    EXPECT_EQ(outage::square(n), static_cast<long>(n) * n);
    if (outage::square_fn.hits() > hits) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

}  // namespace picocache::testing

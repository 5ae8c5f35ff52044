// A program with slow cached functions, for the single-flight tests: run several at once against
// one store (PICOCACHE_URL), it shows whose body ran (one line per run, appended to
// $PICOCACHE_TEST_LOG with O_APPEND, so lines from processes never interleave) and what each
// call returned.
//
//   single_flight_client FUNCTION N THREADS [throw]
//
// THREADS threads call FUNCTION(N) at once. Every body appends "FUNCTION N <pid>\n" to the log,
// then sleeps $PICOCACHE_TEST_SLEEP_MS (default 1000). With `throw`, this process's bodies
// throw after their sleep. Prints "right=R threw=T hits=H misses=M waited=W warnings=X": R calls
// returned the right value, T threw. Exits 0 when every call returned the right value or threw
// as asked, 1 otherwise.
//
// FUNCTION is one of: slow (defaults), timed (lock_timeout 300 ms), unflighted (single_flight
// false), big (returns 2 MiB when $PICOCACHE_TEST_BIG is set, else a short string: how the Redis
// test makes one process's result unstorable), cycle_f and cycle_g (lock_timeout 1 s; the body of
// the function named on the command line calls the other one with the same N, so a cycle_f
// process and a cycle_g process wait on each other's lease).
#include <picocache/picocache.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

std::string g_function;  // FUNCTION from the command line
bool g_throw = false;

void log_run(const char* function, long n) {
  const char* path = std::getenv("PICOCACHE_TEST_LOG");
  if (path == nullptr) return;
  const std::string line =
      std::string(function) + " " + std::to_string(n) + " " + std::to_string(getpid()) + "\n";
  const int fd = ::open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return;
  if (::write(fd, line.data(), line.size()) < 0) std::perror("write");
  ::close(fd);
}

void work(const char* function, long n) {
  log_run(function, n);
  const char* sleep_ms = std::getenv("PICOCACHE_TEST_SLEEP_MS");
  std::this_thread::sleep_for(std::chrono::milliseconds(sleep_ms ? std::atol(sleep_ms) : 1000));
  if (g_throw) throw std::runtime_error("asked to throw");
}

long slow(long n);
picocache::CachedFunction slow_fn{picocache::address_of(&slow), "slow", "long (long)", 100, false};
long slow(long n) {
  return picocache::memoize<long>(
      slow_fn, [&](picocache::Encoder& e) { e.write(n); },
      [&]() -> long {
        work("slow", n);
        return n * n + 1;
      });
}

long timed(long n);
picocache::CachedFunction timed_fn{
    picocache::address_of(&timed),         "timed", "long (long)", 100, false,
    {true, std::chrono::milliseconds(300)}};
long timed(long n) {
  return picocache::memoize<long>(
      timed_fn, [&](picocache::Encoder& e) { e.write(n); },
      [&]() -> long {
        work("timed", n);
        return n * n + 1;
      });
}

long unflighted(long n);
picocache::CachedFunction unflighted_fn{
    picocache::address_of(&unflighted), "unflighted", "long (long)", 100, false, {false}};
long unflighted(long n) {
  return picocache::memoize<long>(
      unflighted_fn, [&](picocache::Encoder& e) { e.write(n); },
      [&]() -> long {
        work("unflighted", n);
        return n * n + 1;
      });
}

std::string big(long n);
picocache::CachedFunction big_fn{picocache::address_of(&big), "big", "std::string (long)", 100,
                                 false};
std::string big(long n) {
  return picocache::memoize<std::string>(
      big_fn, [&](picocache::Encoder& e) { e.write(n); },
      [&]() -> std::string {
        work("big", n);
        return std::getenv("PICOCACHE_TEST_BIG") ? std::string(2 << 20, 'x') : std::string("small");
      });
}

long cycle_g(long n);
long cycle_f(long n);
constexpr picocache::FunctionOptions kCycleOptions{true, std::chrono::milliseconds(1000)};
picocache::CachedFunction cycle_f_fn{
    picocache::address_of(&cycle_f), "cycle_f", "long (long)", 100, false, kCycleOptions};
picocache::CachedFunction cycle_g_fn{
    picocache::address_of(&cycle_g), "cycle_g", "long (long)", 100, false, kCycleOptions};
long cycle_f(long n) {
  return picocache::memoize<long>(
      cycle_f_fn, [&](picocache::Encoder& e) { e.write(n); },
      [&]() -> long {
        work("cycle_f", n);
        if (g_function == "cycle_f") static_cast<void>(cycle_g(n));
        return n + 1;
      });
}
long cycle_g(long n) {
  return picocache::memoize<long>(
      cycle_g_fn, [&](picocache::Encoder& e) { e.write(n); },
      [&]() -> long {
        work("cycle_g", n);
        if (g_function == "cycle_g") static_cast<void>(cycle_f(n));
        return n + 2;
      });
}

// Calls FUNCTION(n); true when it returned the right value.
bool call(long n) {
  if (g_function == "slow") return slow(n) == n * n + 1;
  if (g_function == "timed") return timed(n) == n * n + 1;
  if (g_function == "unflighted") return unflighted(n) == n * n + 1;
  if (g_function == "big") {
    const std::string value = big(n);
    return value == "small" || value == std::string(2 << 20, 'x');
  }
  if (g_function == "cycle_f") return cycle_f(n) == n + 1;
  if (g_function == "cycle_g") return cycle_g(n) == n + 2;
  return false;
}

picocache::CacheInfo info() {
  if (g_function == "slow") return picocache::cache_info(&slow);
  if (g_function == "timed") return picocache::cache_info(&timed);
  if (g_function == "unflighted") return picocache::cache_info(&unflighted);
  if (g_function == "big") return picocache::cache_info(&big);
  if (g_function == "cycle_f") return picocache::cache_info(&cycle_f);
  return picocache::cache_info(&cycle_g);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4 && argc != 5) {
    std::fprintf(stderr, "usage: single_flight_client FUNCTION N THREADS [throw]\n");
    return 64;
  }
  g_function = argv[1];
  const long n = std::strtol(argv[2], nullptr, 10);
  const int threads = std::atoi(argv[3]);
  g_throw = argc == 5 && std::string(argv[4]) == "throw";
  std::atomic<int> warnings{0};
  picocache::set_log_handler([&](std::string_view line) {
    ++warnings;
    std::fprintf(stderr, "%.*s\n", static_cast<int>(line.size()), line.data());
  });
  std::atomic<int> right{0};
  std::atomic<int> threw{0};
  std::atomic<int> ready{0};
  std::vector<std::thread> callers;
  for (int i = 0; i < threads; ++i) {
    callers.emplace_back([&] {
      ++ready;
      while (ready.load() < threads) std::this_thread::yield();  // start together
      try {
        if (call(n)) ++right;
      } catch (const std::runtime_error&) {
        ++threw;
      }
    });
  }
  for (std::thread& caller : callers) caller.join();
  const picocache::CacheInfo counts = info();
  std::printf("right=%d threw=%d hits=%llu misses=%llu waited=%llu warnings=%d\n", right.load(),
              threw.load(), static_cast<unsigned long long>(counts.hits),
              static_cast<unsigned long long>(counts.misses),
              static_cast<unsigned long long>(picocache::store_counters().waited), warnings.load());
  const bool as_asked = g_throw ? right + threw == threads : right == threads;
  return as_asked ? 0 : 1;
}

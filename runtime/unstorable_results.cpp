// Results beyond the codec limits (CodecLimits): memoize returns them to the caller but cannot
// store them, since no decoder would accept them. Counted per process, and one warning per
// function, so that a function whose results are always too large is noticed without flooding.
#include "log.hpp"

#include <picocache/memoize.hpp>
#include <picocache/picocache.hpp>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_set>

namespace picocache {
namespace {

std::atomic<std::uint64_t> unstorable_count{0};

struct WarnedFunctions {
  std::mutex mutex;
  std::unordered_set<std::string> ids;  // CachedFunction::id() of each function warned about
};

// Never destroyed: cached functions may be called from other static objects' destructors.
WarnedFunctions& warned_functions() {
  static WarnedFunctions* warned = new WarnedFunctions;
  return *warned;
}

}  // namespace

std::uint64_t unstorable_results() { return unstorable_count.load(std::memory_order_relaxed); }

namespace detail {

void report_unstorable(CachedFunction& fn, std::string_view reason) {
  unstorable_count.fetch_add(1, std::memory_order_relaxed);
  try {
    WarnedFunctions& warned = warned_functions();
    {
      const std::lock_guard<std::mutex> lock(warned.mutex);
      if (!warned.ids.insert(fn.id()).second) return;
    }
    std::string message = "picocache: a result of ";
    message += fn.display_name();
    message += " is not stored: it ";
    message += reason;
    message +=
        " (the call returns it uncached; later ones are counted in "
        "picocache::unstorable_results() without a warning)";
    log(message);
  } catch (...) {
    // ignored: out of memory while warning; the count above is what matters
  }
}

}  // namespace detail
}  // namespace picocache

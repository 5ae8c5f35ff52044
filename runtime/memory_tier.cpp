// The in-process tier; see memory_tier.hpp. One mutex guards it: a hit holds it for a hash
// lookup, a move to the front of its list and the decoding of the result, well under a microsecond
// for small results.
#include "memory_tier.hpp"

#include "entry_age.hpp"
#include "log.hpp"
#include "store_session.hpp"
#include "tier_table.hpp"

#include <picocache/memoize.hpp>

#include <fmt/format.h>
#include <pthread.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <deque>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

namespace picocache::detail {

namespace {

// Bytes an entry costs beyond its value and arguments: its slot (128 bytes, the table 40-80%
// full) and the allocations' headers.
constexpr std::uint64_t kEntryOverhead = 256;

std::uint64_t cost(const TierEntry& entry) {
  return entry.arguments_size + entry.value_size + kEntryOverhead;
}
// How many keys dropped for maxsize a function remembers at most (see TierFound::dropped).
constexpr std::size_t kMostDroppedKeys = 1024;
// How often a function's clear generation is read from the store at most.
constexpr auto kGenerationCheckInterval = std::chrono::seconds(1);

// The monotonic clock to its tick (a few milliseconds), for that once-a-second check, which
// every tier hit makes: on Linux a read of the kernel's last tick, several times cheaper than
// std::chrono::steady_clock::now() (16% of a hit's time, measured with perf).
std::chrono::nanoseconds coarse_monotonic_now() {
#if defined(CLOCK_MONOTONIC_COARSE)
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
  return std::chrono::seconds(now.tv_sec) + std::chrono::nanoseconds(now.tv_nsec);
#else
  return std::chrono::steady_clock::now().time_since_epoch();
#endif
}

struct Key128Hash {
  std::size_t operator()(const Key128& key) const noexcept {
    return static_cast<std::size_t>(key.lo ^ (key.hi * 0x9e3779b97f4a7c15ULL));
  }
};

// One function's entries, with their recency.
struct FunctionEntries {
  TierTable entries;
  std::uint64_t bytes = 0;
  // Keys dropped to keep within maxsize, oldest first (see TierFound::dropped).
  std::unordered_set<Key128, Key128Hash> dropped;
  std::deque<Key128> dropped_order;
  std::optional<std::uint64_t> generation;  // the store's, when last read
  std::chrono::nanoseconds next_check{0};   // when to read it again (coarse_monotonic_now())
};

class Tier {
 public:
  Tier() : budget_(budget_from_environment()) {}

  // Read without the lock by find(), which only asks whether the tier is off.
  std::uint64_t budget() const { return budget_.load(std::memory_order_relaxed); }

  // Calls use(value) with the value kept for the call, under the lock: a hit when it returns
  // true (the entry is then the most recently used), absent when false.
  template <class Use>
  TierFound find(CachedFunction& fn, const Key128& key, std::string_view arguments, Use&& use) {
    if (budget() == 0) return TierFound::absent;
    std::unique_lock lock(mutex_);
    FunctionEntries& entries = entries_of(fn);
    const std::chrono::nanoseconds now = coarse_monotonic_now();
    if (now >= entries.next_check) {
      // A second has passed: read the store's clear generation, outside the lock (it may cost a
      // round trip); a change drops fn's entries.
      entries.next_check = now + kGenerationCheckInterval;
      const std::optional<std::uint64_t> known = entries.generation;
      lock.unlock();
      const std::optional<std::uint64_t> current = read_generation(fn);
      lock.lock();
      if (current) {
        if (known && *known != *current) {
          total_bytes_ -= entries.bytes;
          forget(entries);
        }
        entries.generation = current;
      }
    }
    TierEntry* found = entries.entries.find(key);
    if (found == nullptr || found->arguments() != arguments) {
      return entries.dropped.count(key) != 0 ? TierFound::dropped : TierFound::absent;
    }
    if (expired(found->written_at, fn.ttl())) {
      // Too old, here as in the store: absent (not dropped: the store is asked, and misses too).
      remove(entries, *found);
      return TierFound::absent;
    }
    if (!use(found->value())) return TierFound::absent;
    if (fn.maxsize() == unbounded) {
      // Nothing is evicted for maxsize, only for the budget: a second chance (CLOCK) is order
      // enough there, and a hit then touches no neighbour's slot (a cache miss each at 100,000
      // keys).
      found->referenced = true;
    } else {
      entries.entries.make_newest(*found);
    }
    return TierFound::hit;
  }

  void insert(CachedFunction& fn, const Key128& key, std::string_view arguments,
              std::string_view value, std::int64_t written_at) {
    // Off: nothing to keep, and nothing older to drop (set_budget(0) emptied the tier).
    if (budget() == 0) return;
    const std::uint64_t bytes = arguments.size() + value.size() + kEntryOverhead;
    std::lock_guard lock(mutex_);
    FunctionEntries& entries = entries_of(fn);
    if (TierEntry* found = entries.entries.find(key)) remove(entries, *found);  // no older value
    if (bytes > budget() || arguments.size() + value.size() > TierEntry::kMostBytes) return;
    // Allocate first: a failure (std::bad_alloc, ignored by tier_insert) leaves everything as
    // it was.
    TierEntry kept;
    kept.key = key;
    kept.keep(arguments, value);
    kept.written_at = written_at;
    entries.entries.insert(std::move(kept));
    entries.bytes += bytes;
    total_bytes_ += bytes;
    entries.dropped.erase(key);
    while (entries.entries.size() > fn.maxsize()) {
      const Key128 oldest = entries.entries.oldest()->key;
      remove_oldest(entries);
      remember_dropped(entries, oldest, fn.maxsize());
    }
    shrink_to_budget(entries);
  }

  void clear(const CachedFunction& fn) {
    std::lock_guard lock(mutex_);
    auto function = functions_.find(&fn);
    if (function == functions_.end()) return;
    total_bytes_ -= function->second.bytes;
    forget(function->second);
  }

  void forget_function(const CachedFunction& fn) {
    std::lock_guard lock(mutex_);
    auto function = functions_.find(&fn);
    if (function == functions_.end()) return;
    total_bytes_ -= function->second.bytes;
    recent_functions_.fill(RecentFunction{});  // none may point at the erased entries
    functions_.erase(function);
  }

  void clear_all() {
    std::lock_guard lock(mutex_);
    for (auto& [fn, entries] : functions_) {
      forget(entries);
      entries.generation.reset();
      entries.next_check = std::chrono::nanoseconds{0};
    }
    total_bytes_ = 0;
  }

  TierUsage usage() {
    std::lock_guard lock(mutex_);
    TierUsage usage;
    for (const auto& [fn, entries] : functions_) usage.entries += entries.entries.size();
    usage.bytes = total_bytes_;
    return usage;
  }

  TierUsage usage(const CachedFunction& fn) {
    std::lock_guard lock(mutex_);
    auto function = functions_.find(&fn);
    if (function == functions_.end()) return {};
    return {function->second.entries.size(), function->second.bytes};
  }

  void set_budget(std::uint64_t bytes) {
    std::lock_guard lock(mutex_);
    budget_.store(bytes, std::memory_order_relaxed);
    for (auto& [fn, entries] : functions_) {
      while (total_bytes_ > budget() && entries.entries.size() != 0) evict_one(entries);
    }
  }

  // fork(): the child gets the tier as it was, its mutex unlocked.
  void lock_for_fork() { mutex_.lock(); }
  void unlock_after_fork() { mutex_.unlock(); }

 private:
  static std::uint64_t budget_from_environment() {
    const char* text = std::getenv("PICOCACHE_MEMORY");
    if (text == nullptr || *text == '\0') return kDefaultMemoryBudget;
    if (std::optional<std::uint64_t> budget = parse_memory_budget(text)) return *budget;
    log(
        fmt::format("picocache: PICOCACHE_MEMORY='{}' is not a size (e.g. 256MiB, 64M, 0 to turn "
                    "the in-process tier off); using the default, 64 MiB",
                    text));
    return kDefaultMemoryBudget;
  }

  // fn's clear generation from the store, or nullopt when it cannot tell or failed (no news).
  static std::optional<std::uint64_t> read_generation(CachedFunction& fn) {
    std::optional<std::uint64_t> current;
    const bool read = StoreSession::instance().run(
        StoreAccess::read, "reading the clear generation of", fn,
        [&](Store& store, const FunctionRef& ref) { current = store.clear_generation(ref); });
    return read ? current : std::nullopt;
  }

  // Empties one function's entries (the caller fixes total_bytes_).
  static void forget(FunctionEntries& entries) {
    entries.entries.clear();
    entries.bytes = 0;
    entries.dropped.clear();
    entries.dropped_order.clear();
  }

  static void remember_dropped(FunctionEntries& entries, const Key128& key, std::uint64_t maxsize) {
    const auto most =
        static_cast<std::size_t>(std::min<std::uint64_t>(kMostDroppedKeys, maxsize * 4));
    if (!entries.dropped.insert(key).second) return;
    entries.dropped_order.push_back(key);
    while (entries.dropped_order.size() > most) {
      entries.dropped.erase(entries.dropped_order.front());
      entries.dropped_order.pop_front();
    }
  }

  void remove(FunctionEntries& entries, TierEntry& found) {
    const std::uint64_t bytes = cost(found);
    const Key128 key = found.key;  // `found` is the table's slot, emptied by erase()
    entries.entries.erase(key);
    entries.bytes -= bytes;
    total_bytes_ -= bytes;
  }

  void remove_oldest(FunctionEntries& entries) { remove(entries, *entries.entries.oldest()); }

  // For the budget: the oldest entry not used since it last reached the end (second chance).
  void evict_one(FunctionEntries& entries) {
    for (std::size_t turns = entries.entries.size(); turns > 0; --turns) {
      TierEntry& oldest = *entries.entries.oldest();
      if (!oldest.referenced) break;
      oldest.referenced = false;
      entries.entries.make_newest(oldest);
    }
    remove_oldest(entries);
  }

  // Over the budget: the inserting function's oldest entries go first (never its newest), then
  // the oldest of whichever function holds the most bytes.
  void shrink_to_budget(FunctionEntries& inserting) {
    while (total_bytes_ > budget() && inserting.entries.size() > 1) evict_one(inserting);
    while (total_bytes_ > budget()) {
      FunctionEntries* largest = nullptr;
      for (auto& [fn, entries] : functions_) {
        if (&entries != &inserting && entries.entries.size() != 0 &&
            (largest == nullptr || entries.bytes > largest->bytes)) {
          largest = &entries;
        }
      }
      if (largest == nullptr) break;
      evict_one(*largest);
    }
  }

  // fn's entries, made empty when absent; called with mutex_ held. A small direct-mapped cache
  // of recent functions answers first: the map's hash and bucket walk were 6% of a tier hit
  // (perf, 100 keys). Map nodes never move (rehashing keeps references valid), so a cached
  // pointer stays good until forget_function() erases a node, which empties the cache.
  FunctionEntries& entries_of(const CachedFunction& fn) {
    RecentFunction& recent =
        recent_functions_[(reinterpret_cast<std::uintptr_t>(&fn) >> 4) % kRecentFunctions];
    if (recent.fn != &fn) recent = RecentFunction{&fn, &functions_[&fn]};
    return *recent.entries;
  }

  struct RecentFunction {
    const CachedFunction* fn = nullptr;
    FunctionEntries* entries = nullptr;
  };
  static constexpr std::size_t kRecentFunctions = 16;

  std::mutex mutex_;
  std::atomic<std::uint64_t> budget_;
  std::uint64_t total_bytes_ = 0;
  std::unordered_map<const CachedFunction*, FunctionEntries> functions_;
  std::array<RecentFunction, kRecentFunctions> recent_functions_{};
};

// Whether this thread is decoding a kept value under the tier's lock: a result type's codec that
// calls a cached function (or anything reaching the tier) would wait for the lock it holds, so
// the tier is off for this thread until the decode returns.
thread_local bool t_decoding = false;

struct DecodingScope {
  DecodingScope() { t_decoding = true; }
  ~DecodingScope() { t_decoding = false; }
  DecodingScope(const DecodingScope&) = delete;
  DecodingScope& operator=(const DecodingScope&) = delete;
};

// Set once tier() has made the tier: what a function's destructor checks, so that one run at
// exit in a program that never called a cached function does not make it.
std::atomic<bool> tier_made{false};

Tier& tier() {
  static Tier* instance = [] {
    auto* created = new Tier;  // never destroyed: cached calls may run during static destruction
    pthread_atfork([] { tier().lock_for_fork(); }, [] { tier().unlock_after_fork(); },
                   [] { tier().unlock_after_fork(); });
    tier_made.store(true, std::memory_order_release);
    return created;
  }();
  return *instance;
}

}  // namespace

std::optional<std::uint64_t> parse_memory_budget(std::string_view text) {
  std::size_t digits = 0;
  std::uint64_t number = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) {
    if (number > (~std::uint64_t{0} - 9) / 10) return std::nullopt;
    number = number * 10 + static_cast<std::uint64_t>(text[digits] - '0');
    ++digits;
  }
  if (digits == 0) return std::nullopt;
  std::string unit;
  for (char c : text.substr(digits))
    unit += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  int shift = -1;
  if (unit.empty() || unit == "b") shift = 0;
  if (unit == "k" || unit == "kb" || unit == "kib") shift = 10;
  if (unit == "m" || unit == "mb" || unit == "mib") shift = 20;
  if (unit == "g" || unit == "gb" || unit == "gib") shift = 30;
  if (shift < 0 || (shift > 0 && number > (~std::uint64_t{0} >> shift))) return std::nullopt;
  return number << shift;
}

TierFound tier_find_decoded(CachedFunction& fn, const Key128& key, std::string_view arguments,
                            DecodeInto decode, void* out) {
  if (t_decoding) return TierFound::absent;
  try {
    return tier().find(fn, key, arguments, [&](std::string_view value) {
      const DecodingScope decoding;
      return decode(value, out);
    });
  } catch (const std::exception&) {
    return TierFound::absent;  // out of memory, or the result type's move threw: the store
  }
}

std::optional<std::string> tier_find(CachedFunction& fn, const Key128& key,
                                     std::string_view arguments) {
  std::optional<std::string> value;
  const DecodeInto copy = [](std::string_view stored, void* out) {
    static_cast<std::optional<std::string>*>(out)->emplace(stored);
    return true;
  };
  if (tier_find_decoded(fn, key, arguments, copy, &value) != TierFound::hit) return std::nullopt;
  return value;
}

void tier_insert(CachedFunction& fn, const Key128& key, std::string_view arguments,
                 std::string_view value, std::int64_t written_at) {
  if (t_decoding) return;
  try {
    tier().insert(fn, key, arguments, value, written_at);
  } catch (const std::exception&) {
    // ignored: out of memory; the store still has the value
  }
}

// Inside a decode under the lock, the tier is out of reach (see DecodingScope): a clear from a
// codec's decode reaches the store only.
void tier_clear(CachedFunction& fn) {
  if (!t_decoding) tier().clear(fn);
}
void tier_clear_all() {
  if (!t_decoding) tier().clear_all();
}
void tier_forget(const CachedFunction& fn) {
  if (!t_decoding && tier_made.load(std::memory_order_acquire)) tier().forget_function(fn);
}
TierUsage tier_usage() { return t_decoding ? TierUsage{} : tier().usage(); }
TierUsage tier_usage(const CachedFunction& fn) {
  return t_decoding ? TierUsage{} : tier().usage(fn);
}
void set_tier_budget(std::uint64_t bytes) {
  if (!t_decoding) tier().set_budget(bytes);
}

}  // namespace picocache::detail

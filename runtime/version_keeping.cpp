// Records each function version's use and drops the superseded ones; see version_keeping.hpp.
#include "version_keeping.hpp"

#include "fork_generation.hpp"
#include "log.hpp"
#include "store_session.hpp"

#include <fmt/format.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <mutex>
#include <string>
#include <unordered_map>

namespace picocache::detail {
namespace {

// When each function is next due, in this process. A forked child starts a table of its own
// (the parent's mutex may have been held by a thread the child does not have), so each child
// records on its first access too.
struct DueTimes {
  std::uint64_t fork_generation = 0;
  std::mutex mutex;
  std::unordered_map<const CachedFunction*, std::chrono::steady_clock::time_point> next;
};

std::atomic<DueTimes*> g_due_times{nullptr};

DueTimes& due_times() {
  DueTimes* current = g_due_times.load(std::memory_order_acquire);
  const std::uint64_t generation = fork_generation();
  if (current != nullptr && current->fork_generation == generation) return *current;
  auto* fresh = new DueTimes;
  fresh->fork_generation = generation;
  // The replaced table is leaked on purpose: another thread may still be reading it.
  if (g_due_times.compare_exchange_strong(current, fresh, std::memory_order_acq_rel)) {
    return *fresh;
  }
  delete fresh;
  return *current;
}

// Bumped by forget_recorded_uses(): every thread's copy of the due times is then stale.
std::atomic<std::uint64_t> g_epoch{0};

// This thread's copy of the due times it has seen, so that a call that is not due takes no lock
// (the hit path): valid for one epoch in one process (fork generation).
struct ThreadDueTimes {
  std::uint64_t epoch = 0;
  std::uint64_t fork_generation = 0;
  std::unordered_map<const CachedFunction*, std::chrono::steady_clock::time_point> next;
};

// True (and the next time set) when `fn` is due now: the process's table decides, under its
// lock, only when this thread's copy says the time may have come.
bool due(const CachedFunction& fn) {
  const auto now = std::chrono::steady_clock::now();
  thread_local ThreadDueTimes mine;
  const std::uint64_t epoch = g_epoch.load(std::memory_order_acquire);
  const std::uint64_t generation = fork_generation();
  if (mine.epoch != epoch || mine.fork_generation != generation) {
    mine.next.clear();
    mine.epoch = epoch;
    mine.fork_generation = generation;
  }
  std::chrono::steady_clock::time_point& seen = mine.next[&fn];
  if (now < seen) return false;
  DueTimes& times = due_times();
  std::lock_guard lock(times.mutex);
  const auto [it, first] = times.next.try_emplace(&fn, now);
  if (!first && now < it->second) {
    seen = it->second;
    return false;
  }
  it->second = now + kRecordUseEvery;
  seen = it->second;
  return true;
}

// Digits with optional ' separators, as a count; nullopt on anything else or overflow.
std::optional<std::uint64_t> parse_count(std::string_view digits) {
  if (digits.empty() || digits.front() == '\'' || digits.back() == '\'') return std::nullopt;
  std::uint64_t value = 0;
  for (char c : digits) {
    if (c == '\'') continue;
    if (c < '0' || c > '9') return std::nullopt;
    if (value > (std::numeric_limits<std::uint64_t>::max() - 9) / 10) return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return value;
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

bool parse_keep_versions(std::string_view text, std::optional<std::chrono::milliseconds>& keep) {
  if (text == "none") {
    keep.reset();
    return true;
  }
  std::size_t digits = 0;
  while (digits < text.size() &&
         ((text[digits] >= '0' && text[digits] <= '9') || text[digits] == '\''))
    ++digits;
  const std::optional<std::uint64_t> count = parse_count(text.substr(0, digits));
  if (!count || *count == 0) return false;
  const std::string_view unit = text.substr(digits);
  struct Unit {
    std::string_view name;
    std::uint64_t ms;
  };
  for (const Unit& known : {Unit{"", 1000}, Unit{"ms", 1}, Unit{"s", 1000}, Unit{"min", 60'000},
                            Unit{"h", 3'600'000}, Unit{"d", 86'400'000}}) {
    if (unit != known.name) continue;
    constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    if (*count > kMax / known.ms) return false;
    keep = std::chrono::milliseconds(static_cast<std::int64_t>(*count * known.ms));
    return true;
  }
  return false;
}

std::optional<std::chrono::milliseconds> keep_versions_for() {
  static const std::optional<std::chrono::milliseconds> kKeep = [] {
    std::optional<std::chrono::milliseconds> parsed = kDefaultKeepVersions;
    const char* text = std::getenv("PICOCACHE_KEEP_VERSIONS");
    if (text == nullptr || *text == '\0') return parsed;
    if (parse_keep_versions(text, parsed)) return parsed;
    log(fmt::format(
        "picocache: PICOCACHE_KEEP_VERSIONS='{}' is not a duration (e.g. 12h, 7d, 3600, or none "
        "to keep every version); using the default, 7d",
        text));
    return std::optional<std::chrono::milliseconds>(kDefaultKeepVersions);
  }();
  return kKeep;
}

void keep_versions(CachedFunction& fn) {
  if (!due(fn)) return;
  StoreSession& session = StoreSession::instance();
  // A store that is unavailable is the call's own failure to report, not this one's.
  if (session.store() == nullptr) return;
  const std::int64_t at = now_ms();
  const std::optional<std::chrono::milliseconds> keep = keep_versions_for();
  session.run(StoreAccess::write, "recording the code version of", fn,
              [&](Store& store, const FunctionRef& ref) {
                store.record_use(ref, at);
                if (keep) store.drop_versions(ref.family, ref.id, at - keep->count());
              });
}

void forget_recorded_uses() {
  DueTimes& times = due_times();
  std::lock_guard lock(times.mutex);
  times.next.clear();
  g_epoch.fetch_add(1, std::memory_order_acq_rel);
}

}  // namespace picocache::detail

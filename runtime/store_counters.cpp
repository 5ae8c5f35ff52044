// picocache::store_counters() and the cells behind it.
#include "store_counters.hpp"

#include <picocache/picocache.hpp>

#include <cstdio>
#include <cstdlib>

namespace picocache {

namespace detail {

namespace {

// `picocache stats -- COMMAND` names a file in PICOCACHE_STATS_FILE; the command's counters are
// written there when it exits.
void write_counters_at_exit() {
  const char* path = std::getenv("PICOCACHE_STATS_FILE");
  if (path == nullptr || *path == '\0') return;
  std::FILE* file = std::fopen(path, "w");
  if (file == nullptr) return;
  const StoreCounters counters = store_counters();
  std::fprintf(file,
               "errors %llu\ntimeouts %llu\ndropped_writes %llu\ninternal_errors %llu\n"
               "rejected_entries %llu\nunstorable_results %llu\nwaited %llu\nmemory_hits %llu\n",
               static_cast<unsigned long long>(counters.errors),
               static_cast<unsigned long long>(counters.timeouts),
               static_cast<unsigned long long>(counters.dropped_writes),
               static_cast<unsigned long long>(counters.internal_errors),
               static_cast<unsigned long long>(counters.rejected_entries),
               static_cast<unsigned long long>(counters.unstorable_results),
               static_cast<unsigned long long>(counters.waited),
               static_cast<unsigned long long>(counters.memory_hits));
  std::fclose(file);
}

const bool kStatsAtExit = [] {
  const char* path = std::getenv("PICOCACHE_STATS_FILE");
  return path != nullptr && *path != '\0' && std::atexit(&write_counters_at_exit) == 0;
}();

}  // namespace

StoreCounterCells& store_counter_cells() {
  static_cast<void>(kStatsAtExit);
  static auto* cells = new StoreCounterCells;
  return *cells;
}

}  // namespace detail

StoreCounters store_counters() {
  const detail::StoreCounterCells& cells = detail::store_counter_cells();
  StoreCounters counters;
  counters.errors = cells.errors.load(std::memory_order_relaxed);
  counters.timeouts = cells.timeouts.load(std::memory_order_relaxed);
  counters.dropped_writes = cells.dropped_writes.load(std::memory_order_relaxed);
  counters.internal_errors = cells.internal_errors.load(std::memory_order_relaxed);
  counters.rejected_entries = cells.rejected_entries.load(std::memory_order_relaxed);
  counters.unstorable_results = unstorable_results();
  counters.waited = cells.waited.load(std::memory_order_relaxed);
  counters.memory_hits = cells.memory_hits.load(std::memory_order_relaxed);
  return counters;
}

}  // namespace picocache

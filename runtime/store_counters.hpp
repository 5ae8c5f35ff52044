// This process's counts of what happened at the store boundary, behind picocache::store_counters().
#pragma once

#include <atomic>
#include <cstdint>

namespace picocache::detail {

struct StoreCounterCells {
  std::atomic<std::uint64_t> errors{0};
  std::atomic<std::uint64_t> timeouts{0};
  std::atomic<std::uint64_t> dropped_writes{0};
  std::atomic<std::uint64_t> internal_errors{0};
  std::atomic<std::uint64_t> rejected_entries{0};
  std::atomic<std::uint64_t> waited{0};
  std::atomic<std::uint64_t> memory_hits{0};
};

// The process's counters; never destroyed. Increment with relaxed order: they are statistics.
StoreCounterCells& store_counter_cells();

inline void count(std::atomic<std::uint64_t>& cell) {
  cell.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace picocache::detail

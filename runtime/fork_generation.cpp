#include "fork_generation.hpp"

#include <pthread.h>

#include <atomic>

namespace picocache::detail {
namespace {

std::atomic<std::uint64_t> generation{0};

void after_fork_in_child() { generation.fetch_add(1, std::memory_order_relaxed); }

// Registered during static initialisation of the runtime, before any store can be opened.
const int kRegistered = pthread_atfork(nullptr, nullptr, &after_fork_in_child);

}  // namespace

std::uint64_t fork_generation() {
  static_cast<void>(kRegistered);
  return generation.load(std::memory_order_relaxed);
}

}  // namespace picocache::detail

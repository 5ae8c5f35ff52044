// The fork counter and the stores' fork hooks (see fork_generation.hpp).
#include "fork_generation.hpp"

#include "stores/store.hpp"

#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <ranges>
#include <vector>

namespace picocache::detail {
namespace {

std::atomic<std::uint64_t> generation{0};

// The stores with fork hooks. Held only to add or remove an entry (never while waiting on a
// store), so the prepare handler may take it.
struct Participants {
  std::mutex mutex;
  std::vector<Store*> stores;
};

// Never destroyed: a fork may happen during static destruction.
Participants& participants() {
  static auto* instance = new Participants;
  return *instance;
}

void prepare() {
  Participants& p = participants();
  p.mutex.lock();  // released by after_parent / after_child
  for (Store* store : p.stores) store->prepare_fork();
}

void after_parent() {
  Participants& p = participants();
  for (Store* store : std::ranges::reverse_view(p.stores)) store->after_fork_parent();
  p.mutex.unlock();
}

void after_child() {
  generation.fetch_add(1, std::memory_order_relaxed);
  Participants& p = participants();
  for (Store* store : std::ranges::reverse_view(p.stores)) store->after_fork_child();
  p.mutex.unlock();
}

// Registered during static initialisation of the runtime, before any store can be opened.
const int kRegistered = pthread_atfork(&prepare, &after_parent, &after_child);

}  // namespace

std::uint64_t fork_generation() {
  static_cast<void>(kRegistered);
  return generation.load(std::memory_order_relaxed);
}

void register_fork_hooks(Store* store) {
  static_cast<void>(kRegistered);
  Participants& p = participants();
  std::lock_guard lock(p.mutex);
  p.stores.push_back(store);
}

void unregister_fork_hooks(Store* store) {
  Participants& p = participants();
  std::lock_guard lock(p.mutex);
  std::erase(p.stores, store);
}

}  // namespace picocache::detail

// fork() and the stores: a counter of forks into this process, and the stores' fork hooks run
// by pthread_atfork handlers. The counter is cheaper than comparing getpid() on every call
// (glibc no longer caches the pid).
#pragma once

#include <cstdint>

namespace picocache {
class Store;
}  // namespace picocache

namespace picocache::detail {

// 0 in the original process; incremented in each child right after fork(). Stores keep the value
// they saw when they opened a connection and drop (never close) the connection when it changed.
std::uint64_t fork_generation();

// Makes `store`'s prepare_fork / after_fork_parent / after_fork_child run around every fork()
// until unregister_fork_hooks(store). Called by stores from their constructor and destructor,
// and by the session for a store configure() replaced. Unregistering twice is harmless.
void register_fork_hooks(Store* store);
void unregister_fork_hooks(Store* store);

}  // namespace picocache::detail

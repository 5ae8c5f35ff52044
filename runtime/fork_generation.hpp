// Counts fork()s into this process, so stores can notice that connections they opened belong to
// the parent and open new ones. Cheaper than comparing getpid() on every call (glibc no longer
// caches the pid).
#pragma once

#include <cstdint>

namespace picocache::detail {

// 0 in the original process; incremented in each child right after fork(). Stores keep the value
// they saw when they opened a connection and drop (never close) the connection when it changed.
std::uint64_t fork_generation();

}  // namespace picocache::detail

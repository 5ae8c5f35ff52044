// How long a cached call may wait on its store: one bound for the whole call (1 s unless
// PICOCACHE_STORE_TIMEOUT says otherwise, e.g. "500ms" or "2s"), and the per-operation timeouts
// each store derives from it so that a call (at most a connect, a read and a write) stays within
// it. Waiting for a single-flight leader is not bounded here.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace picocache::detail {

// The bound, read from PICOCACHE_STORE_TIMEOUT once (an invalid value keeps the default).
std::chrono::milliseconds store_call_bound();

// "250ms", "2s", "1min" or a plain number of seconds; nullopt when malformed or not positive.
std::optional<std::chrono::milliseconds> parse_store_timeout(std::string_view text);

// SQLite: how long a write waits for the file (SQLite's busy timeout), at most 250 ms.
inline std::chrono::milliseconds sqlite_busy_timeout() {
  return std::min(std::chrono::milliseconds(250), store_call_bound() / 4);
}
// SQLite: how long a call waits for a free pooled connection.
inline std::chrono::milliseconds sqlite_pool_wait() { return store_call_bound() / 2; }
// Redis: connecting, and each command's reply.
inline std::chrono::milliseconds redis_connect_timeout() { return store_call_bound() / 5; }
inline std::chrono::milliseconds redis_command_timeout() { return store_call_bound() * 2 / 5; }

}  // namespace picocache::detail

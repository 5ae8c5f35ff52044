// The log handler: a shared, swappable std::function, called outside any lock so a handler may
// itself log, block, or call back into PicoCache.
#include "log.hpp"

#include <picocache/picocache.hpp>

#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

namespace picocache {
namespace {

using Handler = std::function<void(std::string_view)>;

struct LogState {
  std::mutex mutex;
  std::shared_ptr<const Handler> handler;  // null: stderr
};

// Never destroyed: cached functions may log from other static objects' destructors.
LogState& log_state() {
  static LogState* state = new LogState;
  return *state;
}

void write_to_stderr(std::string_view message) {
  std::string line(message);
  line += '\n';
  std::fputs(line.c_str(), stderr);
}

}  // namespace

void set_log_handler(std::function<void(std::string_view)> handler) {
  std::shared_ptr<const Handler> shared;
  if (handler) shared = std::make_shared<const Handler>(std::move(handler));
  LogState& state = log_state();
  std::lock_guard lock(state.mutex);
  state.handler.swap(shared);
}

namespace detail {

void log(std::string_view message) {
  LogState& state = log_state();
  std::shared_ptr<const Handler> handler;
  {
    std::lock_guard lock(state.mutex);
    handler = state.handler;
  }
  try {
    if (handler) {
      (*handler)(message);
    } else {
      write_to_stderr(message);
    }
  } catch (...) {
    // ignored: a failing handler must not turn a store warning into a failed call
  }
}

}  // namespace detail
}  // namespace picocache

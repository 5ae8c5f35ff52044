// The process's store: the one every cached function uses, opened on first use from
// PICOCACHE_URL, else the URL given to configure(), else sqlite:picocache.db.
//
// Failure policy: a store that cannot be opened, or whose operation throws, makes the call run
// uncached and logs one warning; nothing more is logged until the store works again. Opening is
// retried with back-off (1 s doubling to 60 s), so a file that is no database costs one attempt
// per interval, not one per call.
#pragma once

#include "stores/store.hpp"

#include <picocache/memoize.hpp>

#include <atomic>
#include <chrono>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace picocache::detail {

class StoreSession {
 public:
  // Never destroyed: cached functions may be called from other static objects' destructors.
  static StoreSession& instance();

  // The store to use now, or nullptr while it is unavailable (already reported).
  Store* store() {
    Store* current = current_.load(std::memory_order_acquire);
    return current ? current : open();
  }

  // Runs `operation(store)` on the store for `fn`'s entries. False when the store is unavailable
  // or the operation threw: then "<doing> <fn's name>" and the cause are reported (once per
  // outage) and nothing reaches the caller.
  template <class Operation>
  bool run(const char* doing, const CachedFunction& fn, Operation&& operation) {
    Store* current = store();
    if (!current) return false;
    try {
      operation(*current, FunctionRef{fn.id(), fn.display_name()});
    } catch (const std::exception& error) {
      failed(std::string(doing) + " " + fn.display_name(), error);
      return false;
    }
    succeeded();
    return true;
  }

  // Reports a failed store operation: the first failure since the store last worked is logged.
  void failed(std::string_view operation, const std::exception& error);
  // Marks the store as working again, so its next failure is reported.
  void succeeded() {
    if (warned_.load(std::memory_order_relaxed)) warned_.store(false, std::memory_order_relaxed);
  }

  // Sets the URL used when PICOCACHE_URL is unset; `url` has been validated by the caller.
  void configure(std::string_view url);

  // Writes batched recency information (registered with atexit when a store is opened).
  void flush();

 private:
  StoreSession() = default;
  Store* open();
  std::string effective_url() const;
  void warn(const std::string& message);

  std::atomic<Store*> current_{nullptr};
  std::atomic<bool> warned_{false};

  std::mutex mutex_;
  std::string configured_url_;
  std::string current_url_;
  // Stores replaced by configure() stay alive: another thread may still be inside one.
  std::vector<std::unique_ptr<Store>> stores_;
  std::chrono::steady_clock::time_point next_attempt_{};
  std::chrono::seconds backoff_{1};
  bool flush_registered_ = false;
};

}  // namespace picocache::detail

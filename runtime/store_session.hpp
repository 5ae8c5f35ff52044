// The process's store: the one every cached function uses, opened on first use from
// PICOCACHE_URL, else the URL given to configure(), else sqlite:picocache.db.
//
// Failure policy. Only a StoreError is a store failure: the call runs uncached, the failure is
// counted (error or timeout; a failed write also as a dropped write) and the first failure of an
// outage is logged. An outage lasts until every kind of operation that failed (reads, writes)
// has worked again, so a store that reads but cannot write (a read-only file) logs once, not at
// every read. A store that cannot be opened is retried with back-off (1 s doubling to 60 s), so
// a file that is no database costs one attempt per interval, not one per call.
//
// Any other exception from inside a store is a bug in PicoCache, never an outage: it is logged
// once as an internal error, counted, and the call runs uncached; with PICOCACHE_STRICT=1 in the
// environment (the tests set it) it aborts the process instead, so bugs cannot hide.
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

// What an operation does to the store: outages are tracked per kind.
enum class StoreAccess : unsigned { read = 1, write = 2 };

class StoreSession {
 public:
  // Never destroyed: cached functions may be called from other static objects' destructors.
  static StoreSession& instance();

  // The store to use now, or nullptr while it is unavailable (already reported).
  Store* store() {
    Store* current = current_.load(std::memory_order_acquire);
    return current ? current : open();
  }

  // Runs `operation(store, ref)` on the store for `fn`'s entries. False when the store is
  // unavailable or the operation failed (see the failure policy above); nothing reaches the
  // caller. `doing` ("reading", ...) and fn's name word the warning.
  template <class Operation>
  bool run(StoreAccess access, const char* doing, const CachedFunction& fn, Operation&& operation) {
    Store* current = store();
    if (!current) {
      unavailable(access);
      return false;
    }
    try {
      operation(*current, FunctionRef{fn.id(), fn.display_name(), fn.family_id(), fn.code_version(),
                                      fn.maxsize() == unbounded});
    } catch (const StoreError& error) {
      failed(access, std::string(doing) + " " + fn.display_name(), error);
      return false;
    } catch (const std::exception& error) {
      internal_error(std::string(doing) + " " + fn.display_name(), error);
      return false;
    }
    succeeded(access);
    return true;
  }

  // Reports a failed store operation (counted; logged when it starts an outage).
  void failed(StoreAccess access, std::string_view operation, const StoreError& error);
  // Reports an exception that is not a StoreError: a bug (logged once; fatal when strict).
  void internal_error(std::string_view operation, const std::exception& error);
  // Marks `access` as working again; the outage ends when no kind is failing.
  void succeeded(StoreAccess access) {
    if (failing_.load(std::memory_order_relaxed) != 0) end_failure(access);
  }

  // Sets the URL used when PICOCACHE_URL is unset; `url` has been validated by the caller.
  void configure(std::string_view url);

  // Writes batched recency information (registered with atexit when a store is opened).
  void flush();

 private:
  StoreSession() = default;
  Store* open();
  std::string effective_url() const;
  void unavailable(StoreAccess access);
  void end_failure(StoreAccess access);
  // Logs `message` when no outage is under way, and marks `failing` as failing.
  void warn(unsigned failing, const std::string& message);

  std::atomic<Store*> current_{nullptr};
  std::atomic<unsigned> failing_{0};  // StoreAccess bits failing in the current outage
  std::atomic<bool> warned_{false};   // the current outage was logged
  std::atomic<bool> internal_error_logged_{false};

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

#include "store_session.hpp"

#include "fork_generation.hpp"
#include "log.hpp"
#include "memory_tier.hpp"
#include "store_counters.hpp"
#include "stores/store_registry.hpp"
#include "stores/store_url.hpp"
#include "version_keeping.hpp"

#include <picocache/picocache.hpp>

#include <fmt/format.h>

#include <cstdlib>
#include <optional>
#include <stdexcept>

namespace picocache::detail {
namespace {

constexpr std::chrono::seconds kMaxBackoff{60};
constexpr unsigned kAllAccess =
    static_cast<unsigned>(StoreAccess::read) | static_cast<unsigned>(StoreAccess::write);

void flush_at_exit() { StoreSession::instance().flush(); }

bool strict() {
  const char* value = std::getenv("PICOCACHE_STRICT");
  return value != nullptr && std::string_view(value) == "1";
}

}  // namespace

StoreSession& StoreSession::instance() {
  static auto* session = new StoreSession;
  return *session;
}

std::string StoreSession::effective_url() const {
  const char* from_environment = std::getenv("PICOCACHE_URL");
  if ((from_environment && *from_environment) || configured_url_.empty()) {
    return default_store_url();
  }
  return configured_url_;
}

Store* StoreSession::open() {
  // Logged after unlocking: a log handler may call back into PicoCache.
  std::optional<std::string> warning;
  std::optional<std::string> bug;
  Store* opened = nullptr;
  {
    std::lock_guard lock(mutex_);
    if (Store* current = current_.load(std::memory_order_acquire)) return current;
    const auto now = std::chrono::steady_clock::now();
    if (now < next_attempt_) return nullptr;
    const std::string url = effective_url();
    try {
      stores_.push_back(open_store(url));
      current_url_ = url;
      backoff_ = std::chrono::seconds(1);
      if (!flush_registered_) flush_registered_ = std::atexit(&flush_at_exit) == 0;
      opened = stores_.back().get();
      current_.store(opened, std::memory_order_release);
    } catch (const StoreError& error) {
      count(error.kind() == FailureKind::timeout ? store_counter_cells().timeouts
                                                 : store_counter_cells().errors);
      warning = fmt::format(
          "picocache: cannot open the store {}: {}; cached functions run uncached (retrying "
          "every {} s at most)",
          redact_store_url(url), error.what(), backoff_.count());
    } catch (const Error& error) {  // a bad PICOCACHE_URL
      count(store_counter_cells().errors);
      warning = fmt::format("picocache: {}; cached functions run uncached", error.what());
    } catch (const std::exception& error) {
      bug = error.what();
    }
    if (warning || bug) {
      next_attempt_ = now + backoff_;
      backoff_ = std::min(backoff_ * 2, kMaxBackoff);
    }
  }
  if (warning) warn(kAllAccess, *warning);
  if (bug) internal_error("opening the store", std::runtime_error(*bug));
  return opened;
}

void StoreSession::unavailable(StoreAccess access) {
  if (access == StoreAccess::write) count(store_counter_cells().dropped_writes);
}

void StoreSession::failed(StoreAccess access, std::string_view operation, const StoreError& error) {
  StoreCounterCells& cells = store_counter_cells();
  count(error.kind() == FailureKind::timeout ? cells.timeouts : cells.errors);
  if (access == StoreAccess::write) count(cells.dropped_writes);
  warn(static_cast<unsigned>(access),
       fmt::format("picocache: the store {} ({}): {}; cached functions run uncached until it "
                   "works again",
                   error.kind() == FailureKind::timeout ? "timed out" : "failed", operation,
                   error.what()));
}

void StoreSession::internal_error(std::string_view operation, const std::exception& error) {
  count(store_counter_cells().internal_errors);
  const bool fatal = strict();
  if (fatal || !internal_error_logged_.exchange(true, std::memory_order_relaxed)) {
    log(fmt::format(
        "picocache: internal error ({}): {}; the call runs uncached. This is a bug in PicoCache, "
        "not a store failure: please report it{}",
        operation, error.what(), fatal ? " (PICOCACHE_STRICT=1: aborting)" : ""));
  }
  if (fatal) std::abort();
}

void StoreSession::end_failure(StoreAccess access) {
  const unsigned left =
      failing_.fetch_and(~static_cast<unsigned>(access), std::memory_order_relaxed) &
      ~static_cast<unsigned>(access);
  if (left == 0) warned_.store(false, std::memory_order_relaxed);
}

void StoreSession::warn(unsigned failing, const std::string& message) {
  failing_.fetch_or(failing, std::memory_order_relaxed);
  if (warned_.exchange(true, std::memory_order_relaxed)) return;
  log(message);
}

void StoreSession::configure(std::string_view url) {
  std::lock_guard lock(mutex_);
  configured_url_ = url;
  Store* current = current_.load(std::memory_order_acquire);
  if (current && effective_url() != current_url_) {
    try {
      current->flush();
    } catch (const std::exception&) {
      // ignored: the old store's recency is all that is lost
    }
    current_.store(nullptr, std::memory_order_release);
    // A replaced store is never used by a forked child (its session opens the current one), so
    // it needs no fork hooks; kept, every fork would lock every store the process ever replaced
    // (three mutexes each: more than TSan can track after twenty configures).
    detail::unregister_fork_hooks(current);
  }
  // The tier's entries came from the old store: the new one may hold other values.
  tier_clear_all();
  forget_recorded_uses();  // the new store has no record of this process's versions
  // A new URL deserves a fresh attempt and a fresh warning.

  next_attempt_ = {};
  backoff_ = std::chrono::seconds(1);
  failing_.store(0, std::memory_order_relaxed);
  warned_.store(false, std::memory_order_relaxed);
}

void StoreSession::flush() {
  Store* current = current_.load(std::memory_order_acquire);
  if (!current) return;
  try {
    current->flush();
  } catch (const StoreError& error) {
    failed(StoreAccess::write, "writing recency", error);
  } catch (const std::exception& error) {
    internal_error("writing recency", error);
  }
}

}  // namespace picocache::detail

#include "store_session.hpp"

#include "log.hpp"
#include "stores/store_url.hpp"

#include <fmt/format.h>

#include <cstdlib>

namespace picocache::detail {
namespace {

constexpr std::string_view kDefaultUrl = "sqlite:picocache.db";
constexpr std::chrono::seconds kMaxBackoff{60};

void flush_at_exit() { StoreSession::instance().flush(); }

}  // namespace

StoreSession& StoreSession::instance() {
  static StoreSession* session = new StoreSession;
  return *session;
}

std::string StoreSession::effective_url() const {
  const char* from_environment = std::getenv("PICOCACHE_URL");
  if (from_environment && *from_environment) return from_environment;
  return configured_url_.empty() ? std::string(kDefaultUrl) : configured_url_;
}

Store* StoreSession::open() {
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
    current_.store(stores_.back().get(), std::memory_order_release);
    return stores_.back().get();
  } catch (const std::exception& error) {
    next_attempt_ = now + backoff_;
    warn(
        fmt::format("picocache: cannot open the store {}: {}; cached functions run uncached "
                    "(retrying every {} s at most)",
                    redact_store_url(url), error.what(), backoff_.count()));
    backoff_ = std::min(backoff_ * 2, kMaxBackoff);
    return nullptr;
  }
}

void StoreSession::failed(std::string_view operation, const std::exception& error) {
  warn(
      fmt::format("picocache: the store failed ({}): {}; cached functions run uncached until "
                  "it works again",
                  operation, error.what()));
}

void StoreSession::warn(const std::string& message) {
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
  }
  // A new URL deserves a fresh attempt and a fresh warning.
  next_attempt_ = {};
  backoff_ = std::chrono::seconds(1);
  warned_.store(false, std::memory_order_relaxed);
}

void StoreSession::flush() {
  Store* current = current_.load(std::memory_order_acquire);
  if (!current) return;
  try {
    current->flush();
  } catch (const std::exception& error) {
    failed("writing recency", error);
  }
}

}  // namespace picocache::detail

// The one interface every store implements (SQLite, Redis, ...), and the one failure type that
// crosses it. A store reports failure by throwing StoreError (an error or a timeout); the runtime
// (StoreSession) catches it, runs the function uncached and warns once. Any other exception out
// of a store is a bug in PicoCache, reported as an internal error, never as an outage.
#pragma once

#include <picocache/key.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace picocache {

// Which function's entries an operation is about. `id` (32 hex chars) keys the data;
// `name` ("qualified_name signature") is stored beside it so tools can list functions.
// `family` (32 hex chars, CachedFunction::family_id()) is the same for every code version of one
// function and `version` (CachedFunction::code_version(): "fp:<hex>" or "v:<text>") tells them
// apart; empty in refs made by tools that only know the id. (Defaulted so that a ref made from
// an id and a name alone stays warning-free.) `unordered` is true when the caller's function has
// maxsize none: nothing of it is ever evicted for maxsize, so a store may skip recording a hit's
// use (Redis then answers a hit with one GET). False (the default) keeps every use recorded.
struct FunctionRef {
  std::string_view id;
  std::string_view name;
  std::string_view family = {};
  std::string_view version = {};
  bool unordered = false;
};

// One listed function version. `family` and `version` are "" when no use was ever recorded for
// it (record_use); `last_used_ms` is then 0.
struct FunctionSummary {
  std::string id;
  std::string name;
  std::uint64_t size = 0;
  std::string family = {};
  std::string version = {};
  std::int64_t last_used_ms = 0;  // milliseconds since the Unix epoch
  // The maxsize and ttl its most recent writer stored, where the store keeps them
  // (StoreCapabilities::lists_limits): maxsize ~0 (`unbounded`) and ttl 0 mean none.
  std::optional<std::uint64_t> maxsize = {};
  std::optional<std::chrono::milliseconds> ttl = {};
};

// Why a store operation failed. Kept apart because they call for different reactions (a
// timeout means "busy or stalled", an error "broken or misconfigured") and are counted apart.
enum class FailureKind { error, timeout };

// A store failure; the message names the store, the operation and the cause.
class StoreError : public std::runtime_error {
 public:
  explicit StoreError(const std::string& message, FailureKind kind = FailureKind::error)
      : std::runtime_error(message), kind_(kind) {}
  FailureKind kind() const noexcept { return kind_; }

 private:
  FailureKind kind_;
};

// What a store holds for one (function, key).
struct StoredEntry {
  std::string value;            // the value bytes exactly as put (header included)
  std::string check;            // the entry's argument check (see entry_check.hpp), as put
  std::int64_t written_at = 0;  // when it was put: milliseconds since the Unix epoch
};

// What put() writes, and the limits it applies.
struct EntryWrite {
  std::string_view value;
  std::string_view check;
  std::uint64_t maxsize = 0;                     // `unbounded`: never evict
  std::optional<std::chrono::milliseconds> ttl;  // entries older than this may be dropped
};

// A held lease on one (function, key): the right to compute it while other callers, in any
// process, wait for the value. Destroying it releases it. A store may also release it on its
// own when the holder dies (SQLite: the kernel drops the file lock; Redis: the key expires).
class KeyLease {
 public:
  virtual ~KeyLease() = default;
  // Extends the lease by `duration` from now. False when it was lost (expired and taken).
  virtual bool renew(std::chrono::milliseconds duration) = 0;
};

// What a store can do; the conformance suite skips the cases of what it cannot, by name.
struct StoreCapabilities {
  bool persistent = true;            // entries outlive the process
  bool shared = true;                // other processes see the same entries
  bool exact_size = true;            // size() is the exact count, never an estimate
  bool listing = true;               // functions() lists every function with entries
  bool cross_process_leases = true;  // leases exclude other processes, not only other threads
  bool evicts_expired_first = true;  // a put drops entries older than its ttl before LRU victims
  bool lists_limits = false;         // functions() says each one's maxsize and ttl
};

class Store {
 public:
  virtual ~Store() = default;

  virtual StoreCapabilities capabilities() const = 0;

  // The entry stored for `key`, or nullopt. A hit counts as a use for the LRU order.
  virtual std::optional<StoredEntry> get(const FunctionRef& fn, const Key128& key) = 0;

  // The entry stored for `key`, or nullopt, without counting as a use (for tools).
  virtual std::optional<StoredEntry> peek(const FunctionRef& fn, const Key128& key) = 0;

  // Inserts or replaces `key`, then evicts least recently used entries of `fn` until at most
  // `entry.maxsize` remain (`unbounded` never evicts). With `entry.ttl`, the entry may expire
  // once older than it, and the put first drops (a bounded number of) the function's entries
  // older than it, ahead of LRU victims (where capabilities().evicts_expired_first). get() may
  // still return an expired entry: the runtime checks written_at against the ttl it has now.
  virtual void put(const FunctionRef& fn, const Key128& key, const EntryWrite& entry) = 0;

  // Removes every entry of `fn`; other functions keep theirs.
  virtual void clear(const FunctionRef& fn) = 0;

  // A number that changes whenever `fn` is cleared, by any process: how a cache in front of the
  // store (the in-process tier, memory_tier.hpp) notices a clear made elsewhere. It reads it at
  // most once a second per function, so it may cost a round trip. nullopt: this store cannot
  // tell (then such a cache sees only its own process's clears).
  virtual std::optional<std::uint64_t> clear_generation(const FunctionRef& fn) {
    (void)fn;
    return std::nullopt;
  }

  // How many entries `fn` holds now.
  virtual std::uint64_t size(const FunctionRef& fn) = 0;

  // Every function with entries, for the command-line tool: one row per code version.
  virtual std::vector<FunctionSummary> functions() = 0;

  // Records that `fn` (its family and version) was used at `at_ms` (milliseconds since the Unix
  // epoch): its last use becomes the later of the recorded one and `at_ms`. The runtime calls it
  // at most once an hour per function and process (version_keeping.hpp). A store that cannot
  // list (capabilities().listing false) records nothing: its old versions age out on their own.
  virtual void record_use(const FunctionRef& fn, std::int64_t at_ms) {
    (void)fn;
    (void)at_ms;
  }

  // Removes the entries of every version of `family` except `keep_id` whose last recorded use is
  // before `cutoff_ms`, as clear() would, and returns those versions with the sizes they had.
  // A version with no recorded use is kept (its record may have been lost, e.g. evicted by
  // Redis: only `picocache prune` removes it); versions without entries are left out. A store
  // that cannot list removes and returns nothing.
  virtual std::vector<FunctionSummary> drop_versions(std::string_view family,
                                                     std::string_view keep_id,
                                                     std::int64_t cutoff_ms) {
    (void)family;
    (void)keep_id;
    (void)cutoff_ms;
    return {};
  }

  // Takes the lease on (fn, key) for `duration`, or returns nullptr when another holder has it.
  // Never waits for the other holder.
  virtual std::unique_ptr<KeyLease> try_lease(const FunctionRef& fn, const Key128& key,
                                              std::chrono::milliseconds duration) = 0;

  // Writes recency information that was batched in memory, if the store batches it.
  virtual void flush() {}

  // Releases connections and files; the store is not used afterwards. Never throws.
  virtual void close() noexcept {}

  // Fork hooks, called by the runtime's pthread_atfork handlers. prepare_fork() runs in the
  // parent just before fork() and must never block on a lock another thread may hold while
  // it waits on the store; after_fork_parent() and after_fork_child() run right after it.
  virtual void prepare_fork() noexcept {}
  virtual void after_fork_parent() noexcept {}
  virtual void after_fork_child() noexcept {}
};

}  // namespace picocache

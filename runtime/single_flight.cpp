// detail::Flight: the in-process table of flights, the cross-process lease protocol and the
// lease renewer thread (single_flight.hpp describes the protocol).
#include "single_flight.hpp"

#include "memory_tier.hpp"
#include "store_counters.hpp"
#include "store_session.hpp"

#include <picocache/memoize.hpp>

#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

namespace picocache::detail {

namespace {

// A lease the renewer keeps alive until released.
struct HeldLease {
  HeldLease(const Key128& key, std::unique_ptr<KeyLease> taken)
      : leased(key), lease(std::move(taken)) {}
  Key128 leased;                    // the key it was taken on (lease_key())
  std::mutex mutex;                 // the renewer holds it while it renews
  std::unique_ptr<KeyLease> lease;  // nullptr once released
};

// One thread per process, started with the first lease, renews every held lease each
// kLeaseRenewInterval and releases the leases handed to it after their value was stored, when a
// release costs a round trip (so that round trip is off the caller's path).
class LeaseRenewer {
 public:
  void hold(const std::shared_ptr<HeldLease>& held) {
    std::lock_guard lock(mutex_);
    held_.push_back(held);
    start_locked();
  }

  // Releases now the lease of `leased` when it waits in the queue of deferred releases: this
  // process misses that key again (after an eviction or a clear) and must not wait for itself.
  void release_pending(const Key128& leased) {
    std::unique_ptr<KeyLease> lease;
    {
      std::lock_guard lock(mutex_);
      for (auto it = to_release_.begin(); it != to_release_.end(); ++it) {
        if (it->first.lo == leased.lo && it->first.hi == leased.hi) {
          lease = std::move(it->second);
          to_release_.erase(it);
          break;
        }
      }
    }
    lease.reset();
  }

  // Stops renewing `held`; releases it now (waiters elsewhere see it go at once) or, when
  // `now` is false, soon on the renewer's thread.
  void release(const std::shared_ptr<HeldLease>& held, bool now) {
    std::unique_ptr<KeyLease> lease;
    {
      std::lock_guard held_lock(held->mutex);
      lease = std::move(held->lease);
    }
    std::unique_lock lock(mutex_);
    held_.erase(std::remove(held_.begin(), held_.end(), held), held_.end());
    if (!lease) return;
    if (now || release_cost_.load(std::memory_order_relaxed) < kInlineReleaseCost) {
      lock.unlock();
      release_timed(std::move(lease));
      return;
    }
    // Woken once per batch: a stream of misses costs the renewer one wake-up, not one each.
    const bool first = to_release_.empty();
    to_release_.emplace_back(held->leased, std::move(lease));
    start_locked();
    if (first) wake_.notify_one();
  }

 private:
  // A release cheaper than this (a local file lock: a close()) runs on the caller; a dearer one
  // (a round trip to a server) on the renewer's thread.
  static constexpr std::int64_t kInlineReleaseCost = 5000;  // nanoseconds

  // Destroys `lease`, which releases it (a KeyLease's destructor never throws), and records the
  // cost, so that each store's releases run where they cost the caller least.
  void release_timed(std::unique_ptr<KeyLease> lease) {
    const auto start = std::chrono::steady_clock::now();
    lease.reset();
    release_cost_.store(std::chrono::duration_cast<std::chrono::nanoseconds>(
                            std::chrono::steady_clock::now() - start)
                            .count(),
                        std::memory_order_relaxed);
  }

  void start_locked() {
    if (started_) return;
    started_ = true;
    std::thread([this] { run(); }).detach();
  }

  [[noreturn]] void run() {
    std::unique_lock lock(mutex_);
    auto next_renewal = std::chrono::steady_clock::now() + kLeaseRenewInterval;
    for (;;) {
      wake_.wait_until(lock, next_renewal, [&] { return !to_release_.empty(); });
      std::vector<std::pair<Key128, std::unique_ptr<KeyLease>>> releasing = std::move(to_release_);
      to_release_.clear();
      std::vector<std::shared_ptr<HeldLease>> renewing;
      if (std::chrono::steady_clock::now() >= next_renewal) {
        renewing = held_;
        next_renewal = std::chrono::steady_clock::now() + kLeaseRenewInterval;
      }
      lock.unlock();
      for (auto& [leased, lease] : releasing) release_timed(std::move(lease));
      for (const std::shared_ptr<HeldLease>& held : renewing) {
        std::lock_guard held_lock(held->mutex);
        if (!held->lease) continue;
        try {
          // A lost lease (false) or a failed renewal leaves the body running: at worst another
          // caller computes the key too once the lease expires.
          static_cast<void>(held->lease->renew(kLeaseDuration));
        } catch (const std::exception&) {
          count(store_counter_cells().errors);
        }
      }
      lock.lock();
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<std::shared_ptr<HeldLease>> held_;
  std::vector<std::pair<Key128, std::unique_ptr<KeyLease>>> to_release_;  // by lease key
  bool started_ = false;
  std::atomic<std::int64_t> release_cost_{0};  // nanoseconds the latest release took
};

struct FlightKey {
  const CachedFunction* fn;
  Key128 key;
  bool operator==(const FlightKey& other) const {
    return fn == other.fn && key.lo == other.key.lo && key.hi == other.key.hi;
  }
};

struct FlightKeyHash {
  std::size_t operator()(const FlightKey& where) const {
    return static_cast<std::size_t>(where.key.lo ^ std::hash<const void*>()(where.fn));
  }
};

enum class Outcome { running, computed, abandoned };

}  // namespace

// One (function, key) being computed in this process, by its leader thread.
struct FlightState {
  FlightKey where;
  std::thread::id leader;
  std::condition_variable settled;
  Outcome outcome = Outcome::running;
  std::string value;                 // when computed: the value, header included
  std::shared_ptr<HeldLease> lease;  // the store's lease, when the leader took one
};

namespace {

// The flights under way in this process, and which flight each waiting thread waits on (to
// refuse a wait that would close a cycle).
struct FlightTable {
  std::mutex mutex;
  std::unordered_map<FlightKey, std::shared_ptr<FlightState>, FlightKeyHash> flights;
  std::unordered_map<std::thread::id, const FlightState*> waiting;
};

// Replaced (the old ones leaked, never locked again) in a forked child: the parent's other
// threads, which led those flights and held those mutexes, do not exist there.
FlightTable* g_table = nullptr;
LeaseRenewer* g_renewer = nullptr;

void reset_after_fork() {
  g_table = new FlightTable;
  g_renewer = new LeaseRenewer;
}

void initialise() {
  reset_after_fork();
  pthread_atfork(nullptr, nullptr, &reset_after_fork);
}

FlightTable& flight_table() {
  static std::once_flag once;
  std::call_once(once, &initialise);
  return *g_table;
}

LeaseRenewer& renewer() {
  flight_table();
  return *g_renewer;
}

// The flights this thread leads, innermost last.
thread_local std::vector<const FlightState*> t_led;

// True when waiting on `flight` could never end: its leader is this thread, or waits (through a
// chain of waits) on a flight this thread leads. Called with the table locked.
bool would_deadlock(const FlightTable& table, const FlightState& flight) {
  if (std::find(t_led.begin(), t_led.end(), &flight) != t_led.end()) return true;
  const std::thread::id me = std::this_thread::get_id();
  const FlightState* next = &flight;
  for (std::size_t hops = 0; hops <= table.waiting.size(); ++hops) {
    if (next->leader == me) return true;
    const auto waits = table.waiting.find(next->leader);
    if (waits == table.waiting.end()) return false;
    next = waits->second;
  }
  return true;  // a cycle that does not include this thread: waiting would not end either
}

// The key the lease of fn(key) is taken on: the call's key mixed with the function's id. The
// SQLite store's file lease locks a byte chosen by the key alone, so f(1) and g(1) would share
// one lease (and f(1)'s body calling g(1) would wait on its own lease until lock_timeout).
Key128 lease_key(const CachedFunction& fn, const Key128& key) {
  std::string identity = fn.id();
  identity.push_back('\0');
  for (const std::uint64_t half : {key.lo, key.hi}) {
    for (int i = 0; i < 8; ++i) identity.push_back(static_cast<char>((half >> (8 * i)) & 0xff));
  }
  return hash_key(identity);
}

// Takes the store's lease for `key` (taken on `leased`), or waits for another process's value.
// Returns that value when one was stored meanwhile; otherwise nullopt, with `lease` set when the
// lease was taken (not when the store failed or lock_timeout passed: then the caller runs the body
// unleased).
std::optional<std::string> lease_or_wait(CachedFunction& fn, const Key128& key,
                                         std::string_view arguments, const Key128& leased,
                                         std::unique_ptr<KeyLease>& lease) {
  StoreSession& session = StoreSession::instance();
  renewer().release_pending(leased);
  // Counted as a read: a failed lease loses no result (it is no dropped write), and a lease that
  // works must not end an outage of writes (a read-only database would warn at every miss).
  const auto try_lease = [&] {
    return session.run(StoreAccess::read, "taking the single-flight lease of", fn,
                       [&](Store& store, const FunctionRef& ref) {
                         lease = store.try_lease(ref, leased, kLeaseDuration);
                       });
  };
  // Right after the caller's miss: no second lookup, so a lone miss costs one round trip more.
  if (!try_lease() || lease) return std::nullopt;
  const auto deadline = std::chrono::steady_clock::now() + fn.lock_timeout();
  std::chrono::milliseconds pause = kFirstPoll;
  for (;;) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return std::nullopt;  // waited lock_timeout: run the body
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(pause, deadline - now));
    pause = std::min(pause * 2, kLongestPoll);
    std::optional<std::string> value;
    if (!read_stored(fn, key, arguments, value)) return std::nullopt;
    if (value) return value;
    if (!try_lease()) return std::nullopt;
    if (lease) {
      // The leader may have stored the value between the lookup and the lease.
      if (!read_stored(fn, key, arguments, value)) return std::nullopt;
      if (value) lease.reset();
      return value;
    }
  }
}

// Ends the flight `led` with `outcome`, wakes its waiters and returns it (out of the table).
std::shared_ptr<FlightState> settle(const FlightState* led, Outcome outcome, std::string value) {
  FlightTable& table = flight_table();
  std::shared_ptr<FlightState> flight;
  {
    std::lock_guard lock(table.mutex);
    const auto found = table.flights.find(led->where);
    flight = std::move(found->second);
    table.flights.erase(found);
    flight->outcome = outcome;
    flight->value = std::move(value);
    flight->settled.notify_all();
  }
  t_led.erase(std::find(t_led.begin(), t_led.end(), led));
  return flight;
}

}  // namespace

Flight::Flight(CachedFunction& fn, const Key128& key, std::string_view arguments)
    : fn_(fn), key_(key), arguments_(arguments) {
  FlightTable& table = flight_table();
  const FlightKey where{&fn, key};
  {
    std::unique_lock lock(table.mutex);
    const auto found = table.flights.find(where);
    if (found == table.flights.end()) {
      auto flight = std::make_shared<FlightState>();
      flight->where = where;
      flight->leader = std::this_thread::get_id();
      led_ = flight.get();
      table.flights.emplace(where, std::move(flight));
    } else {
      // Another thread computes this key: wait for it, unless that would never end.
      if (would_deadlock(table, *found->second)) return;
      const std::shared_ptr<FlightState> joined = found->second;
      const std::thread::id me = std::this_thread::get_id();
      table.waiting[me] = joined.get();
      joined->settled.wait_for(lock, fn.lock_timeout(),
                               [&] { return joined->outcome != Outcome::running; });
      table.waiting.erase(me);
      // Computed: its value. Abandoned (the body threw) or timed out: run the body.
      if (joined->outcome == Outcome::computed) waited_ = joined->value;
      return;
    }
  }
  t_led.push_back(led_);
  const bool skip_lease = last_lookup_skips_lease();
  // A leader that finished between this call's lookup and its taking the lead here has already
  // put its value in the tier (finish() stores before it settles): take it, at the cost of one
  // in-memory lookup, rather than run the body a second time.
  if (std::optional<std::string> value = tier_find(fn, key, arguments)) {
    waited_ = value;
    settle(led_, Outcome::computed, std::move(*value));
    led_ = nullptr;
    return;
  }
  // This thread leads the key in this process: now across processes, unless the store just
  // failed (then the body runs at once, and this process's other callers wait for it).
  if (skip_lease) return;
  std::unique_ptr<KeyLease> lease;
  const Key128 leased = lease_key(fn, key);
  if (std::optional<std::string> value = lease_or_wait(fn, key, arguments, leased, lease)) {
    waited_ = value;
    settle(led_, Outcome::computed, std::move(*value));
    led_ = nullptr;
    return;
  }
  if (lease) {
    led_->lease = std::make_shared<HeldLease>(leased, std::move(lease));
    renewer().hold(led_->lease);
  }
}

Flight::~Flight() {
  if (!led_) return;
  // The body threw: release every waiter at once, store nothing.
  const std::shared_ptr<FlightState> flight = settle(led_, Outcome::abandoned, {});
  if (flight->lease) renewer().release(flight->lease, true);
}

void Flight::count_waited() {
  fn_.count_hit();
  count(store_counter_cells().waited);
}

void Flight::finish(std::string value) {
  if (!led_) {
    remember(fn_, key_, arguments_, std::move(value));
    return;
  }
  const bool stored = store_result(fn_, key_, arguments_, value);
  // This process's waiters get the value whether or not the store kept it.
  const std::shared_ptr<FlightState> flight = settle(led_, Outcome::computed, std::move(value));
  led_ = nullptr;
  // Stored: others find the value before they try the lease, so its release can wait for the
  // renewer's thread. Not stored: release it now, so that one waiter elsewhere takes over.
  if (flight->lease) renewer().release(flight->lease, !stored);
}

}  // namespace picocache::detail

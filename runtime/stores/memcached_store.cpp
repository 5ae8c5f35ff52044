// The Memcached store: the Store over one or more memcached servers through libmemcached
// (several servers: libmemcached's consistent hashing, ketama). Memcached cannot list, sort or
// scan keys, so what the other stores get from the server this store builds from three kinds of
// key per function (the id is 32 hex digits, the key's hex too):
//
//   picocache:<id>:g                    the function's generation: a random 63-bit start value,
//                                       INCRemented by clear(), folded into every key below
//   picocache:<id>:<gen>:v:<hex>        one entry, packed by entry_envelope.hpp, with native ttl
//   picocache:<id>:<gen>:i              the index: the entries' hexes, least recently used first
//   picocache:<id>:l:<hex>              a single-flight lease: a random token, with an expiry
//
// What is guaranteed (README "Memcached"):
// - A hit is one round trip (a GET), while this process's copy of the generation is fresh:
//   each process re-reads a function's generation at most once a second, so a clear() in
//   another process is seen within a second (in this process at once).
// - maxsize: the index is updated with CAS (gets / cas, retried on a conflict), so the entries
//   it lists never exceed maxsize, however many processes write. A put stores its entry first
//   and deletes the victims after the index update, so for a moment an entry may be stored
//   and not yet listed (at most one per writer in flight). The server may evict entries or the
//   index under memory pressure, or drop expired entries: then fewer entries remain, never
//   more while the index is kept. Without its index (evicted), the function starts a new one
//   and the old entries are no longer counted until memcached drops them.
// - size() is the index's length: an entry memcached evicted or expired still counts until it
//   is evicted from the index, so it is an upper bound, not exact (exact_size: false).
// - clear() makes every entry of the function unreachable at once (a new generation); the old
//   generation's entries listed in its index are deleted, the rest are left to memcached's LRU.
//   A generation key evicted by the server also reads as a clear (a new random start value),
//   never as an older generation.
// - functions() lists nothing (listing: false): memcached cannot enumerate keys, so the
//   command-line tool's `list` has nothing to show for a memcached URL.
// - Superseded code versions (another id of the same family) are not recorded or dropped
//   (record_use and drop_versions do nothing, as the store cannot list): their keys are never
//   read again and age out through memcached's own LRU. `picocache prune` has nothing to remove.
// - LRU order: a hit is remembered in this process and applied to the index by this process's
//   next put of that function (before it evicts), so the order is exact for one process and
//   counts another process's hits once that process puts.
// - ttl: native, as the item's expiry (seconds, rounded up, one more: memcached's clock ticks in
//   whole seconds), and the runtime checks the entry's write time against the ttl it has now.
//   An expired entry stays in the index (and in size()) until the index evicts it.
// - Leases: `add` of the lease key with the lease's duration as expiry (whole seconds, rounded
//   up); renew and release check the token first (not atomically: a lease that expired between
//   the check and the delete could be deleted under its next holder, who then shares it).
// - A value larger than the server's item size (1 MB unless memcached runs with -I) is not
//   stored: the put fails with a StoreError, which the runtime counts and logs once.
// - A server that times out (stalled, paused, a hung network path) makes the store give up on
//   the servers for a backoff (100 ms doubling to 5 s, as the Redis and PostgreSQL stores do):
//   meanwhile calls fail at once instead of each waiting the timeout; then one call tries again.
//   With several servers the whole store backs off. A refused connection fails fast by itself
//   (libmemcached retries that server after a second).
#include "fork_generation.hpp"
#include "stores/entry_envelope.hpp"
#include "stores/store_registry.hpp"
#include "stores/store_timeouts.hpp"
#include "stores/store_url.hpp"

#include <picocache/memoize.hpp>
#include <picocache/picocache.hpp>

#include <fmt/format.h>
#include <libmemcached/memcached.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <vector>

namespace picocache {
namespace {

using namespace std::chrono_literals;

constexpr std::uint16_t kDefaultPort = 11211;
constexpr std::size_t kMaxRememberedUses = 1024;
constexpr int kCasAttempts = 32;
constexpr std::size_t kMaxIdle = 16;
constexpr std::size_t kHexSize = 32;
// Expirations above 30 days are absolute Unix times to memcached.
constexpr std::int64_t kRelativeExpiryLimit = std::int64_t{60} * 60 * 24 * 30;

struct Server {
  std::string host;
  std::uint16_t port = kDefaultPort;
};

std::vector<Server> parse_memcached_url(std::string_view url) {
  std::string_view rest = url.substr(std::min(url.find(':') + 1, url.size()));
  if (rest.substr(0, 2) != "//") {
    bad_store_url(url, "expected '//' after 'memcached:' (write memcached://HOST[:PORT])");
  }
  rest.remove_prefix(2);
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.find_first_of("/?#@") != std::string_view::npos) {
    bad_store_url(url,
                  "a memcached URL has only servers (memcached://HOST[:PORT][,HOST[:PORT]...])");
  }
  std::vector<Server> servers;
  while (true) {
    const std::size_t comma = std::min(rest.find(','), rest.size());
    std::string_view server = rest.substr(0, comma);
    Server parsed;
    std::string_view port;
    if (!server.empty() && server.front() == '[') {
      const std::size_t close = server.find(']');
      if (close == std::string_view::npos) bad_store_url(url, "no ']' after the IPv6 address");
      parsed.host = std::string(server.substr(1, close - 1));
      const std::string_view after = server.substr(close + 1);
      if (!after.empty() && after.front() != ':') {
        bad_store_url(url, fmt::format("unexpected '{}' after the host", after));
      }
      if (!after.empty()) port = after.substr(1);
    } else {
      const std::size_t colon = std::min(server.find(':'), server.size());
      parsed.host = std::string(server.substr(0, colon));
      if (colon < server.size()) port = server.substr(colon + 1);
    }
    if (parsed.host.empty()) {
      bad_store_url(url, "missing host (write memcached://HOST[:PORT][,HOST[:PORT]...])");
    }
    if (server.find(':') != std::string_view::npos && server.front() != '[' && port.empty()) {
      bad_store_url(url, "empty port after ':'");
    }
    if (!port.empty()) {
      unsigned value = 0;
      const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
      if (error != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535) {
        bad_store_url(url, fmt::format("bad port '{}' (expected a number from 1 to 65535)", port));
      }
      parsed.port = static_cast<std::uint16_t>(value);
    }
    servers.push_back(std::move(parsed));
    if (comma == rest.size()) break;
    rest.remove_prefix(comma + 1);
  }
  return servers;
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Memcached's expiry for `duration`: whole seconds, rounded up, absolute beyond 30 days.
time_t expiry_of(std::chrono::milliseconds duration) {
  const std::int64_t seconds = std::max<std::int64_t>(1, (duration.count() + 999) / 1000);
  if (seconds <= kRelativeExpiryLimit) return static_cast<time_t>(seconds);
  return static_cast<time_t>(now_ms() / 1000 + seconds);
}

std::uint64_t random_u64() {
  static std::mutex mutex;
  static std::mt19937_64 engine{std::random_device{}()};
  std::lock_guard lock(mutex);
  return engine();
}

bool timed_out(memcached_return_t rc) { return rc == MEMCACHED_TIMEOUT; }

constexpr std::chrono::milliseconds kBackoffInitial{100};
constexpr std::chrono::milliseconds kBackoffMax{5000};

// A server did not answer within the timeout: the store backs off (see with_client).
class ServerTimeout : public StoreError {
 public:
  explicit ServerTimeout(const std::string& message) : StoreError(message, FailureKind::timeout) {}
};

// One memcached_st, used by one thread at a time.
struct Client {
  memcached_st* memc = nullptr;
  std::uint64_t fork_generation = 0;
  ~Client() {
    // A forked child shares the parent's sockets: freeing sends nothing, but leaking is the
    // safe choice (memcached_free may send "quit" on a connection the parent still uses).
    if (memc != nullptr && fork_generation == detail::fork_generation()) memcached_free(memc);
  }
};

class MemcachedStore;

class MemcachedLease final : public KeyLease {
 public:
  MemcachedLease(MemcachedStore& store, std::string key, std::string token)
      : store_(store), key_(std::move(key)), token_(std::move(token)) {}
  ~MemcachedLease() override;
  bool renew(std::chrono::milliseconds duration) override;

 private:
  MemcachedStore& store_;
  std::string key_;
  std::string token_;
};

class MemcachedStore final : public Store {
 public:
  MemcachedStore(std::string display, const std::vector<Server>& servers)
      : display_(std::move(display)) {
    master_ = memcached_create(nullptr);
    if (master_ == nullptr) throw StoreError(display_ + ": cannot create a libmemcached handle");
    const auto connect_ms = static_cast<std::uint64_t>((detail::store_call_bound() / 5).count());
    const auto io_ms = static_cast<std::uint64_t>((detail::store_call_bound() * 2 / 5).count());
    memcached_behavior_set(master_, MEMCACHED_BEHAVIOR_SUPPORT_CAS, 1);
    memcached_behavior_set(master_, MEMCACHED_BEHAVIOR_TCP_NODELAY, 1);
    memcached_behavior_set(master_, MEMCACHED_BEHAVIOR_DISTRIBUTION,
                           MEMCACHED_DISTRIBUTION_CONSISTENT_KETAMA);
    memcached_behavior_set(master_, MEMCACHED_BEHAVIOR_CONNECT_TIMEOUT, connect_ms);
    memcached_behavior_set(master_, MEMCACHED_BEHAVIOR_POLL_TIMEOUT, io_ms);
    memcached_behavior_set(master_, MEMCACHED_BEHAVIOR_RCV_TIMEOUT, io_ms * 1000);
    memcached_behavior_set(master_, MEMCACHED_BEHAVIOR_SND_TIMEOUT, io_ms * 1000);
    // A server that failed is retried after this many seconds (libmemcached's backoff).
    memcached_behavior_set(master_, MEMCACHED_BEHAVIOR_RETRY_TIMEOUT, 1);
    for (const Server& server : servers) {
      const memcached_return_t rc = memcached_server_add(master_, server.host.c_str(), server.port);
      if (!memcached_success(rc)) {
        const std::string message = memcached_strerror(master_, rc);
        memcached_free(master_);
        throw StoreError(
            fmt::format("{}: cannot add server {}: {}", display_, server.host, message));
      }
    }
    fork_generation_ = detail::fork_generation();
  }

  ~MemcachedStore() override {
    idle_.clear();
    if (fork_generation_ == detail::fork_generation()) memcached_free(master_);
  }

  StoreCapabilities capabilities() const override {
    StoreCapabilities capabilities;
    capabilities.exact_size = false;
    capabilities.listing = false;
    capabilities.evicts_expired_first = false;  // the index keeps no times
    return capabilities;
  }

  std::optional<StoredEntry> get(const FunctionRef& fn, const Key128& key) override {
    std::optional<StoredEntry> entry = read(fn, key, "get");
    if (entry) remember_use(fn, key);
    return entry;
  }

  std::optional<StoredEntry> peek(const FunctionRef& fn, const Key128& key) override {
    return read(fn, key, "peek");
  }

  // The generation in the keys (as this process knows it: at most a second old), as a number:
  // a clear replaces it, and an evicted one comes back as another random value.
  std::optional<std::uint64_t> clear_generation(const FunctionRef& fn) override {
    std::optional<std::uint64_t> generation;
    with_client("clear generation",
                [&](memcached_st* memc) { generation = hash64(generation_of(memc, fn)); });
    return generation;
  }

  void put(const FunctionRef& fn, const Key128& key, const EntryWrite& entry) override {
    if (entry.maxsize == 0) return;  // keeps nothing
    const std::string hex = key.to_hex();
    const std::string uses = take_uses(fn);
    with_client("put", [&](memcached_st* memc) {
      const std::string prefix = generation_prefix(memc, fn);
      const std::string value_key = prefix + "v:" + hex;
      const std::string packed = pack_entry(entry.check, now_ms(), entry.value);
      // One second more than the ttl: memcached counts whole seconds from its clock's last tick,
      // so `1` may expire an item at once. The runtime's check of written_at is the exact one.
      const time_t expiry = entry.ttl ? expiry_of(*entry.ttl + std::chrono::seconds(1)) : 0;
      memcached_return_t rc = memcached_set(memc, value_key.data(), value_key.size(), packed.data(),
                                            packed.size(), expiry, 0);
      if (rc == MEMCACHED_E2BIG) {
        fail("put", fmt::format("the value ({} bytes) is larger than the server's item size, "
                                "not stored",
                                packed.size()));
      }
      check(memc, rc, "put");
      const std::string index_key = prefix + "i";
      std::vector<std::string> victims;
      bool done = false;
      for (int attempt = 0; attempt < kCasAttempts && !done; ++attempt) {
        std::uint64_t cas = 0;
        std::optional<std::string> index = gets(memc, index_key, &cas, "put");
        std::string updated = index ? *index : std::string();
        apply_use(updated, uses);
        move_to_end(updated, hex);
        victims.clear();
        if (entry.maxsize != unbounded) {
          const std::size_t count = updated.size() / kHexSize;
          if (count > entry.maxsize) {
            const std::size_t excess = count - static_cast<std::size_t>(entry.maxsize);
            for (std::size_t i = 0; i < excess; ++i) {
              victims.push_back(updated.substr(i * kHexSize, kHexSize));
            }
            updated.erase(0, excess * kHexSize);
          }
        }
        rc = index ? memcached_cas(memc, index_key.data(), index_key.size(), updated.data(),
                                   updated.size(), 0, 0, cas)
                   : memcached_add(memc, index_key.data(), index_key.size(), updated.data(),
                                   updated.size(), 0, 0);
        if (rc == MEMCACHED_DATA_EXISTS || rc == MEMCACHED_NOTSTORED || rc == MEMCACHED_NOTFOUND) {
          continue;  // another writer changed (or created, or lost) the index: read it again
        }
        if (rc == MEMCACHED_E2BIG) {
          memcached_delete(memc, value_key.data(), value_key.size(), 0);
          fail("put",
               "the function's index is larger than the server's item size "
               "(use a smaller maxsize)");
        }
        check(memc, rc, "put: updating the index");
        done = true;
      }
      if (!done) {
        memcached_delete(memc, value_key.data(), value_key.size(), 0);
        fail("put", "the function's index kept changing under concurrent writers",
             FailureKind::timeout);
      }
      for (const std::string& victim : victims) {
        std::string victim_key = prefix;
        victim_key += "v:";
        victim_key += victim;
        memcached_delete(memc, victim_key.data(), victim_key.size(), 0);
      }
      return true;
    });
  }

  void clear(const FunctionRef& fn) override {
    {
      std::lock_guard lock(mutex_);
      uses_.erase(std::string(fn.id));
    }
    with_client("clear", [&](memcached_st* memc) {
      const std::string old_prefix = generation_prefix(memc, fn);
      const std::string generation_key = fmt::format("picocache:{}:g", fn.id);
      std::uint64_t value = 0;
      memcached_return_t rc =
          memcached_increment(memc, generation_key.data(), generation_key.size(), 1, &value);
      if (rc == MEMCACHED_NOTFOUND) {
        value = random_u64() >> 1;
        const std::string text = std::to_string(value);
        rc = memcached_set(memc, generation_key.data(), generation_key.size(), text.data(),
                           text.size(), 0, 0);
      }
      check(memc, rc, "clear");
      {
        std::lock_guard lock(mutex_);
        generations_[std::string(fn.id)] = {std::to_string(value),
                                            std::chrono::steady_clock::now()};
      }
      // The old generation is unreachable now; free what its index lists.
      const std::string old_index = old_prefix + "i";
      std::uint64_t cas = 0;
      if (std::optional<std::string> listed = gets(memc, old_index, &cas, "clear")) {
        for (std::size_t i = 0; i + kHexSize <= listed->size(); i += kHexSize) {
          const std::string entry_key = old_prefix + "v:" + listed->substr(i, kHexSize);
          memcached_delete(memc, entry_key.data(), entry_key.size(), 0);
        }
        memcached_delete(memc, old_index.data(), old_index.size(), 0);
      }
      return true;
    });
  }

  std::uint64_t size(const FunctionRef& fn) override {
    return with_client("size", [&](memcached_st* memc) -> std::uint64_t {
      const std::string index_key = generation_prefix(memc, fn) + "i";
      std::uint64_t cas = 0;
      const std::optional<std::string> index = gets(memc, index_key, &cas, "size");
      return index ? index->size() / kHexSize : 0;
    });
  }

  std::vector<FunctionSummary> functions() override { return {}; }

  std::unique_ptr<KeyLease> try_lease(const FunctionRef& fn, const Key128& key,
                                      std::chrono::milliseconds duration) override {
    std::string lease_key = fmt::format("picocache:{}:l:{}", fn.id, key.to_hex());
    std::string token = fmt::format("{:016x}{:016x}", random_u64(), random_u64());
    const bool taken = with_client("lease", [&](memcached_st* memc) {
      const memcached_return_t rc =
          memcached_add(memc, lease_key.data(), lease_key.size(), token.data(), token.size(),
                        expiry_of(duration), 0);
      if (rc == MEMCACHED_NOTSTORED || rc == MEMCACHED_DATA_EXISTS) return false;
      check(memc, rc, "lease");
      return true;
    });
    if (!taken) return nullptr;
    return std::make_unique<MemcachedLease>(*this, std::move(lease_key), std::move(token));
  }

  void close() noexcept override {
    std::unique_lock lock(mutex_, std::try_to_lock);
    if (lock.owns_lock()) idle_.clear();
  }

  // For MemcachedLease: renews (duration > 0) or releases (0) the lease if `token` holds it.
  bool lease_call(const std::string& key, const std::string& token,
                  std::chrono::milliseconds duration) {
    return with_client("lease", [&](memcached_st* memc) {
      std::uint64_t cas = 0;
      const std::optional<std::string> holder = gets(memc, key, &cas, "lease");
      if (!holder || *holder != token) return false;
      const memcached_return_t rc = duration.count() > 0
                                        ? memcached_cas(memc, key.data(), key.size(), token.data(),
                                                        token.size(), expiry_of(duration), 0, cas)
                                        : memcached_delete(memc, key.data(), key.size(), 0);
      return memcached_success(rc);
    });
  }

 private:
  struct Generation {
    std::string value;
    std::chrono::steady_clock::time_point read_at;
  };

  [[noreturn]] void fail(const char* name, std::string_view cause,
                         FailureKind kind = FailureKind::error) const {
    throw StoreError(fmt::format("{}: {}: {}", display_, name, cause), kind);
  }

  void check(memcached_st* memc, memcached_return_t rc, const char* name) const {
    if (memcached_success(rc)) return;
    if (timed_out(rc)) {
      throw ServerTimeout(
          fmt::format("{}: {}: {}", display_, name, memcached_last_error_message(memc)));
    }
    fail(name, memcached_last_error_message(memc));
  }

  // The value of `key` and its CAS, or nullopt when it is missing.
  std::optional<std::string> gets(memcached_st* memc, const std::string& key, std::uint64_t* cas,
                                  const char* name) {
    const char* keys[] = {key.c_str()};
    const std::size_t lengths[] = {key.size()};
    memcached_return_t rc = memcached_mget(memc, keys, lengths, 1);
    check(memc, rc, name);
    memcached_result_st* result = memcached_fetch_result(memc, nullptr, &rc);
    if (result == nullptr) {
      if (rc == MEMCACHED_END || rc == MEMCACHED_NOTFOUND) return std::nullopt;
      check(memc, rc, name);
      return std::nullopt;
    }
    std::string value(memcached_result_value(result), memcached_result_length(result));
    *cas = memcached_result_cas(result);
    memcached_result_free(result);
    // Drain the END marker so the connection is ready for the next command.
    while (memcached_result_st* extra = memcached_fetch_result(memc, nullptr, &rc)) {
      memcached_result_free(extra);
    }
    return value;
  }

  // "picocache:<id>:<gen>:" with the function's generation, re-read at most once a second.
  std::string generation_prefix(memcached_st* memc, const FunctionRef& fn) {
    return fmt::format("picocache:{}:{}:", fn.id, generation_of(memc, fn));
  }

  // The function's generation as this process knows it (re-read at most once a second).
  std::string generation_of(memcached_st* memc, const FunctionRef& fn) {
    const std::string id(fn.id);
    const auto now = std::chrono::steady_clock::now();
    {
      std::lock_guard lock(mutex_);
      const auto found = generations_.find(id);
      if (found != generations_.end() && now - found->second.read_at < 1s) {
        return found->second.value;
      }
    }
    const std::string generation_key = fmt::format("picocache:{}:g", id);
    std::string value;
    for (int attempt = 0; attempt < 3 && value.empty(); ++attempt) {
      std::size_t length = 0;
      std::uint32_t flags = 0;
      memcached_return_t rc = MEMCACHED_SUCCESS;
      char* text =
          memcached_get(memc, generation_key.data(), generation_key.size(), &length, &flags, &rc);
      if (text != nullptr) {
        value.assign(text, length);
        std::free(text);
        break;
      }
      if (rc != MEMCACHED_NOTFOUND) check(memc, rc, "reading the generation");
      // None yet (or evicted): a random start, so an evicted generation never comes back.
      const std::string start = std::to_string(random_u64() >> 1);
      rc = memcached_add(memc, generation_key.data(), generation_key.size(), start.data(),
                         start.size(), 0, 0);
      if (memcached_success(rc))
        value = start;
      else if (rc != MEMCACHED_NOTSTORED && rc != MEMCACHED_DATA_EXISTS) {
        check(memc, rc, "creating the generation");
      }
    }
    if (value.empty()) fail("generation", "the generation key could not be read");
    while (!value.empty() && (value.back() == ' ' || value.back() == '\r')) value.pop_back();
    std::lock_guard lock(mutex_);
    generations_[id] = {value, now};
    return value;
  }

  std::optional<StoredEntry> read(const FunctionRef& fn, const Key128& key, const char* name) {
    return with_client(name, [&](memcached_st* memc) -> std::optional<StoredEntry> {
      const std::string value_key = generation_prefix(memc, fn) + "v:" + key.to_hex();
      std::size_t length = 0;
      std::uint32_t flags = 0;
      memcached_return_t rc = MEMCACHED_SUCCESS;
      char* text = memcached_get(memc, value_key.data(), value_key.size(), &length, &flags, &rc);
      if (text == nullptr) {
        if (rc == MEMCACHED_NOTFOUND) return std::nullopt;
        check(memc, rc, name);
        return std::nullopt;
      }
      std::optional<StoredEntry> entry = unpack_entry(std::string_view(text, length));
      std::free(text);
      return entry;
    });
  }

  static void move_to_end(std::string& index, const std::string& hex) {
    for (std::size_t i = 0; i + kHexSize <= index.size(); i += kHexSize) {
      if (index.compare(i, kHexSize, hex) == 0) {
        index.erase(i, kHexSize);
        break;
      }
    }
    index += hex;
  }

  // Moves the remembered hits (in their order) to the recent end, for those still listed.
  static void apply_use(std::string& index, const std::string& uses) {
    for (std::size_t u = 0; u + kHexSize <= uses.size(); u += kHexSize) {
      const std::string hex = uses.substr(u, kHexSize);
      for (std::size_t i = 0; i + kHexSize <= index.size(); i += kHexSize) {
        if (index.compare(i, kHexSize, hex) == 0) {
          index.erase(i, kHexSize);
          index += hex;
          break;
        }
      }
    }
  }

  void remember_use(const FunctionRef& fn, const Key128& key) {
    std::lock_guard lock(mutex_);
    std::string& uses = uses_[std::string(fn.id)];
    if (uses.size() >= kMaxRememberedUses * kHexSize) uses.erase(0, kHexSize);
    uses += key.to_hex();
  }

  std::string take_uses(const FunctionRef& fn) {
    std::lock_guard lock(mutex_);
    const auto found = uses_.find(std::string(fn.id));
    if (found == uses_.end()) return {};
    std::string uses = std::move(found->second);
    uses_.erase(found);
    return uses;
  }

  // Runs `operation` on a client of the pool (a clone of master_), unless the store is backing off
  // after a timeout: then it fails at once, except for one call once the backoff has passed
  // (the probe). A timeout starts or doubles the backoff and drops every pooled client (their
  // connections may hold a reply that came late); any other outcome ends it.
  template <class Operation>
  auto with_client(const char* name, Operation&& operation)
      -> decltype(operation(static_cast<memcached_st*>(nullptr))) {
    std::unique_ptr<Client> client;
    {
      std::lock_guard lock(mutex_);
      if (fork_generation_ != detail::fork_generation()) {
        idle_.clear();  // the parent's: their destructors leak them
        generations_.clear();
        fork_generation_ = detail::fork_generation();
        backoff_ = std::chrono::milliseconds{0};
        probing_ = false;
      }
      if (backoff_.count() != 0) {
        const auto now = std::chrono::steady_clock::now();
        if (probing_ || now < next_attempt_) {
          const auto wait = std::max<std::int64_t>(
              0,
              std::chrono::duration_cast<std::chrono::milliseconds>(next_attempt_ - now).count());
          fail(name,
               fmt::format("{} (server unavailable; next attempt in {} ms)", last_timeout_, wait));
        }
        probing_ = true;  // this call tries; the others keep failing at once meanwhile
      }
      if (!idle_.empty()) {
        client = std::move(idle_.back());
        idle_.pop_back();
      } else {
        client = std::make_unique<Client>();
        client->memc = memcached_clone(nullptr, master_);
        client->fork_generation = fork_generation_;
        if (client->memc == nullptr) {
          probing_ = false;
          fail("connect", "cannot clone the libmemcached handle");
        }
      }
    }
    struct GiveBack {
      MemcachedStore& store;
      std::unique_ptr<Client>& client;
      bool timed_out = false;
      ~GiveBack() {
        std::lock_guard lock(store.mutex_);
        store.probing_ = false;
        if (timed_out) {
          store.idle_.clear();
          return;  // and this client goes too
        }
        store.backoff_ = std::chrono::milliseconds{0};
        if (client->fork_generation == store.fork_generation_ && store.idle_.size() < kMaxIdle) {
          store.idle_.push_back(std::move(client));
        }
      }
    } give_back{*this, client};
    try {
      return operation(client->memc);
    } catch (const ServerTimeout& timeout) {
      give_back.timed_out = true;
      std::lock_guard lock(mutex_);
      backoff_ = backoff_.count() == 0 ? kBackoffInitial : std::min(backoff_ * 2, kBackoffMax);
      next_attempt_ = std::chrono::steady_clock::now() + backoff_;
      last_timeout_ = timeout.what();
      throw;
    }
  }

  const std::string display_;
  memcached_st* master_ = nullptr;
  std::mutex mutex_;
  std::uint64_t fork_generation_ = 0;
  std::vector<std::unique_ptr<Client>> idle_;
  std::map<std::string, Generation> generations_;
  std::map<std::string, std::string> uses_;  // function id -> concatenated key hexes
  // Backoff after a timeout: zero while the servers answer. While it is non-zero, one call at a
  // time (probing_) tries once next_attempt_ has passed; the others fail at once.
  std::chrono::milliseconds backoff_{0};
  std::chrono::steady_clock::time_point next_attempt_{};
  bool probing_ = false;
  std::string last_timeout_;
};

MemcachedLease::~MemcachedLease() {
  try {
    store_.lease_call(key_, token_, std::chrono::milliseconds(0));
  } catch (const StoreError&) {
    // ignored: the lease expires by itself
  }
}

bool MemcachedLease::renew(std::chrono::milliseconds duration) {
  return store_.lease_call(key_, token_, std::max(duration, std::chrono::milliseconds(1)));
}

}  // namespace

StoreKind memcached_store_kind() {
  return StoreKind{
      "memcached",
      {"memcached"},
      "memcached://HOST[:PORT][,HOST[:PORT]...]",
      [](std::string_view url) { parse_memcached_url(url); },
      [](std::string_view url, const OpenOptions&) -> std::unique_ptr<Store> {
        return std::make_unique<MemcachedStore>(std::string(url), parse_memcached_url(url));
      },
  };
}

}  // namespace picocache

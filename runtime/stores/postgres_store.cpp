// The PostgreSQL store: the Store over a PostgreSQL server through libpq. The connection, its
// deadlines and the pool are postgres_connection.hpp's; this file says which SQL an operation
// runs and why the sizes stay exact.
//
// Tables, in the connection's schema (the first of its search_path) or picocache_schema=:
//   picocache_functions(id PK, name, size, clock, generation, family, version, last_used)
//                                                   one row per function version: its entry
//                                                   count, a logical clock for the LRU order,
//                                                   how many clears it had (clear_generation),
//                                                   and its family, code version and last use
//                                                   (ms since the epoch; record_use, hourly)
//   picocache_entries(fid, key, value, check_bytes, written_at, used, expires_at), PK (fid, key),
//                                                   indexed by (fid, used) for eviction
// created on the first connection under a transaction-scoped advisory lock (so two processes
// starting at once do not race on CREATE TABLE IF NOT EXISTS).
//
// Exact sizes under concurrent writers (READ COMMITTED). Every put and clear of a function first
// locks its row in picocache_functions (`INSERT ... ON CONFLICT DO UPDATE ... RETURNING clock`,
// or `UPDATE`), so the writers of one function take turns for the rest of their transaction.
// Holding that lock, a writer inserts or replaces its entry, adds 1 to `size` only when the
// INSERT inserted (`RETURNING xmax = 0`), and deletes the `size - maxsize` least recently used
// entries, subtracting what it deleted, all before COMMIT. Under READ COMMITTED each statement
// sees everything committed before it started, and no other writer of that function can have
// uncommitted rows (it would need the lock), so `size` always equals the function's row count
// and never exceeds maxsize after a commit. Writers of different functions never wait for
// each other.
//
// LRU order. `used` is the function's logical clock when the entry was last put or hit. A hit is
// one prepared SELECT (no write on the hit path, so it costs what a raw SELECT does); the hit's
// key is remembered in memory (the last 1024 per function) and written in the next put's
// transaction of that function in this process (before its eviction, so the hit counts) or by
// flush() (at exit). Hits in another process count once that process writes them. (Writing
// them every few hundred hits instead cost the hit path 2-4x a raw SELECT: every write of
// `used` is a new row version and two index entries.)
//
// ttl: expires_at (milliseconds since the epoch; the entries with one are indexed by (fid,
// expires_at)); an expired entry is a miss (and the runtime also checks written_at against the
// ttl it has now, so a shortened ttl applies to stored entries). A put of the function first
// deletes up to kExpiredPerPut of its expired entries (an index range: no scan when none expired),
// ahead of any LRU victim, so after a put the size counts live entries unless more than that many
// expired since the last.
//
// Leases: pg_try_advisory_lock on a connection of the lease's own (outside the pool), held by
// the KeyLease until it is destroyed or the holder dies (the server drops a dead session's
// locks). The lease's duration is not needed: the lock lives as long as the session.
#include "stores/postgres_connection.hpp"
#include "stores/store_registry.hpp"

#include <picocache/memoize.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace picocache {
namespace {

using postgres::Connection;
using postgres::ResultPtr;

// Expired entries one put deletes at most (bounded work per put; the next puts take the rest).
constexpr std::string_view kExpiredPerPut = "64";
using postgres::Statement;

// Hits remembered per function until a put or flush() writes them; older ones are dropped.
constexpr std::size_t kMaxRememberedUses = 1024;
// The advisory lock key (any constant) under which the first connection creates the tables.
constexpr const char* kSchemaLockKey = "7411952360511842817";

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string quote_identifier(std::string_view name) {
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + '"';
}

// A binary-format int8 column.
std::int64_t int8_at(const PGresult* result, int row, int column) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(PQgetvalue(result, row, column));
  std::uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = (value << 8) | bytes[i];
  return static_cast<std::int64_t>(value);
}

std::string text_at(const PGresult* result, int row, int column) {
  return std::string(PQgetvalue(result, row, column),
                     static_cast<std::size_t>(PQgetlength(result, row, column)));
}

struct Sql {
  std::string create;
  std::vector<Statement> statements;
};

Sql sql_for(const std::string& schema) {
  const std::string prefix = schema.empty() ? std::string() : quote_identifier(schema) + ".";
  const std::string f = prefix + "picocache_functions";
  const std::string e = prefix + "picocache_entries";
  Sql sql;
  sql.create = fmt::format(
      "BEGIN; SELECT pg_advisory_xact_lock({lock}); {schema}"
      "CREATE TABLE IF NOT EXISTS {f} (id text PRIMARY KEY, name text NOT NULL, "
      "size bigint NOT NULL DEFAULT 0, clock bigint NOT NULL DEFAULT 0); "
      // Added after the first release: tables made before it gain it here.
      "ALTER TABLE {f} ADD COLUMN IF NOT EXISTS generation bigint NOT NULL DEFAULT 0; "
      // The superseded-version columns (issue #14), added the same way.
      "ALTER TABLE {f} ADD COLUMN IF NOT EXISTS family text; "
      "ALTER TABLE {f} ADD COLUMN IF NOT EXISTS version text; "
      "ALTER TABLE {f} ADD COLUMN IF NOT EXISTS last_used bigint; "
      "CREATE INDEX IF NOT EXISTS picocache_functions_family ON {f} (family); "
      "CREATE TABLE IF NOT EXISTS {e} (fid text NOT NULL, key bytea NOT NULL, "
      "value bytea NOT NULL, check_bytes bytea NOT NULL, written_at bigint NOT NULL, "
      "used bigint NOT NULL, expires_at bigint, PRIMARY KEY (fid, key)); "
      "CREATE INDEX IF NOT EXISTS picocache_entries_lru ON {e} (fid, used); "
      // Partial: only entries with a ttl, so functions without one do not maintain it.
      "CREATE INDEX IF NOT EXISTS picocache_entries_expiry ON {e} (fid, expires_at) "
      "WHERE expires_at IS NOT NULL; COMMIT",
      fmt::arg("lock", kSchemaLockKey), fmt::arg("f", f), fmt::arg("e", e),
      fmt::arg("schema", schema.empty() ? std::string()
                                        : fmt::format("CREATE SCHEMA IF NOT EXISTS {}; ",
                                                      quote_identifier(schema))));
  sql.statements = {
      // $1 fid, $2 key hex, $3 now (ms). Results in binary.
      {"pc_get",
       fmt::format("SELECT value, check_bytes, written_at FROM {} WHERE fid = $1 AND "
                   "key = decode($2, 'hex') AND (expires_at IS NULL OR expires_at > $3::bigint)",
                   e),
       3},
      // $1 id, $2 name, $3 ticks: locks the function's row (creating it) and advances its clock.
      {"pc_lock",
       fmt::format("INSERT INTO {0} AS f (id, name, clock) VALUES ($1, $2, $3::bigint) "
                   "ON CONFLICT (id) DO UPDATE SET clock = f.clock + $3::bigint "
                   "RETURNING clock",
                   f),
       3},
      // $1 id, $2 ticks: the same for a function whose row may be missing (flush).
      {"pc_tick",
       fmt::format("UPDATE {} SET clock = clock + $2::bigint WHERE id = $1 RETURNING clock", f), 2},
      // $1 fid, $2 concatenated key hexes, $3 the clock value of the first.
      {"pc_touch",
       fmt::format("UPDATE {} AS e SET used = $3::bigint + u.i FROM (SELECT i, "
                   "decode(substr($2, i * 32 + 1, 32), 'hex') AS k FROM "
                   "generate_series(0, length($2) / 32 - 1) AS i) AS u "
                   "WHERE e.fid = $1 AND e.key = u.k",
                   e),
       3},
      // $1 fid, $2 key hex, $3 value, $4 check (binary), $5 written_at, $6 used, $7 expires_at.
      {"pc_upsert",
       fmt::format("INSERT INTO {0} AS e (fid, key, value, check_bytes, written_at, used, "
                   "expires_at) VALUES ($1, decode($2, 'hex'), $3, $4, $5::bigint, $6::bigint, "
                   "$7::bigint) ON CONFLICT (fid, key) DO UPDATE SET value = EXCLUDED.value, "
                   "check_bytes = EXCLUDED.check_bytes, written_at = EXCLUDED.written_at, "
                   "used = EXCLUDED.used, expires_at = EXCLUDED.expires_at "
                   "RETURNING (xmax = 0) AS inserted",
                   e),
       7},
      // $1 id, $2 delta.
      {"pc_resize",
       fmt::format("UPDATE {} SET size = size + $2::bigint WHERE id = $1 RETURNING size", f), 2},
      // $1 fid, $2 how many: deletes the least recently used.
      {"pc_evict",
       fmt::format("DELETE FROM {0} AS e USING (SELECT key FROM {0} WHERE fid = $1 "
                   "ORDER BY used LIMIT $2::bigint) AS v WHERE e.fid = $1 AND e.key = v.key",
                   e),
       2},
      // $1 fid, $2 now (ms), $3 how many: deletes expired entries, the earliest first.
      {"pc_expire",
       fmt::format("DELETE FROM {0} AS e USING (SELECT key FROM {0} WHERE fid = $1 AND "
                   "expires_at <= $2::bigint ORDER BY expires_at LIMIT $3::bigint) AS x "
                   "WHERE e.fid = $1 AND e.key = x.key",
                   e),
       3},
      {"pc_clear_size",
       fmt::format("UPDATE {} SET size = 0, generation = generation + 1 WHERE id = $1", f), 1},
      {"pc_generation", fmt::format("SELECT generation FROM {} WHERE id = $1", f), 1},
      {"pc_clear", fmt::format("DELETE FROM {} WHERE fid = $1", e), 1},
      {"pc_size", fmt::format("SELECT size FROM {} WHERE id = $1", f), 1},
      {"pc_functions",
       fmt::format("SELECT id, name, size, coalesce(family, ''), coalesce(version, ''), "
                   "coalesce(last_used, 0) FROM {} WHERE size > 0 ORDER BY name, id",
                   f),
       0},
      // $1 id, $2 name, $3 family, $4 version, $5 at (ms): a use never moves last_used back.
      {"pc_record_use",
       fmt::format("INSERT INTO {0} AS f (id, name, family, version, last_used) VALUES ($1, $2, "
                   "$3, $4, $5::bigint) ON CONFLICT (id) DO UPDATE SET family = EXCLUDED.family, "
                   "version = EXCLUDED.version, "
                   "last_used = GREATEST(coalesce(f.last_used, 0), EXCLUDED.last_used)",
                   f),
       5},
      // $1 family, $2 the id kept, $3 cutoff (ms): locks the superseded rows, in id order.
      {"pc_superseded",
       fmt::format("SELECT id, name, size, coalesce(version, ''), coalesce(last_used, 0) FROM {} "
                   "WHERE family = $1 AND id <> $2 AND last_used < $3::bigint AND "
                   "size > 0 ORDER BY id FOR UPDATE",
                   f),
       3},
  };
  return sql;
}

class PostgresStore;

class PostgresLease final : public KeyLease {
 public:
  PostgresLease(std::unique_ptr<Connection> connection, std::string lock_key)
      : connection_(std::move(connection)), lock_key_(std::move(lock_key)) {}
  ~PostgresLease() override {
    try {
      if (!connection_->broken()) {
        connection_->execute(fmt::format("SELECT pg_advisory_unlock({})", lock_key_));
      }
    } catch (const postgres::Failure&) {
      // ignored: the session ends with the connection below, and its locks with it
    }
  }
  // The lock lasts as long as the session: renewing only checks that the session is alive.
  bool renew(std::chrono::milliseconds) override {
    try {
      connection_->check(connection_->execute("SELECT 1"), "lease");
      return true;
    } catch (const postgres::Failure&) {
      return false;
    }
  }

 private:
  std::unique_ptr<Connection> connection_;
  std::string lock_key_;
};

class PostgresStore final : public Store {
 public:
  // Does not connect: the first call does, so a server that is down at start is only a
  // StoreError on the calls made while it is down.
  explicit PostgresStore(postgres::PostgresUrl url)
      : sql_(sql_for(url.schema)),
        pool_(std::move(url), sql_.statements, [this](Connection& connection) {
          if (tables_ready_.load(std::memory_order_acquire)) return;
          connection.check(connection.execute(sql_.create), "creating the tables");
          tables_ready_.store(true, std::memory_order_release);
        }) {}

  StoreCapabilities capabilities() const override { return {}; }

  std::optional<StoredEntry> get(const FunctionRef& fn, const Key128& key) override {
    std::optional<StoredEntry> entry = read(fn, key, "get");
    if (entry) remember_use(fn, key);
    return entry;
  }

  std::optional<StoredEntry> peek(const FunctionRef& fn, const Key128& key) override {
    return read(fn, key, "peek");
  }

  void put(const FunctionRef& fn, const Key128& key, const EntryWrite& entry) override {
    const std::string id(fn.id);
    const std::string name(fn.name);
    const std::string hex = key.to_hex();
    const std::string written_at = std::to_string(now_ms());
    const std::string expires_at =
        entry.ttl ? std::to_string(now_ms() + std::max<std::int64_t>(1, entry.ttl->count()))
                  : std::string();
    const std::string uses = take_uses(fn);  // lost with the put if it fails: recency only
    pool_.with_connection("put", [&](Connection& c) {
      transaction(c, [&] {
        const std::string ticks = std::to_string(uses.size() / 32 + 1);
        ResultPtr locked = c.run("pc_lock", {id, name, ticks}, {}, false);
        c.check(locked, "put: locking the function");
        const std::int64_t clock = std::stoll(PQgetvalue(locked.get(), 0, 0));
        if (!uses.empty()) {
          const std::string base =
              std::to_string(clock - static_cast<std::int64_t>(uses.size() / 32));
          c.check(c.run("pc_touch", {id, uses, base}, {}, false), "put: recording hits");
        }
        const std::string used = std::to_string(clock);
        ResultPtr upserted = c.run("pc_upsert",
                                   {id, hex, entry.value, entry.check, written_at, used,
                                    entry.ttl ? std::string_view(expires_at) : std::string_view()},
                                   {false, false, true, true}, false);
        c.check(upserted, "put: writing the entry");
        const bool inserted = std::strcmp(PQgetvalue(upserted.get(), 0, 0), "t") == 0;
        std::int64_t delta = inserted ? 1 : 0;
        if (entry.ttl) {
          ResultPtr expired = c.run("pc_expire", {id, written_at, kExpiredPerPut}, {}, false);
          c.check(expired, "put: deleting expired entries");
          delta -= std::stoll(PQcmdTuples(expired.get()));
        }
        if (delta == 0) return;
        ResultPtr sized = c.run("pc_resize", {id, std::to_string(delta)}, {}, false);
        c.check(sized, "put: counting the entry");
        const std::int64_t size = std::stoll(PQgetvalue(sized.get(), 0, 0));
        if (!inserted || entry.maxsize == unbounded ||
            size <= static_cast<std::int64_t>(entry.maxsize)) {
          return;
        }
        const std::string excess = std::to_string(size - static_cast<std::int64_t>(entry.maxsize));
        ResultPtr evicted = c.run("pc_evict", {id, excess}, {}, false);
        c.check(evicted, "put: evicting");
        const std::string removed = fmt::format("-{}", PQcmdTuples(evicted.get()));
        c.check(c.run("pc_resize", {id, removed}, {}, false), "put: counting evictions");
      });
      return true;
    });
  }

  void clear(const FunctionRef& fn) override {
    const std::string id(fn.id);
    {
      std::lock_guard lock(uses_mutex_);
      uses_.erase(id);
    }
    pool_.with_connection("clear", [&](Connection& c) {
      transaction(c, [&] {
        c.check(c.run("pc_clear_size", {id}, {}, false), "clear");
        c.check(c.run("pc_clear", {id}, {}, false), "clear");
      });
      return true;
    });
  }

  // The function row's generation, bumped by every clear (0 before the row exists).
  std::optional<std::uint64_t> clear_generation(const FunctionRef& fn) override {
    const std::string id(fn.id);
    return pool_.with_connection("clear generation", [&](Connection& c) {
      ResultPtr result = c.run("pc_generation", {id}, {}, false);
      c.check(result, "clear generation");
      if (PQntuples(result.get()) == 0) return std::optional<std::uint64_t>(0);
      return std::optional<std::uint64_t>(std::stoull(PQgetvalue(result.get(), 0, 0)));
    });
  }

  std::uint64_t size(const FunctionRef& fn) override {
    const std::string id(fn.id);
    return pool_.with_connection("size", [&](Connection& c) -> std::uint64_t {
      ResultPtr result = c.run("pc_size", {id}, {}, false);
      c.check(result, "size");
      if (PQntuples(result.get()) == 0) return 0;
      return std::stoull(PQgetvalue(result.get(), 0, 0));
    });
  }

  std::vector<FunctionSummary> functions() override {
    return pool_.with_connection("functions", [&](Connection& c) {
      ResultPtr result = c.run("pc_functions", {}, {}, false);
      c.check(result, "functions");
      std::vector<FunctionSummary> summaries;
      summaries.reserve(static_cast<std::size_t>(PQntuples(result.get())));
      for (int row = 0; row < PQntuples(result.get()); ++row) {
        summaries.push_back({text_at(result.get(), row, 0), text_at(result.get(), row, 1),
                             std::stoull(PQgetvalue(result.get(), row, 2)),
                             text_at(result.get(), row, 3), text_at(result.get(), row, 4),
                             std::stoll(PQgetvalue(result.get(), row, 5))});
      }
      return summaries;
    });
  }

  void record_use(const FunctionRef& fn, std::int64_t at_ms) override {
    const std::string at = std::to_string(at_ms);
    pool_.with_connection("recording a use", [&](Connection& c) {
      c.check(c.run("pc_record_use", {fn.id, fn.name, fn.family, fn.version, at}, {}, false),
              "recording a use");
      return true;
    });
  }

  // One transaction: the rows chosen stay locked (as a put's lock) until they are cleared.
  std::vector<FunctionSummary> drop_versions(std::string_view family, std::string_view keep_id,
                                             std::int64_t cutoff_ms) override {
    const std::string cutoff = std::to_string(cutoff_ms);
    std::vector<FunctionSummary> dropped;
    pool_.with_connection("dropping old versions", [&](Connection& c) {
      dropped.clear();
      transaction(c, [&] {
        ResultPtr chosen = c.run("pc_superseded", {family, keep_id, cutoff}, {}, false);
        c.check(chosen, "dropping old versions");
        for (int row = 0; row < PQntuples(chosen.get()); ++row) {
          dropped.push_back({text_at(chosen.get(), row, 0), text_at(chosen.get(), row, 1),
                             std::stoull(PQgetvalue(chosen.get(), row, 2)), std::string(family),
                             text_at(chosen.get(), row, 3),
                             std::stoll(PQgetvalue(chosen.get(), row, 4))});
        }
        for (const FunctionSummary& version : dropped) {
          c.check(c.run("pc_clear_size", {version.id}, {}, false), "dropping old versions");
          c.check(c.run("pc_clear", {version.id}, {}, false), "dropping old versions");
        }
      });
      return true;
    });
    std::lock_guard lock(uses_mutex_);
    for (const FunctionSummary& version : dropped) uses_.erase(version.id);
    return dropped;
  }

  std::unique_ptr<KeyLease> try_lease(const FunctionRef& fn, const Key128& key,
                                      std::chrono::milliseconds) override {
    // One 64-bit lock per (function, key): collisions only make two keys share a lease.
    const std::uint64_t mixed = key.lo ^ (key.hi * 0x9e3779b97f4a7c15ULL) ^ hash64(fn.id);
    std::string lock_key = std::to_string(static_cast<std::int64_t>(mixed));
    std::unique_ptr<Connection> connection = pool_.dedicated("lease");
    try {
      ResultPtr result =
          connection->execute(fmt::format("SELECT pg_try_advisory_lock({})", lock_key));
      connection->check(result, "lease");
      if (std::strcmp(PQgetvalue(result.get(), 0, 0), "t") != 0) return nullptr;
    } catch (const postgres::Failure& failure) {
      pool_.fail("lease", failure.cause,
                 failure.timed_out ? FailureKind::timeout : FailureKind::error);
    }
    return std::make_unique<PostgresLease>(std::move(connection), std::move(lock_key));
  }

  void flush() override {
    std::vector<std::string> ids;
    {
      std::lock_guard lock(uses_mutex_);
      for (const auto& [id, uses] : uses_) ids.push_back(id);
    }
    for (const std::string& id : ids) write_uses(FunctionRef{id, {}});
  }

  void close() noexcept override { pool_.drop_idle(); }

 private:
  // Runs `body` between BEGIN and COMMIT; rolls back when it throws (on a live connection).
  template <class Body>
  static void transaction(Connection& c, Body&& body) {
    c.check(c.execute("BEGIN"), "begin");
    try {
      body();
    } catch (const postgres::Failure&) {
      if (!c.broken()) {
        try {
          c.execute("ROLLBACK");
        } catch (const postgres::Failure&) {
          // ignored: the first failure is the one to report
        }
      }
      throw;
    }
    c.check(c.execute("COMMIT"), "commit");
  }

  std::optional<StoredEntry> read(const FunctionRef& fn, const Key128& key, const char* name) {
    const std::string id(fn.id);
    const std::string hex = key.to_hex();
    const std::string now = std::to_string(now_ms());
    return pool_.with_connection(name, [&](Connection& c) -> std::optional<StoredEntry> {
      ResultPtr result = c.run("pc_get", {id, hex, now}, {}, true);
      c.check(result, name);
      if (PQntuples(result.get()) == 0) return std::nullopt;
      StoredEntry entry;
      entry.value = text_at(result.get(), 0, 0);
      entry.check = text_at(result.get(), 0, 1);
      entry.written_at = int8_at(result.get(), 0, 2);
      return entry;
    });
  }

  // Remembers a hit for the LRU order (the most recent kMaxRememberedUses per function).
  void remember_use(const FunctionRef& fn, const Key128& key) {
    std::lock_guard lock(uses_mutex_);
    std::string& uses = uses_[std::string(fn.id)];
    if (uses.size() >= kMaxRememberedUses * 32) uses.erase(0, 32);
    uses += key.to_hex();
  }

  std::string take_uses(const FunctionRef& fn) {
    std::lock_guard lock(uses_mutex_);
    const auto found = uses_.find(std::string(fn.id));
    if (found == uses_.end()) return {};
    const std::string uses = std::move(found->second);
    uses_.erase(found);
    // Each key once, at its last use: an UPDATE joined to duplicates would pick any of them.
    std::vector<std::string_view> kept;
    std::set<std::string_view> seen;
    for (std::size_t i = uses.size(); i >= 32; i -= 32) {
      const std::string_view hex(uses.data() + i - 32, 32);
      if (seen.insert(hex).second) kept.push_back(hex);
    }
    std::string unique;
    unique.reserve(kept.size() * 32);
    std::reverse(kept.begin(), kept.end());  // back to the order of use
    for (std::string_view hex : kept) unique += hex;
    return unique;
  }

  // Writes the remembered hits of `fn` in a transaction of their own.
  void write_uses(const FunctionRef& fn) {
    const std::string uses = take_uses(fn);
    if (uses.empty()) return;
    const std::string id(fn.id);
    pool_.with_connection("flush", [&](Connection& c) {
      transaction(c, [&] {
        ResultPtr ticked = c.run("pc_tick", {id, std::to_string(uses.size() / 32)}, {}, false);
        c.check(ticked, "flush: locking the function");
        if (PQntuples(ticked.get()) == 0) return;  // cleared meanwhile: nothing to touch
        const std::int64_t clock = std::stoll(PQgetvalue(ticked.get(), 0, 0));
        const std::string base =
            std::to_string(clock - static_cast<std::int64_t>(uses.size() / 32) + 1);
        c.check(c.run("pc_touch", {id, uses, base}, {}, false), "flush: recording hits");
      });
      return true;
    });
  }

  const Sql sql_;
  std::atomic<bool> tables_ready_{false};
  postgres::ConnectionPool pool_;
  std::mutex uses_mutex_;
  std::map<std::string, std::string> uses_;  // function id -> concatenated key hexes
};

}  // namespace

StoreKind postgres_store_kind() {
  return StoreKind{
      "postgres",
      {"postgresql", "postgres"},
      "postgresql://[USER[:PASSWORD]@][HOST][:PORT][/DBNAME][?PARAM=VALUE...]",
      [](std::string_view url) { postgres::parse_postgres_url(url); },
      [](std::string_view url, const OpenOptions&) -> std::unique_ptr<Store> {
        return std::make_unique<PostgresStore>(postgres::parse_postgres_url(url));
      },
  };
}

}  // namespace picocache

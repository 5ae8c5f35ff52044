// The SQLite store: one database file shared by every process that names it.
//
// Layout 5 (PRAGMA user_version = 5):
//   picocache_functions(fid, id, name, size, maxsize, ttl_ms, generation, family, version,
//     last_used): one row per function version ever stored, never deleted (so a process may keep
//     a function's small integer `fid` for its lifetime). `size` is NULL while the function is
//     unordered (below); once ordered it is kept exact in the same transaction as every insert,
//     eviction and clear, so currsize is a point read (an unordered one's is counted). `maxsize`
//     (NULL: none) and `ttl_ms` (NULL: none) are the last writer's: every put writes its own, so
//     where two builds disagree the most recent writer's values apply (a process reads them when
//     it first meets the function). `generation` grows by one at every clear (clear_generation()).
//     `family` (the same for every code version of one function), `version` and `last_used`
//     (milliseconds since the epoch) are written by record_use(), at most hourly per process;
//     drop_versions() clears the rows of one family last used before a cutoff (indexed by family).
//     Layout 4 added these three columns.
//   picocache_entries(slot, fid, key, last_used, written_at, check_bytes, value): one row per
//     entry in a rowid table (an integer b-tree like a plain table's, values stored in the leaves
//     and overflow pages, not in a WITHOUT ROWID b-tree), at `slot` = fid << 39 | the key's top
//     39 bits (EntryAddress), with its full key, its recency tick (below), its argument check
//     (entry_check.hpp) and the time it was written (for ttl). No recency index: eviction
//     samples (below). Once a function with a ttl was stored in the file, the rows are also
//     indexed by (fid, written_at) for expiry (kAgeIndex: created by the first such put, so files
//     without a ttl never pay for its upkeep). A file numbers at most 2^24 - 1 function versions.
// Layout 5 moved the entries from a WITHOUT ROWID table keyed by (fid, key) to slots, dropped
// the recency index (fid, last_used) and made `size` nullable (unordered functions); a file of
// layout 4 or older is rebuilt like any older one.
// Layouts are versioned: a database of an older layout is rebuilt, with one warning (it is a
// cache); one of a newer layout is never touched: this process runs uncached (one warning), so
// an old and a new binary never wipe each other's file.
//
// What a miss writes. A raw INSERT writes one b-tree page; a put writes the entry's page and,
// when it evicts, deletes a victim on that same page (most of the time: below), so a miss is one
// page too. (Layout 4 also wrote two pages of the recency index and the victim's own page.)
//
// Unordered functions. A function only ever stored with maxsize none (since its last clear) is
// unordered: nothing can be evicted from it, so no count is kept (size NULL; currsize counts its
// rows). The first put with a maxsize orders it, inside that put's transaction: its size is
// counted (a scan of its rows, once); from then on every writer, bounded or not, keeps the size
// exact, until a clear makes it unordered again. So two builds that disagree on the maxsize
// cost that count once, not at every put.
//
// Recency. Every entry has a tick: a hybrid clock per function and process, in microseconds
// since the epoch, that never runs backwards in this process and always lands above the ticks
// it has read (a row from a clock that ran ahead is outranked by the next use, not by every use
// until that time). A hit writes nothing: a hit of an unbounded function records nothing at all,
// and a hit of a bounded one is remembered in memory with the tick it would have had; remembered
// uses are written when kMaxPendingTouches entries have one, or at flush() / exit, and count at
// this process's evictions meanwhile.
//
// Eviction samples. A put into a full function evicts the least recently used of the kSampled
// entries nearest the new key in slot order, half below it and half above (more on one side when
// the other runs out): keys are hashes, so they are a uniform sample of the function's entries
// (Redis samples 5 for its approximated LRU), and they lie on the new entry's page or the next.
// A function holding at most kSampled entries besides the new one is sampled whole, so up to
// maxsize kSampled the order is exact LRU (maxsize = 2 behaves as functools.lru_cache(2)); above,
// the victim is the least recently used of its sample. (Within one process the in-process tier
// keeps the exact LRU order at any maxsize; this is the store's order, which the tier-less and
// the other processes see.) Across processes another process's hits count once that process has
// written them (at flush() or exit). A put evicts at most the whole sample, so after maxsize
// shrank the size converges to it over the next puts.
//
// ttl. The runtime treats an entry older than its function's ttl as a miss (entry_age.hpp), so
// a get never writes for it: the miss's put replaces the row. A put with a ttl first deletes up
// to kExpiredPerPut of the function's rows written at or before now - ttl (an index range, empty
// when none expired: no scan), ahead of any LRU victim; so after a put the size counts live entries
// unless more than that many expired since the last put, and expired rows of a function that is
// no longer stored stay (and count) until it is cleared.
//
// Waiting. The busy timeout is 250 ms (store_timeouts.hpp): a write that cannot get the file in
// that time is dropped (a StoreError of kind timeout, which the runtime counts as a dropped
// write) rather than make the cached call wait behind a long writer. A hit whose write of the
// remembered uses fails still returns its value.
//
// Connections: a small pool, one connection per concurrently calling thread. Before fork() the
// idle connections are closed (never while another thread is inside one), so a child opens its
// own; a child forked while a connection was in use runs uncached, since SQLite's per-process
// lock state it inherited is wrong in the child. sqlite::memory: has one connection, since every
// connection to ":memory:" is a database of its own.
#include "fork_generation.hpp"
#include "log.hpp"
#include "stores/file_lease.hpp"
#include "stores/sqlite_connection.hpp"
#include "stores/store_registry.hpp"
#include "stores/store_timeouts.hpp"
#include "stores/store_url.hpp"

#include <picocache/memoize.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <limits>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

namespace picocache {
namespace {

// Remembered uses are written when this many entries have one (a memory bound: ~100 bytes each).
constexpr std::size_t kMaxPendingTouches = 1 << 17;
constexpr std::int64_t kLayoutVersion = 5;
// The index expiry reads, made by the first put with a ttl (IF NOT EXISTS: once per file, in that
// put's transaction; other connections re-prepare their statements when they see it).
constexpr const char* kAgeIndex =
    "CREATE INDEX IF NOT EXISTS picocache_entries_by_age ON picocache_entries (fid, written_at)";
// Expired rows a put deletes at most (bounded work per put; the next puts take the rest).
constexpr std::int64_t kExpiredPerPut = 64;
// How many entries near a new key a put samples for its victim (see the top).
constexpr std::int64_t kSampled = 16;

constexpr const char* kSchema = R"sql(
  CREATE TABLE picocache_functions (
    fid  INTEGER PRIMARY KEY,
    id   TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    size INTEGER,
    maxsize INTEGER,
    ttl_ms INTEGER,
    generation INTEGER NOT NULL DEFAULT 0,
    family TEXT,
    version TEXT,
    last_used INTEGER
  );
  CREATE INDEX picocache_functions_by_family ON picocache_functions (family);
  CREATE TABLE picocache_entries (
    slot        INTEGER PRIMARY KEY,
    fid         INTEGER NOT NULL,
    key         BLOB NOT NULL,
    last_used   INTEGER NOT NULL,
    written_at  INTEGER NOT NULL,
    check_bytes BLOB NOT NULL,
    value       BLOB NOT NULL
  );
  PRAGMA user_version = 5;
)sql";

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

using KeyBytes = std::array<unsigned char, 16>;

// Where an entry lives: its row's slot (the rowid: fid in the top bits, the key's top 39 bits
// below, so one function's entries are one range of the table, in key order) and its 16 key
// bytes, little-endian lo then hi, which the row holds (two keys of one slot, odds 2^-39 per
// pair, take turns in it: a miss, never a wrong value).
struct EntryAddress {
  std::int64_t slot = 0;
  KeyBytes key{};
};

constexpr int kSlotKeyBits = 39;
// The statements spell a function's slot range out as `slot BETWEEN (fid << 39) AND
// ((fid + 1) << 39) - 1` (Statement keeps a pointer to its SQL, so it is a literal).
static_assert(kSlotKeyBits == 39, "change the statements' `<< 39` with kSlotKeyBits");
// The most function versions a file can number (fid < 2^24, so a slot stays a positive int64).
constexpr std::int64_t kMostFids = std::int64_t{1} << (63 - kSlotKeyBits);

EntryAddress address_of(std::int64_t fid, const Key128& key) {
  if (fid <= 0 || fid >= kMostFids) {
    throw StoreError(
        fmt::format("the database numbers {} function versions, the most it can "
                    "hold; `picocache clear` the file to start again",
                    kMostFids - 1));
  }
  EntryAddress address;
  address.slot = (fid << kSlotKeyBits) | static_cast<std::int64_t>(key.lo >> (64 - kSlotKeyBits));
  for (int i = 0; i < 8; ++i) {
    address.key[i] = static_cast<unsigned char>(key.lo >> (8 * i));
    address.key[8 + i] = static_cast<unsigned char>(key.hi >> (8 * i));
  }
  return address;
}

std::int64_t read_layout(sqlite::Connection& connection) {
  sqlite::Statement version(connection, "PRAGMA user_version");
  const std::int64_t found = version.step() ? version.column_int(0) : 0;
  version.reset();
  return found;
}

[[noreturn]] void refuse_newer(const sqlite::Connection& connection, std::int64_t found) {
  throw StoreError(fmt::format(
      "{}: the database has layout {}, written by a newer PicoCache (this one reads layout {}); "
      "it is left untouched",
      connection.label(), found, kLayoutVersion));
}

// One attempt at making sure the database holds layout kLayoutVersion; see prepare_database.
void set_up_layout(sqlite::Connection& connection) {
  const auto busy_timeout = [&](std::chrono::milliseconds timeout) {
    connection.execute(fmt::format("PRAGMA busy_timeout = {}", timeout.count()).c_str());
  };
  busy_timeout(detail::sqlite_busy_timeout());
  const std::int64_t found = read_layout(connection);
  if (found > kLayoutVersion) refuse_newer(connection, found);
  // A page cache of 16 MiB per connection (SQLite's default is 2 MiB): an entry row is about
  // half as large again as a plain table's (its key, check and times), so at 100,000 entries the
  // default held too few of the leaves and a hit read a page from the file (a pread) that a raw
  // SELECT did not. It grows only as pages are read, up to min(16 MiB, the file) per concurrently
  // calling thread. A checkpoint once the WAL holds 4,000 pages (SQLite's default is 1,000): misses
  // put their entries on random pages, so nearly every commit dirties a page of its own and a
  // checkpoint copies about one page per miss; over 4,000 commits a function's pages recur and are
  // copied once, with a quarter of the fsyncs. The WAL file grows to about 16 MiB, and the miss
  // that runs a checkpoint writes up to that much (SQLite's default: 4 MiB).
  connection.execute(
      "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -16384; "
      "PRAGMA wal_autocheckpoint = 4000");
  if (found == kLayoutVersion) return busy_timeout(detail::sqlite_busy_timeout());
  sqlite::WriteTransaction transaction(connection);
  const std::int64_t locked = read_layout(connection);  // another process may have just done it
  if (locked > kLayoutVersion) refuse_newer(connection, locked);
  if (locked == kLayoutVersion) {
    transaction.commit();
    return busy_timeout(detail::sqlite_busy_timeout());
  }
  if (locked != 0) {
    detail::log(fmt::format(
        "picocache: {} has layout {}, written by an older PicoCache; rebuilt for layout {} "
        "(its cached results are dropped)",
        connection.label(), locked, kLayoutVersion));
    connection.execute(
        "DROP TABLE IF EXISTS picocache_entries; DROP TABLE IF EXISTS picocache_functions");
  }
  connection.execute(kSchema);
  transaction.commit();
  busy_timeout(detail::sqlite_busy_timeout());
}

// Makes sure the database holds layout kLayoutVersion, before any statement is prepared.
// Processes that open a new file at once all switch it to WAL and create the tables, each needing
// the file to itself, and SQLite answers some of those lock upgrades with SQLITE_BUSY at once
// rather than waiting: so a busy attempt is retried, for up to the whole call bound.
void prepare_database(sqlite::Connection& connection) {
  const auto deadline = std::chrono::steady_clock::now() + detail::store_call_bound();
  for (;;) {
    try {
      return set_up_layout(connection);
    } catch (const StoreError& error) {
      if (error.kind() != FailureKind::timeout || std::chrono::steady_clock::now() >= deadline) {
        throw;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
}

struct OpenDatabase {
  OpenDatabase(const std::string& path, const std::string& label) : connection(path, label, true) {
    prepare_database(connection);
  }
  sqlite::Connection connection;
};

// One connection with its prepared statements.
struct Session : OpenDatabase {
  using OpenDatabase::OpenDatabase;

  // A function's fid and its maxsize.
  sqlite::Statement select_fid{connection,
                               "SELECT fid, maxsize FROM picocache_functions WHERE id = ?1"};
  sqlite::Statement upsert_function{
      connection,
      "INSERT INTO picocache_functions (id, name, maxsize, ttl_ms) VALUES (?1, ?2, ?3, ?4) "
      "ON CONFLICT (id) DO UPDATE SET name = excluded.name, maxsize = excluded.maxsize, "
      "ttl_ms = excluded.ttl_ms RETURNING fid"};
  sqlite::Statement select_entry{connection,
                                 "SELECT value, check_bytes, written_at, last_used "
                                 "FROM picocache_entries WHERE slot = ?1 AND key = ?2"};
  // A remembered use never moves an entry back (another process may have written a later one).
  sqlite::Statement touch{connection,
                          "UPDATE picocache_entries SET last_used = max(last_used, ?3) "
                          "WHERE slot = ?1 AND key = ?2"};
  sqlite::Statement insert_entry{
      connection,
      "INSERT INTO picocache_entries (slot, key, last_used, written_at, check_bytes, value, fid) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (slot) DO NOTHING"};
  sqlite::Statement replace_entry{
      connection,
      "UPDATE picocache_entries SET key = ?2, last_used = ?3, written_at = ?4, check_bytes = ?5, "
      "value = ?6 WHERE slot = ?1 AND fid = ?7"};
  sqlite::Statement select_size{connection, "SELECT size FROM picocache_functions WHERE fid = ?1"};
  // An unordered function's size, counted.
  sqlite::Statement count_entries{connection,
                                  "SELECT count(*) FROM picocache_entries WHERE slot BETWEEN (?1 "
                                  "<< 39) AND ((?1 + 1) << 39) - 1"};
  // Orders an unordered function (see the top): its size is counted.
  sqlite::Statement count_size{
      connection,
      "UPDATE picocache_functions SET size = (SELECT count(*) FROM "
      "picocache_entries WHERE slot BETWEEN (?1 << 39) AND ((?1 + 1) << 39) - 1) WHERE fid = ?1"};
  sqlite::Statement add_size{connection,
                             "UPDATE picocache_functions SET size = size + ?2 WHERE fid = ?1"};
  // The entries nearest a key, below and above it (an eviction's sample).
  sqlite::Statement below{
      connection,
      "SELECT slot, key, last_used FROM picocache_entries WHERE slot >= (?1 << 39) AND slot < ?2 "
      "ORDER BY slot DESC LIMIT ?3"};
  sqlite::Statement above{connection,
                          "SELECT slot, key, last_used FROM picocache_entries WHERE slot > ?2 "
                          "AND slot < ((?1 + 1) << 39) ORDER BY slot LIMIT ?3"};
  // Rows written at or before ?2 (expired), oldest first.
  sqlite::Statement expired{
      connection,
      "SELECT slot, key FROM picocache_entries WHERE fid = ?1 AND written_at <= ?2 "
      "ORDER BY written_at LIMIT ?3"};
  sqlite::Statement delete_entry{connection, "DELETE FROM picocache_entries WHERE slot = ?1"};
  sqlite::Statement delete_entries{
      connection,
      "DELETE FROM picocache_entries WHERE slot BETWEEN (?1 << 39) AND ((?1 + 1) << 39) - 1"};
  sqlite::Statement cleared{
      connection,
      "UPDATE picocache_functions SET size = NULL, generation = generation + 1 WHERE fid = ?1"};
  sqlite::Statement select_generation{connection,
                                      "SELECT generation FROM picocache_functions WHERE fid = ?1"};
  sqlite::Statement list_functions{
      connection,
      "SELECT id, name, entries, coalesce(family, ''), coalesce(version, ''), "
      "coalesce(last_used, 0), maxsize, ttl_ms FROM (SELECT *, coalesce(size, (SELECT count(*) "
      "FROM picocache_entries e WHERE e.slot BETWEEN (f.fid << 39) AND ((f.fid + 1) << 39) - 1)) "
      "AS entries FROM picocache_functions f) "
      "WHERE entries > 0 ORDER BY name, id"};
  // A use never moves last_used back (another process may have recorded a later one).
  sqlite::Statement record_use{
      connection,
      "INSERT INTO picocache_functions (id, name, family, version, last_used) "
      "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO UPDATE SET name = excluded.name, "
      "family = excluded.family, version = excluded.version, "
      "last_used = max(coalesce(last_used, 0), excluded.last_used)"};
  sqlite::Statement superseded{
      connection,
      "SELECT fid, id, name, entries, coalesce(version, ''), coalesce(last_used, 0) "
      "FROM (SELECT *, coalesce(size, (SELECT count(*) FROM picocache_entries e WHERE e.slot "
      "BETWEEN (f.fid << 39) AND ((f.fid + 1) << 39) - 1)) AS entries FROM picocache_functions f "
      "WHERE family = ?1 "
      "AND id <> ?2 AND last_used < ?3) WHERE entries > 0"};
};

// An entry an eviction may choose, with its tick.
struct Candidate {
  EntryAddress address;
  std::int64_t tick = 0;
};

// A remembered use: which entry, and the tick it would have had.
struct Touch {
  std::int64_t fid;
  EntryAddress address;
  std::int64_t tick;
};

// What this process knows of a function: its fid, the maxsize it was last seen with, and the ttl
// (in ms, -1: none) this process wrote into its row with that maxsize (-2: not written by it).
struct KnownFunction {
  std::int64_t fid = 0;
  std::uint64_t maxsize = unbounded;
  std::int64_t row_ttl_ms = -2;
};

class SqliteStore final : public Store {
 public:
  SqliteStore(const SqliteUrl& url, const OpenOptions& options)
      : memory_(url.memory),
        path_(url.memory ? ":memory:" : url.path),
        label_(url.memory ? "sqlite::memory:" : "sqlite:" + url.path),
        max_sessions_(url.memory ? 1 : 64),
        file_leases_(url.memory ? nullptr : FileLeases::create(url.path + "-lease")) {
    if (options.must_exist && !memory_ && !std::filesystem::exists(path_)) {
      throw StoreError(fmt::format("no such database file: {}", path_));
    }
    // Open one connection now, so a file that is no database fails here, once, with its reason
    // (and a memory store's one connection, which is its data, lives as long as the store).
    idle_.push_back(std::make_unique<Session>(path_, label_));
    open_sessions_ = 1;
    detail::register_fork_hooks(this);
  }

  ~SqliteStore() override {
    detail::unregister_fork_hooks(this);
    try {
      flush();
    } catch (const StoreError&) {
      // ignored: a store that fails at exit loses recency, nothing else
    }
  }

  StoreCapabilities capabilities() const override {
    StoreCapabilities capabilities;
    capabilities.persistent = !memory_;
    capabilities.shared = !memory_;
    capabilities.cross_process_leases = !memory_;
    capabilities.lists_limits = true;
    return capabilities;
  }

  std::optional<StoredEntry> get(const FunctionRef& fn, const Key128& key) override {
    std::optional<StoredEntry> entry;
    KnownFunction known;
    EntryAddress address;
    std::int64_t tick = 0;
    {
      Lease lease(*this);
      known = known_function(*lease, fn);
      if (known.fid == 0) return std::nullopt;
      address = address_of(known.fid, key);
      entry = read_entry(*lease, address, &tick);
    }
    // Nothing can be evicted from an unbounded function: its hits record nothing.
    if (entry && known.maxsize != unbounded && remember_touch(known.fid, address, tick)) {
      try {
        flush();
      } catch (const StoreError&) {
        // ignored: the value read is returned; this batch of recency is lost, not retried at
        // every hit (each retry would wait out the busy timeout again)
        std::lock_guard lock(touches_mutex_);
        touches_.clear();
      }
    }
    return entry;
  }

  std::optional<StoredEntry> peek(const FunctionRef& fn, const Key128& key) override {
    Lease lease(*this);
    const std::int64_t fid = known_function(*lease, fn).fid;
    if (fid == 0) return std::nullopt;
    return read_entry(*lease, address_of(fid, key), nullptr);
  }

  void put(const FunctionRef& fn, const Key128& key, const EntryWrite& entry) override {
    Lease lease(*this);
    Session& session = *lease;
    sqlite::WriteTransaction transaction(session.connection);
    // The functions row is written only when this process has not written it with this maxsize
    // and ttl yet (or it has gone: the file was replaced), so a put at a full cache leaves that
    // page alone.
    const std::int64_t ttl_ms = entry.ttl ? entry.ttl->count() : -1;
    std::int64_t fid = 0;
    SizeRow row;
    if (const KnownFunction known = cached_function(fn);
        known.row_ttl_ms == ttl_ms && known.maxsize == entry.maxsize && known.fid != 0) {
      fid = known.fid;
      row = read_size_row(session, fid);
    }
    if (!row.exists) {
      fid = function_row(session, fn, entry);
      row = read_size_row(session, fid);
    }
    const EntryAddress address = address_of(fid, key);
    if (!row.size && entry.maxsize != unbounded) row.size = order(session, fid);
    // An unordered function keeps no count (see the top).
    const bool ordered = row.size.has_value();
    // A full function's sample, read before the insert (it never holds the new key): its ticks
    // also keep the new tick above every tick near it.
    std::vector<Candidate> sample;
    if (ordered && entry.maxsize != unbounded && *row.size >= entry.maxsize) {
      sample = sample_near(session, fid, address.slot);
    }
    std::int64_t sampled_newest = 0;
    for (const Candidate& candidate : sample) {
      sampled_newest = std::max(sampled_newest, candidate.tick);
    }
    const std::int64_t tick = next_tick(fid, sampled_newest);
    // At maxsize 0 the new entry goes too (the newest, so the last candidate).
    if (entry.maxsize == 0) sample.push_back(Candidate{address, tick});
    const std::int64_t written_at = now_ms();
    // Insert, or replace the slot's entry (this key's, or one of the slot's other key): both
    // statements take the same seven values.
    const auto write_entry = [&](sqlite::Statement& statement) {
      statement.bind_int(1, address.slot)
          .bind_blob(2, address.key.data(), address.key.size())
          .bind_int(3, tick)
          .bind_int(4, written_at)
          .bind_blob(5, entry.check.data(), entry.check.size())
          .bind_blob(6, entry.value.data(), entry.value.size())
          .bind_int(7, fid)
          .run();
    };
    write_entry(session.insert_entry);
    const bool inserted = session.connection.changes() > 0;
    if (!inserted) write_entry(session.replace_entry);
    // The size changes by inserted - evicted: at a full cache that is 0, and the functions row is
    // not written at all (one page less per miss).
    std::int64_t evicted = 0;
    if (entry.ttl) {
      if (!age_index_ready_.load(std::memory_order_relaxed)) session.connection.execute(kAgeIndex);
      evicted = drop_expired(session, fid, written_at - entry.ttl->count());
    }
    if (ordered) {
      const std::uint64_t size =
          *row.size + (inserted ? 1 : 0) - static_cast<std::uint64_t>(evicted);
      if (entry.maxsize != unbounded && size > entry.maxsize) {
        evicted += evict(session, sample, static_cast<std::int64_t>(size - entry.maxsize));
      }
      const std::int64_t delta = (inserted ? 1 : 0) - evicted;
      if (delta != 0) session.add_size.bind_int(1, fid).bind_int(2, delta).run();
    }
    transaction.commit();
    if (entry.ttl) age_index_ready_.store(true, std::memory_order_relaxed);
    remember_function(fn, {fid, entry.maxsize, ttl_ms});
  }

  void clear(const FunctionRef& fn) override {
    Lease lease(*this);
    const std::int64_t fid = known_function(*lease, fn).fid;
    if (fid == 0) return;
    {
      std::lock_guard lock(touches_mutex_);
      std::erase_if(touches_, [&](const auto& touch) { return touch.second.fid == fid; });
    }
    sqlite::WriteTransaction transaction(lease->connection);
    lease->delete_entries.bind_int(1, fid).run();
    lease->cleared.bind_int(1, fid).run();
    transaction.commit();
  }

  // A point read of the functions row; 0 for a function never stored (its first clear makes 1).
  std::optional<std::uint64_t> clear_generation(const FunctionRef& fn) override {
    Lease lease(*this);
    const std::int64_t fid = known_function(*lease, fn).fid;
    if (fid == 0) return 0;
    sqlite::Statement& select = lease->select_generation;
    select.bind_int(1, fid);
    const std::int64_t generation = select.step() ? select.column_int(0) : 0;
    select.reset();
    return static_cast<std::uint64_t>(generation);
  }

  // A point read of the size row; an unordered function's entries are counted.
  std::uint64_t size(const FunctionRef& fn) override {
    Lease lease(*this);
    const std::int64_t fid = known_function(*lease, fn).fid;
    if (fid == 0) return 0;
    const SizeRow row = read_size_row(*lease, fid);
    if (!row.exists) return 0;
    return row.size ? *row.size : count(*lease, fid);
  }

  std::vector<FunctionSummary> functions() override {
    Lease lease(*this);
    sqlite::Statement& list = lease->list_functions;
    std::vector<FunctionSummary> result;
    while (list.step()) {
      FunctionSummary& summary = result.emplace_back(FunctionSummary{
          list.column_text(0), list.column_text(1), static_cast<std::uint64_t>(list.column_int(2)),
          list.column_text(3), list.column_text(4), list.column_int(5)});
      // NULL: none (a put writes both, so a listed function's row has them as last written).
      summary.maxsize =
          list.is_null(6) ? unbounded : static_cast<std::uint64_t>(list.column_int(6));
      summary.ttl = std::chrono::milliseconds(list.is_null(7) ? 0 : list.column_int(7));
    }
    list.reset();
    return result;
  }

  void record_use(const FunctionRef& fn, std::int64_t at_ms) override {
    Lease lease(*this);
    sqlite::WriteTransaction transaction(lease->connection);
    lease->record_use.bind_text(1, fn.id)
        .bind_text(2, fn.name)
        .bind_text(3, fn.family)
        .bind_text(4, fn.version)
        .bind_int(5, at_ms)
        .run();
    transaction.commit();
  }

  // One write transaction: the versions chosen are cleared before any other writer can use them.
  std::vector<FunctionSummary> drop_versions(std::string_view family, std::string_view keep_id,
                                             std::int64_t cutoff_ms) override {
    Lease lease(*this);
    Session& session = *lease;
    sqlite::WriteTransaction transaction(session.connection);
    std::vector<std::int64_t> fids;
    std::vector<FunctionSummary> dropped;
    sqlite::Statement& select = session.superseded;
    select.bind_text(1, family).bind_text(2, keep_id).bind_int(3, cutoff_ms);
    while (select.step()) {
      fids.push_back(select.column_int(0));
      dropped.push_back({select.column_text(1), select.column_text(2),
                         static_cast<std::uint64_t>(select.column_int(3)), std::string(family),
                         select.column_text(4), select.column_int(5)});
    }
    select.reset();  // before writing: a statement must not step over rows being changed
    for (const std::int64_t fid : fids) {
      session.delete_entries.bind_int(1, fid).run();
      session.cleared.bind_int(1, fid).run();
    }
    transaction.commit();
    if (!fids.empty()) {
      std::lock_guard lock(touches_mutex_);
      std::erase_if(touches_, [&](const auto& touch) {
        return std::find(fids.begin(), fids.end(), touch.second.fid) != fids.end();
      });
    }
    return dropped;
  }

  std::unique_ptr<KeyLease> try_lease(const FunctionRef&, const Key128& key,
                                      std::chrono::milliseconds) override {
    check_usable();
    if (memory_) return memory_lease(key);
    return file_leases_->try_lease(key);
  }

  void flush() override {
    {
      std::lock_guard lock(touches_mutex_);
      if (touches_.empty()) return;
    }
    Lease lease(*this);
    sqlite::WriteTransaction transaction(lease->connection);
    write_touches(*lease);
    transaction.commit();
  }

  void close() noexcept override {
    std::lock_guard lock(pool_mutex_);
    open_sessions_ -= std::min(open_sessions_, idle_.size());
    idle_.clear();
  }

  void prepare_fork() noexcept override {
    pool_lock_ = std::unique_lock(pool_mutex_, std::try_to_lock);
    touches_lock_ = std::unique_lock(touches_mutex_, std::try_to_lock);
    fids_lock_ = std::unique_lock(fids_mutex_, std::try_to_lock);
    if (file_leases_) file_leases_lock_ = file_leases_->try_hold_for_fork();
    // Safe when no other thread is inside a connection: then every connection is idle, and
    // closing them before the fork leaves the child no SQLite state of the parent's.
    fork_safe_ = pool_lock_.owns_lock() && touches_lock_.owns_lock() && fids_lock_.owns_lock() &&
                 (!file_leases_ || file_leases_lock_.owns_lock()) && idle_.size() == open_sessions_;
    if (fork_safe_ && !memory_) {
      idle_.clear();  // closes them
      open_sessions_ = 0;
    }
  }

  void after_fork_parent() noexcept override { unlock_after_fork(); }

  void after_fork_child() noexcept override {
    if (fork_safe_) {
      touches_.clear();  // the parent writes its own touches
    } else {
      forked_unsafely_.store(true, std::memory_order_relaxed);
    }
    unlock_after_fork();
  }

 private:
  // A session taken from the pool for one operation and given back after it.
  class Lease {
   public:
    explicit Lease(SqliteStore& store) : store_(store), session_(store.acquire()) {}
    ~Lease() { store_.release(std::move(session_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Session* operator->() { return session_.get(); }
    Session& operator*() { return *session_; }

   private:
    SqliteStore& store_;
    std::unique_ptr<Session> session_;
  };

  void check_usable() const {
    if (forked_unsafely_.load(std::memory_order_relaxed)) {
      throw StoreError(fmt::format(
          "{}: this process was forked while another thread was using the database; a forked "
          "child cannot use the SQLite state it inherited, so it runs uncached",
          label_));
    }
  }

  std::unique_ptr<Session> acquire() {
    check_usable();
    std::unique_lock lock(pool_mutex_);
    if (!pool_ready_.wait_for(lock, detail::sqlite_pool_wait(),
                              [&] { return !idle_.empty() || open_sessions_ < max_sessions_; })) {
      throw StoreError(fmt::format("{}: no free connection within {} ms", label_,
                                   detail::sqlite_pool_wait().count()),
                       FailureKind::timeout);
    }
    if (!idle_.empty()) {
      std::unique_ptr<Session> session = std::move(idle_.back());
      idle_.pop_back();
      return session;
    }
    ++open_sessions_;
    lock.unlock();
    try {
      return std::make_unique<Session>(path_, label_);
    } catch (...) {
      lock.lock();
      --open_sessions_;
      pool_ready_.notify_one();
      throw;
    }
  }

  void release(std::unique_ptr<Session> session) {
    std::lock_guard lock(pool_mutex_);
    idle_.push_back(std::move(session));
    pool_ready_.notify_one();
  }

  void unlock_after_fork() noexcept {
    if (file_leases_lock_.owns_lock()) file_leases_lock_.unlock();
    if (fids_lock_.owns_lock()) fids_lock_.unlock();
    if (touches_lock_.owns_lock()) touches_lock_.unlock();
    if (pool_lock_.owns_lock()) pool_lock_.unlock();
  }

  // The function's fid and maxsize, from this process's memory or the functions table; fid 0
  // when the database has never stored the function (then it has no entries).
  KnownFunction known_function(Session& session, const FunctionRef& fn) {
    {
      std::lock_guard lock(fids_mutex_);
      if (const auto it = fids_.find(fn.id); it != fids_.end()) return it->second;
    }
    sqlite::Statement& select = session.select_fid;
    select.bind_text(1, fn.id);
    KnownFunction known;
    if (select.step()) {
      known.fid = select.column_int(0);
      known.maxsize =
          select.is_null(1) ? unbounded : static_cast<std::uint64_t>(select.column_int(1));
    }
    select.reset();
    if (known.fid != 0) remember_function(fn, known);
    return known;
  }

  // What this process remembers of `fn` (fid 0: nothing).
  KnownFunction cached_function(const FunctionRef& fn) {
    std::lock_guard lock(fids_mutex_);
    const auto it = fids_.find(fn.id);
    return it == fids_.end() ? KnownFunction{} : it->second;
  }

  // Remembers what this process knows of `fn` (the latest put's maxsize wins).
  void remember_function(const FunctionRef& fn, const KnownFunction& known) {
    std::lock_guard lock(fids_mutex_);
    fids_.insert_or_assign(std::string(fn.id), known);
  }

  // The function's row, created when missing, inside the caller's write transaction; it takes
  // this put's maxsize and ttl (the most recent writer's apply).
  static std::int64_t function_row(Session& session, const FunctionRef& fn,
                                   const EntryWrite& entry) {
    sqlite::Statement& upsert = session.upsert_function;
    upsert.bind_text(1, fn.id).bind_text(2, fn.name);
    if (entry.maxsize == unbounded) {
      upsert.bind_null(3);
    } else {
      upsert.bind_int(3, static_cast<std::int64_t>(std::min<std::uint64_t>(
                             entry.maxsize, std::numeric_limits<std::int64_t>::max())));
    }
    if (entry.ttl) {
      upsert.bind_int(4, entry.ttl->count());
    } else {
      upsert.bind_null(4);
    }
    if (!upsert.step()) session.connection.fail("registering a function");
    const std::int64_t fid = upsert.column_int(0);
    upsert.reset();
    return fid;
  }

  // The entry, and in `tick` (when not null) its last_used.
  static std::optional<StoredEntry> read_entry(Session& session, const EntryAddress& address,
                                               std::int64_t* tick) {
    sqlite::Statement& select = session.select_entry;
    select.bind_int(1, address.slot).bind_blob(2, address.key.data(), address.key.size());
    std::optional<StoredEntry> entry;
    if (select.step()) {
      entry.emplace();
      entry->value = select.column_blob(0);
      entry->check = select.column_blob(1);
      entry->written_at = select.column_int(2);
      if (tick != nullptr) *tick = select.column_int(3);
    }
    select.reset();
    return entry;
  }

  // The next tick of `fid`'s clock in this process: above its last one, above `floor` and at
  // least the time now (see the top). Called with touches_mutex_ held.
  std::int64_t advance_clock_locked(std::int64_t fid, std::int64_t floor) {
    std::int64_t& clock = clocks_[fid];
    const std::int64_t now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count();
    clock = std::max({clock + 1, floor, now_us});
    return clock;
  }

  // A put's tick: above every tick this process has given or read, and above `sampled_newest`
  // (the newest tick near the new key).
  std::int64_t next_tick(std::int64_t fid, std::int64_t sampled_newest) {
    std::lock_guard lock(touches_mutex_);
    return advance_clock_locked(fid, sampled_newest + 1);
  }

  // The function's size as its row says.
  struct SizeRow {
    bool exists = false;                // false: no row (the file was replaced)
    std::optional<std::uint64_t> size;  // nullopt: unordered (see the top)
  };
  static SizeRow read_size_row(Session& session, std::int64_t fid) {
    sqlite::Statement& select = session.select_size;
    select.bind_int(1, fid);
    SizeRow row;
    if (select.step()) {
      row.exists = true;
      if (!select.is_null(0)) row.size = static_cast<std::uint64_t>(select.column_int(0));
    }
    select.reset();
    return row;
  }

  static std::uint64_t count(Session& session, std::int64_t fid) {
    sqlite::Statement& select = session.count_entries;
    select.bind_int(1, fid);
    const std::int64_t counted = select.step() ? select.column_int(0) : 0;
    select.reset();
    return static_cast<std::uint64_t>(counted);
  }

  // Orders an unordered function inside the caller's write transaction (its size is counted)
  // and returns its size.
  static std::uint64_t order(Session& session, std::int64_t fid) {
    session.count_size.bind_int(1, fid).run();
    return read_size_row(session, fid).size.value_or(0);
  }

  // Remembers a hit of an entry whose tick is `entry_tick`; true when so many uses are pending
  // that they should be written.
  bool remember_touch(std::int64_t fid, const EntryAddress& address, std::int64_t entry_tick) {
    std::lock_guard lock(touches_mutex_);
    const std::int64_t tick = advance_clock_locked(fid, entry_tick + 1);
    touches_.insert_or_assign(address.slot, Touch{fid, address, tick});
    return touches_.size() >= kMaxPendingTouches;
  }

  // A row's slot and key, as the sampling and expiry statements select them (columns 0, 1).
  static EntryAddress read_address(const sqlite::Statement& select) {
    EntryAddress address;
    address.slot = select.column_int(0);
    const std::string key = select.column_blob(1);
    std::copy_n(key.begin(), std::min(key.size(), address.key.size()), address.key.begin());
    return address;
  }

  // The kSampled entries of `fid` nearest `slot` in key order (half below, half above, more on
  // one side when the other runs out), inside the caller's write transaction.
  static std::vector<Candidate> sample_near(Session& session, std::int64_t fid, std::int64_t slot) {
    const auto read = [&](sqlite::Statement& select) {
      std::vector<Candidate> side;
      select.bind_int(1, fid).bind_int(2, slot).bind_int(3, kSampled);
      while (select.step()) side.push_back(Candidate{read_address(select), select.column_int(2)});
      select.reset();
      return side;
    };
    const std::vector<Candidate> below = read(session.below);
    const std::vector<Candidate> above = read(session.above);
    const std::size_t half = static_cast<std::size_t>(kSampled) / 2;
    const std::size_t from_below =
        std::min(below.size(),
                 std::max(half, static_cast<std::size_t>(kSampled) - std::min(above.size(), half)));
    std::vector<Candidate> sample(below.begin(),
                                  below.begin() + static_cast<std::ptrdiff_t>(from_below));
    const std::size_t from_above =
        std::min(above.size(), static_cast<std::size_t>(kSampled) - from_below);
    sample.insert(sample.end(), above.begin(),
                  above.begin() + static_cast<std::ptrdiff_t>(from_above));
    return sample;
  }

  // Deletes the row at `address`, inside the caller's write transaction, with its remembered
  // use; 1 when there was one, else 0.
  std::int64_t delete_row(Session& session, const EntryAddress& address) {
    session.delete_entry.bind_int(1, address.slot).run();
    std::lock_guard lock(touches_mutex_);
    touches_.erase(address.slot);
    return session.connection.changes();
  }

  // Evicts up to `count` of `sample`'s least recently used entries, inside the caller's write
  // transaction, and returns how many it deleted (a candidate a ttl put just dropped counts
  // nothing). A use this process remembers counts as the entry's tick, unwritten.
  std::int64_t evict(Session& session, std::vector<Candidate>& sample, std::int64_t count) {
    {
      std::lock_guard lock(touches_mutex_);
      for (Candidate& candidate : sample) {
        const auto it = touches_.find(candidate.address.slot);
        if (it != touches_.end()) candidate.tick = std::max(candidate.tick, it->second.tick);
      }
    }
    std::sort(sample.begin(), sample.end(), [](const Candidate& a, const Candidate& b) {
      return a.tick != b.tick ? a.tick < b.tick : a.address.slot < b.address.slot;
    });
    std::int64_t deleted = 0;
    for (const Candidate& candidate : sample) {
      if (deleted >= count) break;
      deleted += delete_row(session, candidate.address);
    }
    return deleted;
  }

  // Deletes up to kExpiredPerPut rows of `fid` written at or before `cutoff`, inside the caller's
  // write transaction, and returns how many it deleted. Their remembered uses go with them.
  std::int64_t drop_expired(Session& session, std::int64_t fid, std::int64_t cutoff) {
    std::vector<EntryAddress> chosen;
    sqlite::Statement& select = session.expired;
    select.bind_int(1, fid).bind_int(2, cutoff).bind_int(3, kExpiredPerPut);
    while (select.step()) chosen.push_back(read_address(select));
    select.reset();  // before deleting: a statement must not step over rows being changed
    std::int64_t deleted = 0;
    for (const EntryAddress& address : chosen) deleted += delete_row(session, address);
    return deleted;
  }

  static void write_touch(Session& session, const Touch& touch) {
    session.touch.bind_int(1, touch.address.slot)
        .bind_blob(2, touch.address.key.data(), touch.address.key.size())
        .bind_int(3, touch.tick)
        .run();
  }

  // Writes every remembered use inside the caller's write transaction.
  void write_touches(Session& session) {
    std::vector<Touch> touches;
    {
      std::lock_guard lock(touches_mutex_);
      touches.reserve(touches_.size());
      for (auto& [ignored, touch] : touches_) touches.push_back(touch);
      touches_.clear();
    }
    for (const Touch& touch : touches) write_touch(session, touch);
  }

  // sqlite::memory: is private to this process: its leases only exclude this process's threads.
  std::unique_ptr<KeyLease> memory_lease(const Key128& key) {
    class MemoryLease final : public KeyLease {
     public:
      MemoryLease(SqliteStore& store, Key128 key) : store_(store), key_(key) {}
      ~MemoryLease() override {
        std::lock_guard lock(store_.leases_mutex_);
        std::erase(store_.memory_leases_, key_);
      }
      bool renew(std::chrono::milliseconds) override { return true; }

     private:
      SqliteStore& store_;
      Key128 key_;
    };
    std::lock_guard lock(leases_mutex_);
    if (std::find(memory_leases_.begin(), memory_leases_.end(), key) != memory_leases_.end()) {
      return nullptr;
    }
    memory_leases_.push_back(key);
    return std::make_unique<MemoryLease>(*this, key);
  }

  const bool memory_;
  const std::string path_;
  const std::string label_;
  const std::size_t max_sessions_;

  std::mutex pool_mutex_;
  std::condition_variable pool_ready_;
  std::vector<std::unique_ptr<Session>> idle_;
  std::size_t open_sessions_ = 0;

  std::mutex touches_mutex_;
  std::unordered_map<std::int64_t, Touch> touches_;        // slot -> the latest use there
  std::unordered_map<std::int64_t, std::int64_t> clocks_;  // fid -> this process's latest tick

  std::mutex fids_mutex_;
  // function id -> fid, found by string_view without a copy on every hit
  struct IdHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view id) const { return std::hash<std::string_view>{}(id); }
  };
  std::unordered_map<std::string, KnownFunction, IdHash, std::equal_to<>> fids_;

  std::mutex leases_mutex_;
  std::vector<Key128> memory_leases_;
  // A file's leases (none for sqlite::memory:); shared with the leases taken, which outlive it.
  const std::shared_ptr<FileLeases> file_leases_;

  // kAgeIndex exists (this process made sure of it; a rebuilt file loses it, and a put then
  // finds expired rows without it, by a scan of the function's rows, until the process restarts).
  std::atomic<bool> age_index_ready_{false};

  // Held from prepare_fork() to after_fork_*(), when they could be taken without waiting.
  std::unique_lock<std::mutex> pool_lock_;
  std::unique_lock<std::mutex> touches_lock_;
  std::unique_lock<std::mutex> fids_lock_;
  std::unique_lock<std::mutex> file_leases_lock_;
  bool fork_safe_ = true;
  std::atomic<bool> forked_unsafely_{false};
};

}  // namespace

StoreKind sqlite_store_kind() {
  return StoreKind{
      "sqlite",
      {"sqlite"},
      "sqlite:PATH, sqlite:///ABSOLUTE/PATH, sqlite::memory:",
      [](std::string_view url) { parse_sqlite_url(url); },
      [](std::string_view url, const OpenOptions& options) -> std::unique_ptr<Store> {
        return std::make_unique<SqliteStore>(parse_sqlite_url(url), options);
      },
  };
}

}  // namespace picocache

// The SQLite store: one database file shared by every process that names it.
//
// Layout: picocache_entries(function_id, key, value, last_used), one row per entry, and
// picocache_functions(id, name, size), one row per function with entries. `size` is kept exact
// in the same transaction as every insert, eviction and clear, so currsize is a point read.
//
// Recency: a hit only reads. Its timestamp is remembered in memory and written, together with
// every other pending touch, inside the next write transaction of this process (the next miss),
// or when 1024 touches are pending or the oldest is a second old, or at flush() / exit. So within
// one process the LRU order is exact; across processes a hit in another process counts once that
// process has written it, and timestamps come from each machine's clock.

//
// Connections: a small pool, one connection per concurrently calling thread, dropped (not
// closed: SQLite forbids touching them) in a forked child. sqlite::memory: has one connection,
// since every connection to ":memory:" is a database of its own.
#include "fork_generation.hpp"
#include "stores/sqlite_connection.hpp"
#include "stores/store_factories.hpp"

#include <picocache/memoize.hpp>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

namespace picocache {
namespace {

constexpr int kBusyTimeoutMs = 10000;
constexpr std::size_t kMaxPendingTouches = 1024;
constexpr auto kMaxTouchAge = std::chrono::seconds(1);
constexpr int kSchemaVersion = 1;

constexpr const char* kSchema = R"sql(
  CREATE TABLE IF NOT EXISTS picocache_functions (
    id   TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    size INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS picocache_entries (
    function_id TEXT NOT NULL,
    key         BLOB NOT NULL,
    value       BLOB NOT NULL,
    last_used   INTEGER NOT NULL,
    PRIMARY KEY (function_id, key)
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS picocache_entries_by_recency
    ON picocache_entries (function_id, last_used);
)sql";

// A strictly increasing timestamp (nanoseconds since the epoch): ties within a process would make
// the LRU order depend on key order.
std::int64_t next_tick() {
  static std::atomic<std::int64_t> last{0};
  const std::int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  std::int64_t previous = last.load(std::memory_order_relaxed);
  std::int64_t tick = 0;
  do {
    tick = now > previous ? now : previous + 1;
  } while (!last.compare_exchange_weak(previous, tick, std::memory_order_relaxed));
  return tick;
}

// The 16 key bytes, little-endian lo then hi: the entry's primary key in the table.
std::array<unsigned char, 16> key_bytes(const Key128& key) {
  std::array<unsigned char, 16> bytes{};
  for (int i = 0; i < 8; ++i) {
    bytes[i] = static_cast<unsigned char>(key.lo >> (8 * i));
    bytes[8 + i] = static_cast<unsigned char>(key.hi >> (8 * i));
  }
  return bytes;
}

// Opens the database and makes sure it holds our schema, before any statement is prepared.
void prepare_database(sqlite::Connection& connection) {
  connection.execute("PRAGMA busy_timeout = 10000");
  static_assert(kBusyTimeoutMs == 10000, "keep the pragma above in step");
  sqlite::Statement version(connection, "PRAGMA user_version");
  const std::int64_t found = version.step() ? version.column_int(0) : 0;
  version.reset();
  if (found != 0 && found != kSchemaVersion) {
    throw StoreError(connection.label() +
                     ": the database was written by another version of "
                     "PicoCache (schema " +
                     std::to_string(found) + ", this one reads " + std::to_string(kSchemaVersion) +
                     "); clear it or use another file");
  }
  connection.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL");
  if (found == 0) {
    sqlite::WriteTransaction transaction(connection);
    connection.execute(kSchema);
    connection.execute("PRAGMA user_version = 1");
    static_assert(kSchemaVersion == 1, "keep the pragma above in step");
    transaction.commit();
  }
}

struct OpenDatabase {
  OpenDatabase(const std::string& path, const std::string& label) : connection(path, label) {
    prepare_database(connection);
  }
  sqlite::Connection connection;
};

// One connection with its prepared statements.
struct Session : OpenDatabase {
  using OpenDatabase::OpenDatabase;

  sqlite::Statement select_value{
      connection, "SELECT value FROM picocache_entries WHERE function_id = ?1 AND key = ?2"};
  sqlite::Statement touch{connection,
                          "UPDATE picocache_entries SET last_used = max(last_used, ?3) "
                          "WHERE function_id = ?1 AND key = ?2"};
  sqlite::Statement insert_entry{
      connection,
      "INSERT OR IGNORE INTO picocache_entries (function_id, key, value, last_used) "
      "VALUES (?1, ?2, ?3, ?4)"};
  sqlite::Statement replace_value{connection,
                                  "UPDATE picocache_entries SET value = ?3, last_used = ?4 WHERE "
                                  "function_id = ?1 AND key = ?2"};
  sqlite::Statement grow_function{
      connection,
      "INSERT INTO picocache_functions (id, name, size) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (id) DO UPDATE SET size = size + excluded.size, name = excluded.name"};
  sqlite::Statement select_size{connection, "SELECT size FROM picocache_functions WHERE id = ?1"};
  sqlite::Statement evict{connection,
                          "DELETE FROM picocache_entries WHERE function_id = ?1 AND key IN ("
                          "SELECT key FROM picocache_entries WHERE function_id = ?1 "
                          "ORDER BY last_used, key LIMIT ?2)"};
  sqlite::Statement delete_entries{connection,
                                   "DELETE FROM picocache_entries WHERE function_id = ?1"};
  sqlite::Statement delete_function{connection, "DELETE FROM picocache_functions WHERE id = ?1"};
  sqlite::Statement list_functions{
      connection,
      "SELECT id, name, size FROM picocache_functions WHERE size > 0 ORDER BY name, id"};

  std::uint64_t fork_generation = detail::fork_generation();
};

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(const SqliteUrl& url)
      : path_(url.memory ? ":memory:" : url.path),
        label_(url.memory ? "sqlite::memory:" : "sqlite:" + url.path),
        max_sessions_(url.memory ? 1 : 64) {
    // Open one connection now, so a file that is no database fails here, once, with its reason
    // (and a memory store's one connection, which is its data, lives as long as the store).
    idle_.push_back(std::make_unique<Session>(path_, label_));
    open_sessions_ = 1;
  }

  ~SqliteStore() override {
    try {
      flush();
    } catch (const StoreError&) {
      // ignored: a store that fails at exit loses recency, nothing else
    }
  }

  std::optional<std::string> get(const FunctionRef& fn, const Key128& key) override {
    const auto bytes = key_bytes(key);
    std::optional<std::string> value;
    {
      Lease lease(*this);
      sqlite::Statement& select = lease->select_value;
      select.bind_text(1, fn.id).bind_blob(2, bytes.data(), bytes.size());
      if (select.step()) value = select.column_blob(0);
      select.reset();
    }
    if (value && remember_touch(fn, bytes)) flush();
    return value;
  }

  void put(const FunctionRef& fn, const Key128& key, std::string_view value,
           std::uint64_t maxsize) override {
    const auto bytes = key_bytes(key);
    Lease lease(*this);
    Session& session = *lease;
    sqlite::WriteTransaction transaction(session.connection);
    write_touches(session);
    const std::int64_t tick = next_tick();
    // Insert, or replace the value of an existing entry: both statements take the same four values.
    const auto write_entry = [&](sqlite::Statement& statement) {
      statement.bind_text(1, fn.id)
          .bind_blob(2, bytes.data(), bytes.size())
          .bind_blob(3, value.data(), value.size())
          .bind_int(4, tick)
          .run();
    };
    write_entry(session.insert_entry);
    const bool inserted = session.connection.changes() > 0;
    if (!inserted) write_entry(session.replace_value);
    // The size changes by inserted - evicted: at a full cache that is 0, and the functions row is
    // not written at all (one page less per miss).
    const std::uint64_t size_before = read_size(session, fn);
    const std::uint64_t size = size_before + (inserted ? 1 : 0);
    std::int64_t evicted = 0;
    if (maxsize != unbounded && size > maxsize) {
      session.evict.bind_text(1, fn.id)
          .bind_int(2, static_cast<std::int64_t>(size - maxsize))
          .run();
      evicted = session.connection.changes();
    }
    const std::int64_t delta = (inserted ? 1 : 0) - evicted;
    if (delta != 0 || size_before == 0) {
      session.grow_function.bind_text(1, fn.id).bind_text(2, fn.name).bind_int(3, delta).run();
    }
    transaction.commit();
  }

  void clear(const FunctionRef& fn) override {
    {
      std::lock_guard lock(touches_mutex_);
      for (auto it = touches_.begin(); it != touches_.end();) {
        it = it->first.compare(0, fn.id.size(), fn.id) == 0 ? touches_.erase(it) : std::next(it);
      }
    }
    Lease lease(*this);
    sqlite::WriteTransaction transaction(lease->connection);
    lease->delete_entries.bind_text(1, fn.id).run();
    lease->delete_function.bind_text(1, fn.id).run();
    transaction.commit();
  }

  std::uint64_t size(const FunctionRef& fn) override {
    Lease lease(*this);
    return read_size(*lease, fn);
  }

  std::vector<FunctionSummary> functions() override {
    Lease lease(*this);
    sqlite::Statement& list = lease->list_functions;
    std::vector<FunctionSummary> result;
    while (list.step()) {
      result.push_back({list.column_text(0), list.column_text(1),
                        static_cast<std::uint64_t>(list.column_int(2))});
    }
    list.reset();
    return result;
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

  std::unique_ptr<Session> acquire() {
    std::unique_lock lock(pool_mutex_);
    drop_sessions_of_parent();
    pool_ready_.wait(lock, [&] { return !idle_.empty() || open_sessions_ < max_sessions_; });
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
    if (session->fork_generation == detail::fork_generation()) {
      idle_.push_back(std::move(session));
    } else {
      abandon(std::move(session));
    }
    pool_ready_.notify_one();
  }

  // In a forked child the pooled connections are the parent's: forget them unclosed.
  void drop_sessions_of_parent() {
    const std::uint64_t generation = detail::fork_generation();
    if (generation == pool_generation_) return;
    pool_generation_ = generation;
    for (std::unique_ptr<Session>& session : idle_) abandon(std::move(session));
    idle_.clear();
    open_sessions_ = 0;
    std::lock_guard lock(touches_mutex_);
    touches_.clear();  // the parent writes its own touches
  }

  static void abandon(std::unique_ptr<Session> session) {
    session->connection.abandon();
    static_cast<void>(session.release());  // its statements belong to the parent's handle too
  }

  static std::uint64_t read_size(Session& session, const FunctionRef& fn) {
    sqlite::Statement& select = session.select_size;
    select.bind_text(1, fn.id);
    const std::uint64_t size = select.step() ? static_cast<std::uint64_t>(select.column_int(0)) : 0;
    select.reset();
    return size;
  }

  // Records a hit's recency; true when enough touches are pending that they should be written.
  bool remember_touch(const FunctionRef& fn, const std::array<unsigned char, 16>& key) {
    std::string touch_key(fn.id);
    touch_key.append(reinterpret_cast<const char*>(key.data()), key.size());
    const std::int64_t tick = next_tick();
    std::lock_guard lock(touches_mutex_);
    if (touches_.empty()) oldest_touch_ = std::chrono::steady_clock::now();
    touches_[std::move(touch_key)] = tick;
    return touches_.size() >= kMaxPendingTouches ||
           std::chrono::steady_clock::now() - oldest_touch_ >= kMaxTouchAge;
  }

  // Writes the pending touches inside the caller's write transaction.
  void write_touches(Session& session) {
    std::unordered_map<std::string, std::int64_t> touches;
    {
      std::lock_guard lock(touches_mutex_);
      touches.swap(touches_);
    }
    for (const auto& [touch_key, tick] : touches) {
      const std::string_view id = std::string_view(touch_key).substr(0, touch_key.size() - 16);
      session.touch.bind_text(1, id)
          .bind_blob(2, touch_key.data() + id.size(), 16)
          .bind_int(3, tick)
          .run();
    }
  }

  const std::string path_;
  const std::string label_;
  const std::size_t max_sessions_;

  std::mutex pool_mutex_;
  std::condition_variable pool_ready_;
  std::vector<std::unique_ptr<Session>> idle_;
  std::size_t open_sessions_ = 0;
  std::uint64_t pool_generation_ = detail::fork_generation();

  std::mutex touches_mutex_;
  std::unordered_map<std::string, std::int64_t> touches_;  // function id + key bytes -> tick
  std::chrono::steady_clock::time_point oldest_touch_;
};

}  // namespace

std::unique_ptr<Store> make_sqlite_store(const SqliteUrl& url) {
  return std::make_unique<SqliteStore>(url);
}

}  // namespace picocache

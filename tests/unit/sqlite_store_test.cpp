// The SQLite store's own behaviour, beyond the conformance suite: its layout plan (older files
// rebuilt, newer ones untouched), a recency clock that clock steps cannot freeze, bounded waits
// behind another writer, and fork() safety.
#include "store_calls.hpp"
#include "stores/store.hpp"
#include "stores/store_registry.hpp"
#include "temp_dir.hpp"

#include <picocache/picocache.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <list>
#include <random>
#include <thread>

namespace tests {

int cube_calls = 0;
long cube(long n);
static picocache::CachedFunction cube_fn{picocache::address_of(&cube), "tests::cube", "long (long)",
                                         picocache::unbounded, false};
long cube(long n) {
  return picocache::memoize<long>(
      cube_fn, [&](picocache::Encoder& e) { e.write(n); },
      [&]() -> long { return ++cube_calls, n * n * n; });
}

}  // namespace tests

namespace picocache {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

// A raw connection, as another program (or the sqlite3 shell) would open the file.
class RawDatabase {
 public:
  explicit RawDatabase(const std::string& path) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) throw std::runtime_error("open failed");
    sqlite3_busy_timeout(db_, 5000);
  }
  ~RawDatabase() { sqlite3_close(db_); }
  void execute(const std::string& sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
      const std::string why = error ? error : "?";
      sqlite3_free(error);
      throw std::runtime_error(sql + ": " + why);
    }
  }
  // The first row's `column`, as text ("" when there is none).
  std::string text(const std::string& sql, int column = 0) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) {
      throw std::runtime_error(sql + ": " + sqlite3_errmsg(db_));
    }
    std::string result;
    if (sqlite3_step(statement) == SQLITE_ROW) {
      const auto* value = sqlite3_column_text(statement, column);
      result = value ? reinterpret_cast<const char*>(value) : "";
    }
    sqlite3_finalize(statement);
    return result;
  }

 private:
  sqlite3* db_ = nullptr;
};

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    unsetenv("PICOCACHE_URL");
    set_log_handler([this](std::string_view line) { warnings_.emplace_back(line); });
  }
  void TearDown() override { set_log_handler({}); }

  static Key128 key(std::uint64_t n) { return hash_key(std::to_string(n)); }

  testing::TempDir dir_;
  const std::string path_ = dir_.file("cache.db");
  const std::string url_ = "sqlite:" + path_;
  const FunctionRef fn_{"0123456789abcdef0123456789abcdef", "f int (int)"};
  std::vector<std::string> warnings_;
};

TEST_F(SqliteStoreTest, AnOlderLayoutIsRebuiltWithOneWarning) {
  {
    RawDatabase raw(path_);
    raw.execute(
        "CREATE TABLE picocache_entries (function_id TEXT, key BLOB, value BLOB, last_used INT);"
        "INSERT INTO picocache_entries VALUES ('x', x'00', x'01', 1); PRAGMA user_version = 1");
  }
  std::unique_ptr<Store> store = open_store(url_);
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_THAT(warnings_[0], HasSubstr("older PicoCache"));
  put_value(*store, fn_, key(1), "v", 10);
  EXPECT_EQ(value_at(*store, fn_, key(1)), "v");
  RawDatabase raw(path_);
  EXPECT_EQ(raw.text("PRAGMA user_version"), "5");
  EXPECT_EQ(raw.text("SELECT count(*) FROM picocache_entries"), "1");
  store.reset();
  open_store(url_);
  EXPECT_EQ(warnings_.size(), 1u) << "a current file is not rebuilt again";
}

// Layout 4 added the functions' family, version and last use (superseded code versions): a
// layout-3 file is rebuilt like any older one.
TEST_F(SqliteStoreTest, ALayoutThreeFileIsRebuiltWithTheVersionColumns) {
  {
    RawDatabase raw(path_);
    raw.execute(
        "CREATE TABLE picocache_functions (fid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, "
        "name TEXT NOT NULL, size INTEGER NOT NULL DEFAULT 0, maxsize INTEGER, ttl_ms INTEGER, "
        "generation INTEGER NOT NULL DEFAULT 0);"
        "INSERT INTO picocache_functions (id, name, size) VALUES ('x', 'x int (int)', 0);"
        "PRAGMA user_version = 3");
  }
  std::unique_ptr<Store> store = open_store(url_);
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_THAT(warnings_[0], HasSubstr("layout 3"));
  const FunctionRef versioned{fn_.id, fn_.name, "0123456789abcdef0123456789abcdef", "v:2"};
  store->record_use(versioned, 1234);
  put_value(*store, versioned, key(1), "v", 10);
  RawDatabase raw(path_);
  EXPECT_EQ(raw.text("PRAGMA user_version"), "5");
  EXPECT_EQ(raw.text("SELECT family || ' ' || version || ' ' || last_used FROM "
                     "picocache_functions WHERE size = 1"),
            "0123456789abcdef0123456789abcdef v:2 1234");
}

TEST_F(SqliteStoreTest, ANewerLayoutIsLeftByteIdenticalAndTheProcessRunsUncached) {
  {
    RawDatabase raw(path_);
    raw.execute("CREATE TABLE future (x); INSERT INTO future VALUES (42); PRAGMA user_version = 6");
  }
  const std::string before = file_bytes(path_);
  try {
    open_store(url_);
    ADD_FAILURE() << "a newer layout was opened";
  } catch (const StoreError& error) {
    EXPECT_THAT(error.what(), HasSubstr("newer PicoCache"));
  }
  configure(url_);
  EXPECT_EQ(tests::cube(3), 27);
  EXPECT_EQ(tests::cube(3), 27);
  EXPECT_EQ(warnings_.size(), 1u);
  EXPECT_EQ(file_bytes(path_), before) << "the newer file was modified";
  configure("sqlite::memory:");
}

// Rows written while a clock ran ahead must not outrank every later use: a new entry at a full
// cache is kept, not evicted at once. (The recency clock is logical, so the bug cannot happen;
// the far-future row stands for one written by an old binary or a clock that ran ahead.)
TEST_F(SqliteStoreTest, ARowFromTheFutureDoesNotMakeNewEntriesEvictThemselves) {
  std::unique_ptr<Store> store = open_store(url_);
  for (std::uint64_t n = 1; n <= 3; ++n) put_value(*store, fn_, key(n), std::to_string(n), 3);
  RawDatabase(path_).execute("UPDATE picocache_entries SET last_used = 4000000000000000000");
  put_value(*store, fn_, key(4), "4", 3);
  put_value(*store, fn_, key(5), "5", 3);
  EXPECT_EQ(value_at(*store, fn_, key(4)), "4");
  EXPECT_EQ(value_at(*store, fn_, key(5)), "5");
  EXPECT_EQ(store->size(fn_), 3u);
}

// The case: a working set larger than the old touch batch (1024), hit in a shuffled order.
// A hit of an unbounded function records nothing (nothing can be evicted), and one of a bounded
// function is only remembered until an eviction needs it: no hit commits anything to the file.
TEST_F(SqliteStoreTest, HitsOnAWorkingSetLargerThanABatchWriteNothing) {
  std::unique_ptr<Store> store = open_store(url_);
  const FunctionRef bounded{"fedcba9876543210fedcba9876543210", "g int (int)"};
  constexpr std::uint64_t kEntries = 1500;
  for (std::uint64_t n = 0; n < kEntries; ++n) {
    put_value(*store, fn_, key(n), "v", unbounded);
    put_value(*store, bounded, key(n), "w", 2 * kEntries);
  }
  RawDatabase raw(path_);
  const std::string before = raw.text("PRAGMA data_version");
  std::vector<std::uint64_t> order(kEntries);
  for (std::uint64_t n = 0; n < kEntries; ++n) order[n] = (n * 7919) % kEntries;  // shuffled
  int missing = 0;
  for (int round = 0; round < 2; ++round) {
    for (const std::uint64_t n : order) {
      missing += !value_at(*store, fn_, key(n));
      missing += !value_at(*store, bounded, key(n));
    }
  }
  EXPECT_EQ(missing, 0);
  EXPECT_EQ(raw.text("PRAGMA data_version"), before) << "a hit committed a write to the file";
}

// Up to maxsize 16 (kSampled in sqlite_store.cpp) a put samples the whole function: the order
// is exact LRU, remembered hits included, as a reference LRU list says over a random sequence.
TEST_F(SqliteStoreTest, UpToMaxsizeSixteenTheOrderIsExactLru) {
  std::unique_ptr<Store> store = open_store(url_);
  constexpr std::uint64_t kMaxsize = 16;
  std::list<std::uint64_t> reference;  // most recently used first
  std::mt19937 random(11);
  for (int step = 0; step < 2000; ++step) {
    const std::uint64_t n = random() % 40;
    const auto found = std::find(reference.begin(), reference.end(), n);
    const std::optional<std::string> value = value_at(*store, fn_, key(n));
    if (found == reference.end()) {
      ASSERT_EQ(value, std::nullopt) << "step " << step << ": " << n << " was kept";
      put_value(*store, fn_, key(n), std::to_string(n), kMaxsize);
      reference.push_front(n);
      if (reference.size() > kMaxsize) reference.pop_back();
    } else {
      ASSERT_EQ(value, std::to_string(n)) << "step " << step << ": " << n << " was evicted";
      reference.splice(reference.begin(), reference, found);
    }
  }
  EXPECT_EQ(store->size(fn_), kMaxsize);
}

// Above it, a put evicts the least recently used of the 16 entries nearest its key in key order
// (a key's top bits order a function's rows; these keys are numbers there): the globally oldest
// entry stays until a put lands near it.
TEST_F(SqliteStoreTest, AboveItAPutEvictsTheLeastRecentlyUsedNearItsKey) {
  std::unique_ptr<Store> store = open_store(url_);
  const auto near = [](std::uint64_t n) { return Key128{n << 56, 0}; };
  constexpr std::uint64_t kEntries = 120;
  for (std::uint64_t n = 0; n < kEntries; ++n) put_value(*store, fn_, near(2 * n), "v", kEntries);
  for (std::uint64_t n = 0; n < kEntries; ++n) {
    if (n == 10 || n == 50) continue;  // 20, the oldest entry, and 100 are not hit
    ASSERT_TRUE(value_at(*store, fn_, near(2 * n))) << n;
  }
  put_value(*store, fn_, near(101), "new", kEntries);  // samples 86..100 and 102..116
  EXPECT_EQ(store->peek(fn_, near(100)), std::nullopt) << "the oldest of the sample was kept";
  EXPECT_TRUE(store->peek(fn_, near(20))) << "an entry outside the sample was evicted";
  put_value(*store, fn_, near(21), "new", kEntries);  // samples 6..20 and 22..36
  EXPECT_EQ(store->peek(fn_, near(20)), std::nullopt);
  EXPECT_TRUE(store->peek(fn_, near(101)));
  EXPECT_EQ(store->size(fn_), kEntries);
}

// Across processes (two stores on one file stand for two processes), another process's hits
// count once it has written them: at its own evictions, flush() or exit (README, "Recency").
TEST_F(SqliteStoreTest, AnotherProcesssHitsCountOnceItHasWrittenThem) {
  std::unique_ptr<Store> writer = open_store(url_);
  std::unique_ptr<Store> reader = open_store(url_);
  put_value(*writer, fn_, key(1), "a", 2);
  put_value(*writer, fn_, key(2), "b", 2);
  EXPECT_EQ(value_at(*reader, fn_, key(1)), "a");
  reader->flush();
  put_value(*writer, fn_, key(3), "c", 2);
  EXPECT_EQ(writer->peek(fn_, key(2)), std::nullopt) << "the reader's hit of 1 was not counted";
  EXPECT_TRUE(writer->peek(fn_, key(1)));
}

// The functions row holds what `picocache list` can show: the most recent writer's maxsize and
// ttl (NULL: none), whichever process it was.
TEST_F(SqliteStoreTest, TheFunctionsRowHoldsTheLatestWritersMaxsizeAndTtl) {
  std::unique_ptr<Store> first = open_store(url_);
  std::unique_ptr<Store> second = open_store(url_);
  RawDatabase raw(path_);
  const auto row = [&] {
    return raw.text(
        "SELECT coalesce(maxsize, 'none') || ' ' || coalesce(ttl_ms, 'none') "
        "FROM picocache_functions");
  };
  put_value(*first, fn_, key(1), "v", 10);
  EXPECT_EQ(row(), "10 none");
  EntryWrite entry;
  entry.value = "w";
  entry.maxsize = 20;
  entry.ttl = std::chrono::minutes(5);
  second->put(fn_, key(2), entry);
  EXPECT_EQ(row(), "20 300000");
  put_value(*first, fn_, key(3), "x", unbounded);
  EXPECT_EQ(row(), "none none");
}

// The (fid, written_at) index that finds expired rows without a scan comes with the first put of a
// function with a ttl (files without one never pay for its upkeep); a connection prepared before
// it existed uses it too.
TEST_F(SqliteStoreTest, TheFirstPutWithATtlAddsTheIndexExpiryReads) {
  std::unique_ptr<Store> first = open_store(url_);
  std::unique_ptr<Store> second = open_store(url_);
  RawDatabase raw(path_);
  const auto has_index = [&] {
    return raw.text("SELECT count(*) FROM sqlite_master WHERE name = 'picocache_entries_by_age'");
  };
  put_value(*first, fn_, key(1), "v", 10);
  put_value(*second, fn_, key(2), "v", 10);
  EXPECT_EQ(has_index(), "0") << "made without any ttl";
  EntryWrite entry;
  entry.value = "w";
  entry.maxsize = 10;
  entry.ttl = std::chrono::milliseconds(1);
  first->put(fn_, key(3), entry);
  EXPECT_EQ(has_index(), "1");
  EXPECT_THAT(raw.text("EXPLAIN QUERY PLAN SELECT key FROM picocache_entries WHERE fid = 1 AND "
                       "written_at <= 5 ORDER BY written_at LIMIT 64",
                       3),
              HasSubstr("picocache_entries_by_age"));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  second->put(fn_, key(4), entry);  // every row is older than 1 ms now, but 4
  EXPECT_EQ(second->size(fn_), 1u);
  EXPECT_EQ(value_at(*second, fn_, key(4)), "w");
}

// clear_generation() changes with every clear made through any store on the file, and a clear
// leaves other functions' generations alone.
TEST_F(SqliteStoreTest, EveryClearBumpsTheGenerationOtherProcessesRead) {
  std::unique_ptr<Store> clearer = open_store(url_);
  std::unique_ptr<Store> watcher = open_store(url_);
  const FunctionRef other{"fedcba9876543210fedcba9876543210", "g int (int)"};
  EXPECT_EQ(watcher->clear_generation(fn_), 0u) << "a function never stored";
  put_value(*clearer, fn_, key(1), "v", 10);
  put_value(*clearer, other, key(1), "v", 10);
  const std::optional<std::uint64_t> before = watcher->clear_generation(fn_);
  ASSERT_TRUE(before);
  clearer->clear(fn_);
  EXPECT_EQ(watcher->clear_generation(fn_), *before + 1);
  clearer->clear(fn_);
  EXPECT_EQ(watcher->clear_generation(fn_), *before + 2);
  EXPECT_EQ(watcher->clear_generation(other), 0u);
  EXPECT_EQ(value_at(*watcher, other, key(1)), "v");
}

// A hit must return what it read even when writing the remembered recency fails (the file is
// locked by another writer), and it must not wait long for that; flush() then fails as a
// timeout within the bound, and succeeds once the file is free.
TEST_F(SqliteStoreTest, HitsReturnTheirValuesWhileAnotherWriterHoldsTheFile) {
  std::unique_ptr<Store> store = open_store(url_);
  constexpr std::uint64_t kEntries = 1100;
  for (std::uint64_t n = 0; n < kEntries; ++n) put_value(*store, fn_, key(n), "v", 2 * kEntries);
  RawDatabase writer(path_);
  writer.execute("BEGIN IMMEDIATE");
  const auto start = std::chrono::steady_clock::now();
  int missing = 0;
  for (std::uint64_t n = 0; n < kEntries; ++n) missing += !value_at(*store, fn_, key(n));
  EXPECT_EQ(missing, 0) << "a hit lost its value to a locked file";
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  try {
    store->flush();
    ADD_FAILURE() << "the remembered uses were written into a locked file";
  } catch (const StoreError& error) {
    EXPECT_EQ(error.kind(), FailureKind::timeout) << error.what();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  writer.execute("ROLLBACK");
  store->flush();
}

// A miss behind a long writer (picocache clear --all, a big eviction): the result is returned
// within the bound, its write dropped and counted, one warning.
TEST_F(SqliteStoreTest, AMissBehindALongWriterIsDroppedWithinTheBound) {
  configure(url_);
  EXPECT_EQ(tests::cube(2), 8);  // opens the store
  const StoreCounters before = store_counters();
  RawDatabase writer(path_);
  writer.execute("BEGIN IMMEDIATE");
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(tests::cube(4), 64);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1500ms) << "the call waited on the store";
  writer.execute("ROLLBACK");
  EXPECT_EQ(store_counters().timeouts, before.timeouts + 1);
  EXPECT_EQ(store_counters().dropped_writes, before.dropped_writes + 1);
  EXPECT_EQ(warnings_.size(), 1u);
  EXPECT_THAT(warnings_.back(), HasSubstr("timed out"));
  configure("sqlite::memory:");
}

// Processes that start together on a file that does not exist yet all create it, switch it to WAL
// and create the tables: none of them may fail to open it (and run uncached).
TEST_F(SqliteStoreTest, ProcessesOpeningANewFileAtOnceAllUseIt) {
  int go[2];
  ASSERT_EQ(pipe(go), 0);
  std::vector<pid_t> children;
  for (int p = 0; p < 8; ++p) {
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      int warnings = 0;
      set_log_handler([&](std::string_view) { ++warnings; });
      char token = 0;
      if (read(go[0], &token, 1) != 1) _exit(3);
      configure(url_);
      if (tests::cube(p) != p * p * p) _exit(1);
      _exit(warnings == 0 ? 0 : 2);
    }
    children.push_back(child);
  }
  close(go[0]);
  ASSERT_EQ(write(go[1], "gggggggg", 8), 8);  // all at once
  for (pid_t child : children) {
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "2: a process could not open the new file";
  }
  const FunctionRef cube{tests::cube_fn.id(), tests::cube_fn.display_name()};
  EXPECT_EQ(open_store(url_)->size(cube), 8u);
}

// The review's scenario: a process makes a cached call, forks a long-lived worker and exits;
// `picocache list` then opens and closes the file (the last connection it knows of checkpoints
// and deletes the WAL); the worker goes on writing. The file must stay sound and every value
// right.
TEST_F(SqliteStoreTest, AForkedWorkerOutlivingItsParentKeepsTheFileSound) {
  int to_test[2], to_worker[2];
  ASSERT_EQ(pipe(to_test), 0);
  ASSERT_EQ(pipe(to_worker), 0);
  const pid_t parent = fork();
  ASSERT_GE(parent, 0);
  if (parent == 0) {
    configure(url_);
    static_cast<void>(tests::cube(1));
    const pid_t worker = fork();
    if (worker == 0) {
      char go = 0;
      if (tests::cube(2) != 8 || write(to_test[1], "w", 1) != 1) _exit(3);
      if (read(to_worker[0], &go, 1) != 1) _exit(3);  // the tool has come and gone
      for (long n = 3; n < 300; ++n) {
        if (tests::cube(n) != n * n * n) _exit(1);
      }
      _exit(tests::cube_calls == 299 ? 0 : 2);
    }
    _exit(worker > 0 ? 0 : 4);  // the parent exits, the worker lives on
  }
  int status = 0;
  ASSERT_EQ(waitpid(parent, &status, 0), parent);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  char written = 0;
  ASSERT_EQ(read(to_test[0], &written, 1), 1);
  {
    std::unique_ptr<Store> tool = open_store(url_);  // what `picocache list` does
    static_cast<void>(tool->functions());
  }  // its close checkpoints, and deletes the WAL if it believes no other process has it open
  ASSERT_EQ(write(to_worker[1], "g", 1), 1);
  // The worker is not our child: wait for its 299 entries to appear.
  const FunctionRef cube{tests::cube_fn.id(), tests::cube_fn.display_name()};
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  std::uint64_t size = 0;
  std::unique_ptr<Store> store = open_store(url_);
  while (std::chrono::steady_clock::now() < deadline) {
    size = store->size(cube);
    if (size == 299) break;
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(size, 299u) << "the worker's commits went where this process cannot see them";
  std::this_thread::sleep_for(200ms);  // let the worker exit and close
  EXPECT_EQ(RawDatabase(path_).text("PRAGMA integrity_check"), "ok");
  for (long n = 1; n < 300; ++n) {
    std::string args;
    Encoder encoder(args, EncodeMode::key);
    encoder.write(n);
    const std::optional<std::string> value = value_at(*store, cube, hash_key(args));
    ASSERT_TRUE(value) << n;
    EXPECT_EQ(detail::decode_value<long>(*value), n * n * n) << n;
  }
}

// Leases share one open of the lease file per process (file_lease.hpp); a forked child opens its
// own. Were the child to lease through the parent's open, OFD locks of one open never conflict:
// it would take the key the parent holds, and its release would drop the parent's lock.
TEST_F(SqliteStoreTest, AForkedChildLeasesThroughItsOwnOpenOfTheLeaseFile) {
  std::unique_ptr<Store> store = open_store(url_);
  std::unique_ptr<KeyLease> held = store->try_lease(fn_, key(1), std::chrono::seconds(10));
  ASSERT_TRUE(held);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // 0: excluded from the parent's key, the other key taken and released, the copy of the
    // parent's lease destroyed (which must release nothing of the parent's).
    int status = store->try_lease(fn_, key(1), std::chrono::seconds(10)) ? 1 : 0;
    if (!store->try_lease(fn_, key(2), std::chrono::seconds(10))) status |= 2;
    held.reset();
    _exit(status);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status) & 1, 0) << "the child took the key its parent holds";
  EXPECT_EQ(WEXITSTATUS(status) & 2, 0) << "the child could not lease a free key";
  std::unique_ptr<Store> other = open_store(url_);  // another open: as another process
  EXPECT_FALSE(other->try_lease(fn_, key(1), std::chrono::seconds(10)))
      << "the child's exit released the parent's lease";
  held.reset();
  EXPECT_TRUE(other->try_lease(fn_, key(1), std::chrono::seconds(10)));
}

}  // namespace
}  // namespace picocache

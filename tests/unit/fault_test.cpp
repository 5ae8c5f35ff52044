// Store faults through the whole runtime, in this process: a read-only database, a database file
// overwritten with junk or deleted mid-run, a lock held by another process past the busy
// timeout, a full disk, and a Redis server killed, paused (SIGSTOP) or stalled behind a proxy,
// a PostgreSQL or Memcached server paused or stalled (their own tests kill them mid-run).
// Whatever happens, each cached function returns its computed result, one warning is logged
// for the fault (not one per call), and no call blocks past the documented bound (kBound).
#include "reliability_functions.hpp"
#include "reliability_process.hpp"
#include "stalling_proxy.hpp"
#include "temp_dir.hpp"
#ifdef PICOCACHE_TEST_REDIS
#include "redis_server.hpp"
#endif
#ifdef PICOCACHE_TEST_POSTGRES
#include "postgres_server.hpp"
#endif
#ifdef PICOCACHE_TEST_MEMCACHED
#include "memcached_server.hpp"
#endif

#include <picocache/picocache.hpp>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <pwd.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace picocache {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// The README's bound on a cached call's wait on its store (1 s, store_timeouts.hpp), with
// 500 ms of slack for a loaded machine; each test prints the slowest call it saw.
constexpr auto kBound = 1500ms;
// What all the calls of an outage phase below (90 of them) may take together: a store that
// meets a stalled or paused server gives up on it for a backoff after the first timeout, rather
// than wait the timeout again in every call.
constexpr auto kOutagePhaseBound = 5s;

class FaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    unsetenv("PICOCACHE_URL");
    set_log_handler([this](std::string_view line) {
      std::lock_guard lock(mutex_);
      warnings_.emplace_back(line);
    });
  }
  void TearDown() override {
    set_log_handler({});
    std::printf("slowest call: %lld ms, warnings: %zu\n",
                static_cast<long long>(
                    std::chrono::duration_cast<std::chrono::milliseconds>(slowest_).count()),
                warnings().size());
    for (const std::string& line : warnings()) std::printf("  %s\n", line.c_str());
  }

  std::vector<std::string> warnings() {
    std::lock_guard lock(mutex_);
    return warnings_;
  }

  // Calls each function for first..last-1; every result must be right and every call fast.
  // Returns how long the calls took together.
  Clock::duration call_all(long first, long last) {
    const auto begin = Clock::now();
    for (long n = first; n < last; ++n) {
      for (int function = 0; function < 3; ++function) {
        const auto start = Clock::now();
        EXPECT_TRUE(reliability::call_and_check(function, n)) << function << " " << n;
        const auto took = Clock::now() - start;
        slowest_ = std::max(slowest_, took);
        EXPECT_LT(took, kBound) << "function " << function << " for " << n << " blocked";
      }
    }
    return Clock::now() - begin;
  }

  // The calls of an outage phase: each one fast, and all of them together (kOutagePhaseBound).
  void call_all_during_the_outage(long first, long last) {
    const Clock::duration took = call_all(first, last);
    std::printf("outage phase: %lld ms\n",
                static_cast<long long>(
                    std::chrono::duration_cast<std::chrono::milliseconds>(took).count()));
    EXPECT_LT(took, kOutagePhaseBound) << "the calls kept waiting on the server: no backoff";
  }

  // Caches through `url`, which goes through `proxy`, then stalls the proxy: the calls before
  // hit, the calls after compute, none blocks, one warning.
  void stall_behind(testing::StallingProxy& proxy, const std::string& url) {
    configure(url);
    const std::uint64_t hits_before = reliability::sixteen_fn.hits();
    call_all(0, 10);
    call_all(0, 10);
    EXPECT_TRUE(warnings().empty());
    EXPECT_GT(reliability::sixteen_fn.hits(), hits_before) << "the proxy did not forward";
    proxy.stall();
    call_all_during_the_outage(10, 40);
    expect_one_warning();
  }

  // Caches through `server`, then pauses it (SIGSTOP): the calls compute, none blocks, one
  // warning; once it resumes, caching resumes.
  template <class Server>
  void pause_mid_run(Server& server) {
    configure(server.url());
    call_all(0, 10);
    server.pause();
    call_all_during_the_outage(0, 40);
    server.resume();
    expect_caching_resumes();
    expect_one_warning();
  }

  // After an outage: within 8 s (the longest backoff, 5 s, and a margin) a call hits again.
  void expect_caching_resumes() {
    const auto deadline = Clock::now() + 8s;
    while (Clock::now() < deadline) {
      const std::uint64_t hits = reliability::sixteen_fn.hits();
      EXPECT_TRUE(reliability::call_and_check(1, 3));
      if (reliability::sixteen_fn.hits() > hits) return;
      std::this_thread::sleep_for(20ms);
    }
    ADD_FAILURE() << "caching did not resume after the outage";
  }

  void expect_one_warning() {
    const std::vector<std::string> logged = warnings();
    EXPECT_EQ(logged.size(), 1u) << "one warning for the fault, not one per call";
    for (const std::string& line : logged) EXPECT_NE(line.find("picocache:"), std::string::npos);
  }

  std::mutex mutex_;
  std::vector<std::string> warnings_;
  Clock::duration slowest_{};
};

std::string sqlite_url(const std::string& path) { return "sqlite:///" + path.substr(1); }

// Fills `path` with entries for 0..19 from another process.
void fill(const std::string& path) {
  const testing::Finished filled = testing::run_client(sqlite_url(path), {"verify", "20"});
  ASSERT_EQ(filled.status, 0) << filled.output;
}

// While alive, this process's effective user is `nobody` (when it runs as root, which file modes
// do not stop), so a file mode of 0444 does what it says.
class AsNobody {
 public:
  AsNobody() {
    if (geteuid() != 0) return;
    const passwd* nobody = getpwnam("nobody");
    uid_ = nobody ? nobody->pw_uid : 65534;
    gid_ = nobody ? nobody->pw_gid : 65534;
    active_ = setegid(gid_) == 0 && seteuid(uid_) == 0;
  }
  ~AsNobody() {
    if (active_) {
      [[maybe_unused]] const int restored = seteuid(0) + setegid(0);
    }
  }
  AsNobody(const AsNobody&) = delete;
  AsNobody& operator=(const AsNobody&) = delete;
  bool ok() const { return active_ || geteuid() != 0; }

 private:
  uid_t uid_ = 0;
  gid_t gid_ = 0;
  bool active_ = false;
};

TEST_F(FaultTest, ReadOnlyDatabase) {
  testing::TempDir dir;
  const std::string path = dir.file("ro.db");
  fill(path);
  ASSERT_EQ(chmod(path.c_str(), 0444), 0);
  ASSERT_EQ(chmod(dir.path().c_str(), 0555), 0);  // no -wal or -shm can be made either
  {
    AsNobody nobody;
    ASSERT_TRUE(nobody.ok()) << "cannot switch to the user nobody";
    configure(sqlite_url(path));
    call_all(0, 40);  // hits for what is there, misses that cannot be stored
    cache_clear(&reliability::sixteen);
  }
  chmod(dir.path().c_str(), 0755);
  expect_one_warning();
}

// Overwrites `path` in place with bytes that are no SQLite database.
void overwrite_with_junk(const std::string& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  for (int i = 0; i < 4096; ++i) out.put(static_cast<char>(i * 7 + 3));
}

TEST_F(FaultTest, NotADatabaseFromTheStart) {
  testing::TempDir dir;
  const std::string path = dir.file("junk.db");
  overwrite_with_junk(path);
  configure(sqlite_url(path));
  call_all(0, 40);
  expect_one_warning();
}

TEST_F(FaultTest, DatabaseOverwrittenWithJunkMidRun) {
  testing::TempDir dir;
  const std::string path = dir.file("replaced.db");
  configure(sqlite_url(path));
  call_all(0, 20);
  EXPECT_TRUE(warnings().empty());
  overwrite_with_junk(path);
  std::filesystem::remove(path + "-wal");
  std::filesystem::remove(path + "-shm");
  call_all(0, 40);
  cache_clear(&reliability::two);
  call_all(0, 10);
  EXPECT_LE(warnings().size(), 1u) << "at most one warning for the fault";
}

TEST_F(FaultTest, DatabaseDeletedMidRun) {
  testing::TempDir dir;
  const std::string path = dir.file("deleted.db");
  configure(sqlite_url(path));
  call_all(0, 20);
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  call_all(0, 40);
  cache_clear(&reliability::unbounded);
  call_all(0, 10);
  EXPECT_LE(warnings().size(), 1u) << "at most one warning for the fault";
}

TEST_F(FaultTest, ExclusiveLockHeldPastTheBusyTimeout) {
  testing::TempDir dir;
  const std::string path = dir.file("locked.db");
  configure(sqlite_url(path));
  call_all(0, 5);
  // Another process takes the write lock and holds it for longer than a call may wait.
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  const pid_t holder = fork();
  if (holder == 0) {
    sqlite3* db = nullptr;
    if (sqlite3_open(path.c_str(), &db) != SQLITE_OK ||
        sqlite3_exec(db, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr) != SQLITE_OK) {
      _exit(1);
    }
    [[maybe_unused]] const ssize_t written = write(ready[1], "x", 1);
    std::this_thread::sleep_for(5s);
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    _exit(0);
  }
  close(ready[1]);
  char byte = 0;
  ASSERT_EQ(read(ready[0], &byte, 1), 1) << "the lock holder could not lock";
  close(ready[0]);
  call_all(5, 25);  // misses: each wants to write
  kill(holder, SIGKILL);
  waitpid(holder, nullptr, 0);
  expect_one_warning();
}

TEST_F(FaultTest, FullDisk) {
  testing::TempDir dir;
  const std::string path = dir.file("full.db");
  configure(sqlite_url(path));
  call_all(0, 5);
  // Writes past 64 KiB fail with EFBIG instead of killing the process with SIGXFSZ.
  signal(SIGXFSZ, SIG_IGN);
  rlimit before{};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &before), 0);
  rlimit limited = before;
  limited.rlim_cur = 64 * 1024;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &limited), 0);
  call_all(5, 1000);
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &before), 0);
  signal(SIGXFSZ, SIG_DFL);
  expect_one_warning();
}

#ifdef PICOCACHE_TEST_REDIS

TEST_F(FaultTest, RedisKilled) {
  PICOCACHE_REQUIRE_REDIS_SERVER();
  testing::RedisServer server;
  configure(server.url());
  call_all(0, 10);
  server.kill();
  call_all(0, 40);
  expect_one_warning();
}

TEST_F(FaultTest, RedisPaused) {
  PICOCACHE_REQUIRE_REDIS_SERVER();
  testing::RedisServer server;
  pause_mid_run(server);
}

TEST_F(FaultTest, RedisStalledByAProxy) {
  PICOCACHE_REQUIRE_REDIS_SERVER();
  testing::RedisServer server;
  testing::StallingProxy proxy(server.port());
  stall_behind(proxy, "redis://127.0.0.1:" + std::to_string(proxy.port()) + "/0");
}

#endif  // PICOCACHE_TEST_REDIS

#ifdef PICOCACHE_TEST_POSTGRES

// The postmaster and every backend stopped: connections stay open, queries get no answer.
TEST_F(FaultTest, PostgresPaused) {
  PICOCACHE_REQUIRE_POSTGRES_SERVER();
  testing::PostgresServer server;
  pause_mid_run(server);
}

TEST_F(FaultTest, PostgresStalledByAProxy) {
  PICOCACHE_REQUIRE_POSTGRES_SERVER();
  testing::PostgresServer server;
  testing::StallingProxy proxy(server.port());
  stall_behind(proxy,
               "postgresql://picocache@127.0.0.1:" + std::to_string(proxy.port()) + "/postgres");
}

#endif  // PICOCACHE_TEST_POSTGRES

#ifdef PICOCACHE_TEST_MEMCACHED

TEST_F(FaultTest, MemcachedPaused) {
  PICOCACHE_REQUIRE_MEMCACHED_SERVER();
  testing::MemcachedServer server;
  pause_mid_run(server);
}

TEST_F(FaultTest, MemcachedStalledByAProxy) {
  PICOCACHE_REQUIRE_MEMCACHED_SERVER();
  testing::MemcachedServer server;
  testing::StallingProxy proxy(server.port());
  stall_behind(proxy, "memcached://127.0.0.1:" + std::to_string(proxy.port()));
}

#endif  // PICOCACHE_TEST_MEMCACHED

}  // namespace
}  // namespace picocache

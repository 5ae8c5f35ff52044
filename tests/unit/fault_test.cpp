// Store faults through the whole runtime, in this process: a read-only database, a database file
// overwritten with junk or deleted mid-run, a lock held by another process past the busy
// timeout, a full disk, and a Redis server killed, paused (SIGSTOP) or stalled behind a proxy.
// Whatever happens, each cached function returns its computed result, one warning is logged
// for the fault (not one per call), and no call blocks past the documented bound (kBound).
#include "reliability_functions.hpp"
#include "reliability_process.hpp"
#include "temp_dir.hpp"
#ifdef PICOCACHE_TEST_REDIS
#include "redis_server.hpp"
#endif

#include <picocache/picocache.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/socket.h>
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
  void call_all(long first, long last) {
    for (long n = first; n < last; ++n) {
      for (int function = 0; function < 3; ++function) {
        const auto start = Clock::now();
        EXPECT_TRUE(reliability::call_and_check(function, n)) << function << " " << n;
        const auto took = Clock::now() - start;
        slowest_ = std::max(slowest_, took);
        EXPECT_LT(took, kBound) << "function " << function << " for " << n << " blocked";
      }
    }
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
  configure(server.url());
  call_all(0, 10);
  server.pause();
  call_all(0, 40);
  server.resume();
  expect_one_warning();
}

// A TCP proxy on a loopback port in front of a server; stall() stops it forwarding anything
// (connections stay open, bytes wait), as a hung network path would.
class StallingProxy {
 public:
  explicit StallingProxy(int target_port) : target_port_(target_port) {
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (bind(listener_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        listen(listener_, 16) != 0 ||
        getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      throw std::runtime_error("proxy: cannot listen");
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~StallingProxy() {
    done_ = true;
    thread_.join();
    for (const auto& [client, server] : pairs_) {
      close(client);
      close(server);
    }
    close(listener_);
  }
  StallingProxy(const StallingProxy&) = delete;
  StallingProxy& operator=(const StallingProxy&) = delete;

  int port() const { return port_; }
  void stall() { stalled_ = true; }

 private:
  void run() {
    while (!done_) {
      std::vector<pollfd> fds{{listener_, POLLIN, 0}};
      if (!stalled_) {
        for (const auto& [client, server] : pairs_) {
          fds.push_back({client, POLLIN, 0});
          fds.push_back({server, POLLIN, 0});
        }
      }
      if (poll(fds.data(), fds.size(), 20) <= 0) continue;
      if (fds[0].revents & POLLIN) accept_one();
      for (std::size_t i = 1; i < fds.size(); ++i) {
        if (!(fds[i].revents & (POLLIN | POLLHUP))) continue;
        const auto& [client, server] = pairs_[(i - 1) / 2];
        const int from = fds[i].fd;
        char buffer[4096];
        const ssize_t n = read(from, buffer, sizeof buffer);
        if (n > 0) {
          [[maybe_unused]] const ssize_t sent =
              write(from == client ? server : client, buffer, static_cast<std::size_t>(n));
        }
      }
    }
  }
  void accept_one() {
    const int client = accept(listener_, nullptr, nullptr);
    if (client < 0) return;
    const int server = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<std::uint16_t>(target_port_));
    if (connect(server, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      close(client);
      close(server);
      return;
    }
    pairs_.emplace_back(client, server);
  }

  int target_port_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> done_{false};
  std::atomic<bool> stalled_{false};
  std::vector<std::pair<int, int>> pairs_;  // only the proxy's thread touches it
  std::thread thread_;
};

TEST_F(FaultTest, RedisStalledByAProxy) {
  PICOCACHE_REQUIRE_REDIS_SERVER();
  testing::RedisServer server;
  StallingProxy proxy(server.port());
  configure("redis://127.0.0.1:" + std::to_string(proxy.port()) + "/0");
  call_all(0, 10);
  call_all(0, 10);
  EXPECT_TRUE(warnings().empty());
  EXPECT_GT(reliability::sixteen_fn.hits(), 0u) << "the proxy did not forward";
  proxy.stall();
  call_all(10, 40);
  expect_one_warning();
}

#endif  // PICOCACHE_TEST_REDIS

}  // namespace
}  // namespace picocache

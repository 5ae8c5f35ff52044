// Single-flight across processes, on SQLite and on Redis: single_flight_client processes call
// slow cached functions at once against one store; the log file that every body appends to
// counts the bodies that ran, in all processes together. Time bounds are generous: they tell
// "waited for a lease" from "did not", never measure speed.
#include "client_process.hpp"
#include "stores/store.hpp"
#include "stores/store_registry.hpp"
#include "temp_dir.hpp"

#include <picocache/picocache.hpp>
#ifdef PICOCACHE_TEST_REDIS
#include "redis_server.hpp"

#include <hiredis/hiredis.h>
#endif

#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace picocache {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;
using testing::ClientRun;
using testing::read_all;
using testing::spawn;
using testing::TempDir;
using testing::wait_for;

// What one single_flight_client printed.
struct Counts {
  int right = -1, threw = -1, hits = -1, misses = -1, waited = -1, warnings = -1;
};

Counts parse(const std::string& output) {
  Counts c;
  std::sscanf(output.c_str(), "right=%d threw=%d hits=%d misses=%d waited=%d warnings=%d", &c.right,
              &c.threw, &c.hits, &c.misses, &c.waited, &c.warnings);
  return c;
}

// A client started in the background.
class Client {
 public:
  Client(const std::string& url, const std::vector<std::string>& args) {
    std::array<int, 2> out{}, err{};
    if (pipe(out.data()) != 0 || pipe(err.data()) != 0) throw std::runtime_error("pipe");
    pid_ = spawn(url, args, out[1], err[1]);
    close(out[1]);
    close(err[1]);
    out_ = out[0];
    err_ = err[0];
  }
  ~Client() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      finish();
    }
  }
  pid_t pid() const { return pid_; }
  // Waits for the client to exit.
  ClientRun finish() {
    ClientRun run;
    run.output = read_all(out_);
    run.warnings = read_all(err_);
    run.status = wait_for(pid_);
    pid_ = -1;
    return run;
  }
  void sigkill() {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    close(out_);
    close(err_);
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1, err_ = -1;
};

class SingleFlightProcesses : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "redis") {
#ifdef PICOCACHE_TEST_REDIS
      PICOCACHE_REQUIRE_REDIS_SERVER();
      server_ = std::make_unique<testing::RedisServer>();
      url_ = server_->url();
#else
      GTEST_SKIP() << "built without Redis";
#endif
    } else {
      db_ = dir_.file("cache.db");
      url_ = "sqlite:" + db_;
    }
    log_ = dir_.file("runs.log");
    setenv("PICOCACHE_TEST_LOG", log_.c_str(), 1);
    // A loaded test machine must not turn a slow reply into a store failure (a waiter would run
    // the body itself, by design).
    setenv("PICOCACHE_STORE_TIMEOUT", "5s", 1);
    if (GetParam() != "redis") {
      // Six processes creating one SQLite file at once can fail to switch it to WAL ("database
      // is locked", a store matter apart from single-flight): create it first.
      set_sleep(0ms);
      const ClientRun created = testing::run_client(url_, {"unflighted", "0", "1"});
      ASSERT_EQ(created.status, 0) << created.warnings;
      std::filesystem::remove(log_);
    }
    set_sleep(1000ms);
  }
  void TearDown() override {
    unsetenv("PICOCACHE_TEST_LOG");
    unsetenv("PICOCACHE_TEST_SLEEP_MS");
    unsetenv("PICOCACHE_TEST_BIG");
    unsetenv("PICOCACHE_STORE_TIMEOUT");
  }
  // How long the bodies of clients started from now on sleep.
  static void set_sleep(std::chrono::milliseconds sleep) {
    setenv("PICOCACHE_TEST_SLEEP_MS", std::to_string(sleep.count()).c_str(), 1);
  }
  // Bodies that ran so far, in every process.
  std::size_t runs() const {
    std::ifstream in(log_);
    std::size_t lines = 0;
    for (std::string line; std::getline(in, line);) ++lines;
    return lines;
  }
  // Waits until `count` bodies started (at most 10 s).
  bool wait_for_runs(std::size_t count) const {
    const auto deadline = Clock::now() + 10s;
    while (runs() < count) {
      if (Clock::now() > deadline) return false;
      std::this_thread::sleep_for(5ms);
    }
    return true;
  }

  TempDir dir_;
  std::string db_, url_, log_;
#ifdef PICOCACHE_TEST_REDIS
  std::unique_ptr<testing::RedisServer> server_;
#endif
};

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

TEST_P(SingleFlightProcesses, SixProcessesOfFourThreadsWithOneArgumentRunTheBodyOnce) {
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 6; ++i) {
    clients.push_back(std::make_unique<Client>(url_, std::vector<std::string>{"slow", "7", "4"}));
  }
  int right = 0, hits = 0, misses = 0, waited = 0;
  for (auto& client : clients) {
    const ClientRun run = client->finish();
    EXPECT_EQ(run.status, 0) << run.output << run.warnings;
    EXPECT_EQ(run.warnings, "");
    const Counts counts = parse(run.output);
    right += counts.right;
    hits += counts.hits;
    misses += counts.misses;
    waited += counts.waited;
  }
  EXPECT_EQ(runs(), 1u) << "the body ran in more than one caller";
  EXPECT_EQ(right, 24) << "not every caller got the result";
  EXPECT_EQ(misses, 1);
  EXPECT_EQ(hits, 23);
  EXPECT_GE(waited, 18) << "at most the 5 other processes' first lookups may hit outright";
}

TEST_P(SingleFlightProcesses, DifferentArgumentsRunInParallel) {
  const auto start = Clock::now();
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 6; ++i) {
    clients.push_back(
        std::make_unique<Client>(url_, std::vector<std::string>{"slow", std::to_string(i), "4"}));
  }
  for (auto& client : clients) {
    const ClientRun run = client->finish();
    EXPECT_EQ(run.status, 0) << run.output << run.warnings;
    EXPECT_EQ(parse(run.output).right, 4);
  }
  EXPECT_EQ(runs(), 6u) << "one body per argument";
  EXPECT_LT(seconds_since(start), 4.0) << "distinct keys waited on each other";
}

TEST_P(SingleFlightProcesses, AWaiterTakesOverFromASigkilledHolder) {
  set_sleep(30s);
  Client holder(url_, {"slow", "9", "1"});
  ASSERT_TRUE(wait_for_runs(1));
  set_sleep(100ms);
  Client waiter(url_, {"slow", "9", "1"});
  std::this_thread::sleep_for(300ms);  // the waiter polls the holder's lease
  EXPECT_EQ(runs(), 1u);
  const auto killed = Clock::now();
  holder.sigkill();
  const ClientRun run = waiter.finish();
  const double takeover = seconds_since(killed);
  EXPECT_EQ(run.status, 0) << run.output << run.warnings;
  EXPECT_EQ(runs(), 2u) << "the waiter did not run the body itself";
  // SQLite: the kernel drops the dead holder's file lock at once. Redis: the lease expires
  // within kLeaseDuration (5 s) of its last renewal.
  EXPECT_LT(takeover, GetParam() == "redis" ? 7.0 : 1.5);
}

TEST_P(SingleFlightProcesses, AThrowingBodyReleasesWaitersAtOnceAndStoresNothing) {
  Client thrower(url_, {"slow", "3", "4", "throw"});
  ASSERT_TRUE(wait_for_runs(1));
  set_sleep(100ms);
  const auto start = Clock::now();
  Client waiter(url_, {"slow", "3", "2"});
  // The leader throws at most 1 s from now; the waiter then takes the lease and runs its 100 ms
  // body.
  const ClientRun run = waiter.finish();
  EXPECT_LT(seconds_since(start), 2.0) << "the waiter was not released when the body threw";
  EXPECT_EQ(run.status, 0) << run.output << run.warnings;
  const Counts counts = parse(run.output);
  EXPECT_EQ(counts.right, 2);
  EXPECT_EQ(counts.misses, 1) << "the thrower stored something, or both waiters ran the body";
  const ClientRun thrown = thrower.finish();
  EXPECT_EQ(thrown.status, 0) << thrown.output;
  // The leader threw; its 3 waiters were released and ran the body themselves (and threw).
  EXPECT_EQ(parse(thrown.output).threw, 4) << thrown.output;
  EXPECT_EQ(runs(), 4u + 1u);
}

TEST_P(SingleFlightProcesses, AWaiterRunsTheBodyAfterLockTimeout) {
  set_sleep(5s);
  Client holder(url_, {"timed", "5", "1"});
  ASSERT_TRUE(wait_for_runs(1));
  set_sleep(100ms);
  const auto start = Clock::now();
  Client waiter(url_, {"timed", "5", "1"});  // lock_timeout 300 ms
  const ClientRun run = waiter.finish();
  EXPECT_EQ(run.status, 0) << run.output << run.warnings;
  EXPECT_EQ(parse(run.output).misses, 1);
  EXPECT_LT(seconds_since(start), 2.5) << "the waiter waited past its lock_timeout";
  EXPECT_EQ(runs(), 2u);
}

TEST_P(SingleFlightProcesses, AStoreFailureDuringTheWaitRunsTheBodyWithOneWarning) {
  set_sleep(4s);
  Client holder(url_, {"slow", "4", "1"});
  ASSERT_TRUE(wait_for_runs(1));
  set_sleep(100ms);
  Client waiter(url_, {"slow", "4", "2"});
  std::this_thread::sleep_for(300ms);
  const auto broken = Clock::now();
  if (GetParam() == "redis") {
#ifdef PICOCACHE_TEST_REDIS
    server_->kill();
#endif
  } else {
    // The lease file becomes a directory: the waiters' next try_lease cannot open it.
    std::filesystem::rename(db_ + "-lease", db_ + "-lease.old");
    std::filesystem::create_directory(db_ + "-lease");
  }
  const ClientRun run = waiter.finish();
  EXPECT_EQ(run.status, 0) << run.output << run.warnings;
  const Counts counts = parse(run.output);
  EXPECT_EQ(counts.right, 2);
  EXPECT_EQ(counts.warnings, 1) << run.warnings;
  EXPECT_LT(seconds_since(broken), 2.5) << "the waiters kept waiting on a failed store";
  holder.sigkill();
}

TEST_P(SingleFlightProcesses, NestedCallsThatWaitOnEachOtherAreBoundedByLockTimeout) {
  // cycle_f(1)'s body calls cycle_g(1) in one process and cycle_g(1)'s calls cycle_f(1) in the
  // other: each holds the lease the other waits for. Both wait lock_timeout (1 s), then run the
  // other's body themselves; without the bound they would wait 10 minutes.
  set_sleep(500ms);
  const auto start = Clock::now();
  Client f(url_, {"cycle_f", "1", "1"});
  Client g(url_, {"cycle_g", "1", "1"});
  const ClientRun f_run = f.finish();
  const ClientRun g_run = g.finish();
  EXPECT_EQ(f_run.status, 0) << f_run.output << f_run.warnings;
  EXPECT_EQ(g_run.status, 0) << g_run.output << g_run.warnings;
  EXPECT_LT(seconds_since(start), 5.0);
}

TEST_P(SingleFlightProcesses, NestedCallsWithoutACycleNeverWait) {
  // Two processes call cycle_f(2) (whose body calls cycle_g(2)): one computes both, the other
  // waits for cycle_f(2) only (400 ms in all, within their lock_timeout of 1 s).
  set_sleep(200ms);
  const auto start = Clock::now();
  Client first(url_, {"cycle_f", "2", "2"});
  Client second(url_, {"cycle_f", "2", "2"});
  EXPECT_EQ(first.finish().status, 0);
  EXPECT_EQ(second.finish().status, 0);
  EXPECT_EQ(runs(), 2u) << "cycle_f and cycle_g once each:\n" << std::ifstream(log_).rdbuf();
  EXPECT_LT(seconds_since(start), 1.5);
}

TEST_P(SingleFlightProcesses, SingleFlightFalseRunsEveryMiss) {
  set_sleep(300ms);
  Client first(url_, {"unflighted", "1", "3"});
  Client second(url_, {"unflighted", "1", "3"});
  EXPECT_EQ(first.finish().status, 0);
  EXPECT_EQ(second.finish().status, 0);
  EXPECT_EQ(runs(), 6u);
}

INSTANTIATE_TEST_SUITE_P(Stores, SingleFlightProcesses, ::testing::Values("sqlite", "redis"),
                         [](const auto& info) { return info.param; });

// The leader's result cannot be stored: the waiters in its process get it directly; elsewhere
// the lease is released without a value and one waiter (not each) takes it and runs the body.
// SQLite: the test holds the database's write lock while the leader stores.
TEST(SingleFlightUnstored, SqliteLeadersWaitersGetItsResultAndOneOtherRunsTheBody) {
  TempDir dir;
  const std::string db = dir.file("cache.db");
  const std::string log = dir.file("runs.log");
  setenv("PICOCACHE_TEST_LOG", log.c_str(), 1);
  setenv("PICOCACHE_TEST_SLEEP_MS", "1000", 1);
  setenv("PICOCACHE_STORE_TIMEOUT", "5s", 1);  // see SingleFlightProcesses::SetUp
  const auto runs = [&] {
    std::ifstream in(log);
    std::size_t lines = 0;
    for (std::string line; std::getline(in, line);) ++lines;
    return lines;
  };
  Client leader("sqlite:" + db, {"slow", "6", "4"});
  while (runs() < 1) std::this_thread::sleep_for(5ms);
  std::vector<std::unique_ptr<Client>> others;
  for (int i = 0; i < 3; ++i) {
    others.push_back(
        std::make_unique<Client>("sqlite:" + db, std::vector<std::string>{"slow", "6", "2"}));
  }
  sqlite3* blocker = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &blocker), SQLITE_OK);
  sqlite3_busy_timeout(blocker, 5000);
  ASSERT_EQ(sqlite3_exec(blocker, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  const ClientRun led = leader.finish();  // its put fails: the file is locked
  ASSERT_EQ(sqlite3_exec(blocker, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(blocker);
  EXPECT_EQ(led.status, 0) << led.output << led.warnings;
  const Counts leader_counts = parse(led.output);
  EXPECT_EQ(leader_counts.right, 4);
  EXPECT_EQ(leader_counts.waited, 3) << "the leader's own waiters did not get its result";
  EXPECT_EQ(leader_counts.warnings, 1) << led.warnings;
  for (auto& other : others) {
    const ClientRun run = other->finish();
    EXPECT_EQ(run.status, 0) << run.output << run.warnings;
    EXPECT_EQ(parse(run.output).right, 2);
  }
  EXPECT_EQ(runs(), 2u) << "the leader and exactly one other process";
  unsetenv("PICOCACHE_TEST_LOG");
  unsetenv("PICOCACHE_TEST_SLEEP_MS");
  unsetenv("PICOCACHE_STORE_TIMEOUT");
}

#ifdef PICOCACHE_TEST_REDIS
long local_square(long n);
CachedFunction local_square_fn{address_of(&local_square), "sf::local_square", "long (long)", 10,
                               false};
long local_square(long n) {
  return memoize<long>(
      local_square_fn, [&](Encoder& e) { e.write(n); }, [&]() -> long { return n * n; });
}

// A miss whose lookup failed takes no lease: during an outage a call costs its lookup and its
// store, as without single-flight, not a third failing round trip (or timeout) as well.
TEST(SingleFlightOutage, AMissDuringAnOutageTriesNoLease) {
  PICOCACHE_REQUIRE_REDIS_SERVER();
  testing::RedisServer server;
  configure(server.url());
  set_log_handler([](std::string_view) {});
  EXPECT_EQ(local_square(3), 9);  // connected: the store works
  server.kill();
  const StoreCounters before = store_counters();
  EXPECT_EQ(local_square(4), 16);
  const StoreCounters after = store_counters();
  EXPECT_EQ(after.errors + after.timeouts - before.errors - before.timeouts, 2u)
      << "the lookup and the store fail; a lease was tried as well";
  set_log_handler({});
}

// Redis: the server refuses a value over proto-max-bulk-len (1 MB here), and the leader's result
// is 2 MiB (only the leader process is run with PICOCACHE_TEST_BIG). The server also closes that
// connection, so the store backs off and the leader's release fails too: the others take over
// when its lease expires (kLeaseDuration), not at once.
TEST(SingleFlightUnstored, RedisLeadersWaitersGetItsResultAndOneOtherRunsTheBody) {
  PICOCACHE_REQUIRE_REDIS_SERVER();
  testing::RedisServer server;
  {
    redisContext* context = redisConnect("127.0.0.1", server.port());
    ASSERT_TRUE(context && !context->err);
    auto* reply =
        static_cast<redisReply*>(redisCommand(context, "CONFIG SET proto-max-bulk-len 1mb"));
    ASSERT_TRUE(reply && reply->type == REDIS_REPLY_STATUS);
    freeReplyObject(reply);
    redisFree(context);
  }
  TempDir dir;
  const std::string log = dir.file("runs.log");
  setenv("PICOCACHE_TEST_LOG", log.c_str(), 1);
  setenv("PICOCACHE_TEST_SLEEP_MS", "1000", 1);
  setenv("PICOCACHE_STORE_TIMEOUT", "5s", 1);  // see SingleFlightProcesses::SetUp
  const auto runs = [&] {
    std::ifstream in(log);
    std::size_t lines = 0;
    for (std::string line; std::getline(in, line);) ++lines;
    return lines;
  };
  setenv("PICOCACHE_TEST_BIG", "1", 1);
  Client leader(server.url(), {"big", "6", "4"});
  unsetenv("PICOCACHE_TEST_BIG");
  while (runs() < 1) std::this_thread::sleep_for(5ms);
  std::vector<std::unique_ptr<Client>> others;
  for (int i = 0; i < 3; ++i) {
    others.push_back(
        std::make_unique<Client>(server.url(), std::vector<std::string>{"big", "6", "2"}));
  }
  const ClientRun led = leader.finish();
  EXPECT_EQ(led.status, 0) << led.output << led.warnings;
  const Counts leader_counts = parse(led.output);
  EXPECT_EQ(leader_counts.right, 4);
  EXPECT_EQ(leader_counts.waited, 3) << "the leader's own waiters did not get its result";
  EXPECT_EQ(leader_counts.warnings, 1) << led.warnings;
  for (auto& other : others) {
    const ClientRun run = other->finish();
    EXPECT_EQ(run.status, 0) << run.output << run.warnings;
    EXPECT_EQ(parse(run.output).right, 2);
  }
  EXPECT_EQ(runs(), 2u) << "the leader and exactly one other process";
  unsetenv("PICOCACHE_TEST_LOG");
  unsetenv("PICOCACHE_TEST_SLEEP_MS");
  unsetenv("PICOCACHE_STORE_TIMEOUT");
}
#endif

}  // namespace
}  // namespace picocache

// The PostgreSQL store's own tests, against a private PostgreSQL 15 (postgres_server.hpp): the
// URL (libpq's own URI, PicoCache's parameters taken out, passwords never shown), the tables and
// their schema, exact sizes under concurrent writer processes, leases across processes, the
// pool bound, outages through memoize (one warning, computed results, caching resumes), and
// processes sharing the store through PICOCACHE_URL (cache_client).
#include "client_process.hpp"
#include "outage_capture.hpp"
#include "postgres_server.hpp"
#include "store_calls.hpp"
#include "stores/postgres_connection.hpp"
#include "stores/store.hpp"
#include "stores/store_registry.hpp"
#include "stores/store_url.hpp"

#include <picocache/picocache.hpp>

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace picocache {
namespace {

using namespace std::chrono_literals;
using testing::PostgresServer;

// The first column of the first row of `sql`, run on the server directly.
std::string query_value(const PostgresServer& server, const std::string& sql) {
  PGconn* conn = PQconnectdb(server.url().c_str());
  std::string value;
  PGresult* result = PQexec(conn, sql.c_str());
  if (PQresultStatus(result) == PGRES_TUPLES_OK && PQntuples(result) > 0) {
    value = PQgetvalue(result, 0, 0);
  } else {
    value = "error: " + std::string(PQerrorMessage(conn));
  }
  PQclear(result);
  PQfinish(conn);
  return value;
}

Key128 key(std::uint64_t n) { return hash_key(std::to_string(n)); }

TEST(PostgresUrl, PicocacheParametersAreTakenOutAndTheRestGoesToLibpq) {
  const postgres::PostgresUrl url = postgres::parse_postgres_url(
      "postgresql://u@db.example:5433/app?sslmode=disable&picocache_schema=cache&"
      "picocache_pool=2&connect_timeout=3");
  EXPECT_EQ(url.libpq_uri, "postgresql://u@db.example:5433/app?sslmode=disable&connect_timeout=3");
  EXPECT_EQ(url.schema, "cache");
  EXPECT_EQ(url.pool_size, 2u);
  EXPECT_EQ(postgres::parse_postgres_url("postgres:///app?host=/run/postgresql").libpq_uri,
            "postgres:///app?host=/run/postgresql");
  EXPECT_EQ(postgres::parse_postgres_url("postgresql://").pool_size, postgres::kDefaultPoolSize);
}

TEST(PostgresUrl, BadParametersAreRefusedWithoutShowingThePassword) {
  for (const char* bad : {"postgresql://u:hunter2@h/db?picocache_pool=0",
                          "postgresql://u:hunter2@h/db?picocache_pool=many",
                          "postgresql://u:hunter2@h/db?picocache_colour=red",
                          "postgresql://u:hunter2@h/db?no_such_libpq_option=1",
                          "postgresql://h/db?password=hunter2&no_such_libpq_option=1"}) {
    try {
      check_store_url(bad);
      ADD_FAILURE() << bad << " was accepted";
    } catch (const Error& error) {
      EXPECT_EQ(std::string(error.what()).find("hunter2"), std::string::npos) << error.what();
      EXPECT_NE(std::string(error.what()).find("***"), std::string::npos) << error.what();
    }
  }
}

TEST(PostgresUrl, RedactionHidesAuthorityAndQueryPasswords) {
  // As for every store (#12.7): everything between "://" and the last '@' goes.
  EXPECT_EQ(redact_store_url("postgresql://u:pw@h:5432/db"), "postgresql://***@h:5432/db");
  EXPECT_EQ(redact_store_url("postgresql://h/db?sslmode=require&password=pw&user=u"),
            "postgresql://h/db?sslmode=require&password=***&user=u");
  EXPECT_EQ(redact_store_url("postgres://u:pw@h/db?password=pw"),
            "postgres://***@h/db?password=***");
  EXPECT_EQ(redact_store_url("postgresql://user@h/db"), "postgresql://user@h/db");  // no secret
}

class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    PICOCACHE_REQUIRE_POSTGRES_SERVER();
    if (!server_) server_ = new PostgresServer();
  }
  static PostgresServer* server_;  // one cluster for the suite: initdb costs a second
};
PostgresServer* PostgresStoreTest::server_ = nullptr;

TEST_F(PostgresStoreTest, TablesLiveInTheSchemaTheUrlNames) {
  const FunctionRef fn{"0123456789abcdef0123456789abcdef", "f int (int)"};
  put_value(*open_store(server_->url("?picocache_schema=elsewhere")), fn, key(1), "v", 10);
  EXPECT_EQ(query_value(*server_, "SELECT count(*) FROM elsewhere.picocache_entries"), "1");
  EXPECT_EQ(query_value(*server_, "SELECT size FROM elsewhere.picocache_functions"), "1");
  // The default schema (public) has no entry of it.
  EXPECT_EQ(query_value(*server_,
                        "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' "
                        "AND tablename = 'picocache_entries'"),
            "0");
}

TEST_F(PostgresStoreTest, ConcurrentWriterProcessesKeepTheSizeExact) {
  const FunctionRef fn{"fedcba9876543210fedcba9876543210", "g int (int)"};
  const std::string url = server_->url();
  open_store(url)->clear(fn);
  std::vector<pid_t> children;
  for (int p = 0; p < 4; ++p) {
    const pid_t child = fork();
    if (child == 0) {
      int failures = 0;
      std::unique_ptr<Store> store = open_store(url);
      for (std::uint64_t i = 0; i < 150; ++i) {
        try {
          put_value(*store, fn, key((i * 7 + static_cast<std::uint64_t>(p) * 13) % 60), "v", 20);
        } catch (const StoreError&) {
          ++failures;
        }
      }
      _exit(failures == 0 ? 0 : 1);
    }
    children.push_back(child);
  }
  for (const pid_t child : children) EXPECT_EQ(testing::wait_for(child), 0) << "a put failed";
  EXPECT_EQ(open_store(url)->size(fn), 20u);
  EXPECT_EQ(query_value(*server_, "SELECT count(*) FROM picocache_entries WHERE fid = '" +
                                      std::string(fn.id) + "'"),
            "20");
}

// picocache_pool=N bounds this process's connections, however many threads call at once.
TEST_F(PostgresStoreTest, ThePoolNeverOpensMoreConnectionsThanPicocachePool) {
  const FunctionRef fn{"0000000000000000000000000000p001", "p int (int)"};
  std::unique_ptr<Store> store =
      open_store(server_->url("?picocache_pool=2&application_name=pooltest"));
  put_value(*store, fn, key(1), "v", 10);
  std::atomic<int> wrong{0};
  std::atomic<int> most{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 40; ++i) {
        if (value_at(*store, fn, key(1)) != "v") ++wrong;
      }
    });
  }
  std::thread watcher([&] {
    for (int i = 0; i < 10; ++i) {
      const int now = std::stoi(query_value(
          *server_, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pooltest'"));
      most = std::max(most.load(), now);
    }
  });
  for (std::thread& thread : threads) thread.join();
  watcher.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_LE(most.load(), 2);
  EXPECT_EQ(
      query_value(*server_,
                  "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pooltest'"),
      "2");  // both kept open for reuse
}

// A child forked from a process that uses the store opens its own connection and never closes
// the parent's (PQfinish would end the parent's session on the shared socket).
TEST_F(PostgresStoreTest, AForkedChildLeavesTheParentsConnectionAlone) {
  const FunctionRef fn{"0000000000000000000000000000f001", "k int (int)"};
  std::unique_ptr<Store> store = open_store(server_->url("?application_name=forktest"));
  put_value(*store, fn, key(1), "parent", 10);
  const std::string count_sql =
      "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'forktest'";
  ASSERT_EQ(query_value(*server_, count_sql), "1");
  const pid_t child = fork();
  if (child == 0) {
    const bool ok = value_at(*store, fn, key(1)) == "parent";
    store.reset();
    _exit(ok ? 0 : 1);
  }
  EXPECT_EQ(testing::wait_for(child), 0);
  std::string count;
  for (int i = 0; i < 50; ++i) {  // the child's own session ends a moment after it exits
    count = query_value(*server_, count_sql);
    if (count == "1") break;
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(count, "1") << "the parent's session was ended";
  EXPECT_EQ(value_at(*store, fn, key(1)), "parent");
}

TEST_F(PostgresStoreTest, ALeaseHolderThatDiesReleasesIt) {
  const FunctionRef fn{"00000000000000000000000000000abc", "h int (int)"};
  const std::string url = server_->url();
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  const pid_t child = fork();
  if (child == 0) {
    std::unique_ptr<Store> store = open_store(url);
    std::unique_ptr<KeyLease> lease = store->try_lease(fn, key(1), 10s);
    const char byte = lease ? 'y' : 'n';
    (void)!write(ready[1], &byte, 1);
    pause();  // killed while holding it
    _exit(0);
  }
  char byte = 0;
  ASSERT_EQ(read(ready[0], &byte, 1), 1);
  EXPECT_EQ(byte, 'y');
  std::unique_ptr<Store> store = open_store(url);
  EXPECT_FALSE(store->try_lease(fn, key(1), 10s)) << "the child holds it";
  kill(child, SIGKILL);
  testing::wait_for(child);
  bool taken = false;
  for (int i = 0; i < 100 && !taken; ++i) {  // the server notices the closed session
    taken = store->try_lease(fn, key(1), 10s) != nullptr;
    if (!taken) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(taken);
  close(ready[0]);
  close(ready[1]);
}

TEST_F(PostgresStoreTest, AFailedConnectionIsAStoreErrorThatDoesNotShowThePassword) {
  // Nothing listens on port 1: the connection fails, and the message names the URL redacted.
  const std::string url = "postgresql://nopass:hunter2@127.0.0.1:1/postgres?password=hunter2";
  std::unique_ptr<Store> store = open_store(url);
  try {
    store->size({"0123456789abcdef0123456789abcdef", "f"});
    ADD_FAILURE() << "no error";
  } catch (const StoreError& error) {
    EXPECT_EQ(std::string(error.what()).find("hunter2"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("postgresql://***@127.0.0.1:1"), std::string::npos)
        << error.what();
  }
}

class PostgresOutageTest : public PostgresStoreTest {
 protected:
  void SetUp() override {
    PostgresStoreTest::SetUp();
    if (IsSkipped() || HasFailure()) return;
    capture_.start(server_->url());
  }
  void TearDown() override {
    capture_.stop();
    if (server_ && !server_->running()) server_->start();
  }
  std::vector<std::string> warnings() { return capture_.warnings(); }
  // Whether caching resumes within the 5 s backoff and a margin.
  static bool wait_until_caching_resumes(int n) {
    return testing::wait_until_caching_resumes(n, 8s);
  }
  testing::OutageCapture capture_;
};

TEST_F(PostgresOutageTest, AServerStoppedMidRunGivesComputedResultsOneWarningAndResumes) {
  EXPECT_EQ(outage::square(3), 9);
  EXPECT_EQ(outage::square(3), 9);
  EXPECT_EQ(outage::square_calls, 1);

  server_->stop();
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 200; ++i) EXPECT_EQ(outage::square(i % 10), (i % 10) * (i % 10));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s) << "calls must not wait on the network";
  EXPECT_EQ(outage::square_calls, 1 + 200);
  const std::vector<std::string> logged = warnings();
  ASSERT_EQ(logged.size(), 1u) << "one warning per outage";
  EXPECT_NE(logged[0].find("postgresql://picocache@127.0.0.1:" + std::to_string(server_->port())),
            std::string::npos)
      << logged[0];

  server_->start();  // the data survived: square(3) is still there
  EXPECT_TRUE(wait_until_caching_resumes(3));
  EXPECT_EQ(warnings().size(), 1u);
}

TEST_F(PostgresOutageTest, AServerKilledUnderACallingThreadNeverGivesAWrongValue) {
  std::atomic<bool> done{false};
  std::atomic<bool> restarted{false};
  std::atomic<int> wrong{0};
  std::atomic<std::uint64_t> hits_after_restart{0};
  std::thread caller([&] {
    for (int i = 0; !done; ++i) {
      const int n = i % 16;
      const std::uint64_t hits = outage::square_fn.hits();
      if (outage::square(n) != static_cast<long>(n) * n) ++wrong;
      if (restarted && outage::square_fn.hits() > hits) ++hits_after_restart;
    }
  });
  std::this_thread::sleep_for(200ms);
  server_->kill();
  std::this_thread::sleep_for(300ms);
  server_->start();
  restarted = true;
  const auto deadline = std::chrono::steady_clock::now() + 8s;
  while (hits_after_restart < 100 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  done = true;
  caller.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_GE(hits_after_restart.load(), 100u) << "caching did not resume";
  EXPECT_EQ(warnings().size(), 1u);
}

TEST_F(PostgresStoreTest, ProcessesShareTheStoreThroughPicocacheUrl) {
  const std::string url = server_->url("?picocache_schema=clients");
  const testing::ClientRun first = testing::run_client(url, {"sequence", "15"});
  EXPECT_EQ(first.status, 0) << first.warnings;
  EXPECT_EQ(first.output, "hits=0 misses=15\n");
  const testing::ClientRun second = testing::run_client(url, {"sequence", "15"});
  EXPECT_EQ(second.status, 0) << second.warnings;
  EXPECT_EQ(second.output, "hits=15 misses=0\n");

  std::vector<pid_t> clients;
  for (int seed = 1; seed <= 4; ++seed) {
    clients.push_back(testing::spawn(url, {"stress", std::to_string(seed)}, -1));
  }
  for (const pid_t client : clients) {
    EXPECT_EQ(testing::wait_for(client), 0) << "1: a wrong value, 2: a warning, 127: exec failed";
  }
  bool listed = false;
  for (const FunctionSummary& summary : open_store(url)->functions()) {
    if (summary.name == "slow_square long (long)") {
      listed = true;
      EXPECT_EQ(summary.size, 20u);  // maxsize, with 50 distinct arguments called
    }
  }
  EXPECT_TRUE(listed);
}

int open_descriptors() {
  int count = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    ++count;
  }
  return count;
}

// During an outage every new store tries to connect once: a failed attempt must not leave its
// socket open (a half-made libpq connection is closed, though its constructor threw).
TEST(PostgresConnection, FailedConnectsLeaveNoDescriptorOpen) {
  const std::string url = "postgresql://nobody@127.0.0.1:1/postgres";
  const int before = open_descriptors();
  for (int i = 0; i < 20; ++i) {
    EXPECT_THROW(open_store(url)->size({"0123456789abcdef0123456789abcdef", "f"}), StoreError);
  }
  EXPECT_LE(open_descriptors(), before + 1);
}

// The command's standard output (stderr joined), run by the shell.
std::string output_of(const std::string& command) {
  std::string output;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return "popen failed";
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
  pclose(pipe);
  return output;
}

TEST_F(PostgresStoreTest, TheCommandLineToolListsAndClearsThePostgresStore) {
  const std::string url = server_->url("?picocache_schema=cli");
  ASSERT_EQ(testing::run_client(url, {"sequence", "5"}).output, "hits=0 misses=5\n");
  const std::string cli = std::string(PICOCACHE_CLI) + " --url '" + url + "'";
  const std::string listed = output_of(cli + " list");
  // 5 entries, maxsize 20, no ttl.
  EXPECT_NE(listed.find("       5        20    none  slow_square long (long)"), std::string::npos)
      << listed;
  EXPECT_NE(output_of(cli + " clear slow_square").find("cleared 5 entries of slow_square"),
            std::string::npos);
  EXPECT_EQ(output_of(cli + " list"), "no cached functions\n");
  EXPECT_EQ(testing::run_client(url, {"sequence", "5"}).output, "hits=0 misses=5\n");
}

}  // namespace
}  // namespace picocache

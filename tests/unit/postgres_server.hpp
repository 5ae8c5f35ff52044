// PostgresServer: a private PostgreSQL 15 cluster for tests and benchmarks: initdb into a
// temporary directory, then `postgres` on a free loopback port with its unix socket in that
// directory, durability off (fsync, synchronous_commit) for speed. PostgreSQL refuses to run as
// root, and CI runs as root: then the cluster belongs to the `postgres` system user (or `nobody`)
// and the server runs as it. It can be stopped and restarted on the same port, for outage tests.
// Without PostgreSQL installed the tests that need it skip (or fail when CI=true).
#pragma once

#include "server_process.hpp"

#include <optional>
#include <string>
#include <vector>

namespace picocache::testing {

class PostgresServer {
 public:
  // The directory holding initdb and postgres: $PICOCACHE_POSTGRES_BIN, else
  // /usr/lib/postgresql/15/bin; nullopt when its initdb is not executable.
  static std::optional<std::string> bin_directory();
  // Why the PostgreSQL tests cannot run here, or nullopt when they can.
  static std::optional<std::string> unavailable_reason();
  static bool in_ci();  // CI=true: a missing server is a failure

  // Creates the cluster and starts the server (throws std::runtime_error with its log).
  PostgresServer();
  ~PostgresServer();  // kills the server, removes the directory
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  void start();  // again, on the same port, after stop() or kill()
  void stop();   // fast shutdown (SIGINT), then waits for it
  void kill();   // immediate shutdown (SIGQUIT, SIGKILL after 5 s), then waits for it
  // SIGSTOP to the postmaster and every backend: connections stay open, nothing answers.
  void pause();
  void resume();  // SIGCONT to the same processes
  bool running() const { return process_.running(); }

  int port() const { return port_; }
  const std::string& socket_directory() const { return directory_; }
  // postgresql://picocache@127.0.0.1:<port>/postgres[<query>]
  std::string url(const std::string& query = "") const;
  // Runs `sql` as the superuser through libpq; throws std::runtime_error on failure.
  void execute(const std::string& sql) const;

 private:
  bool launch(int port);
  bool wait_until_ready();
  std::string log_tail() const;
  void run_as_owner(const std::vector<std::string>& args, const std::string& log) const;

  std::string directory_;
  int port_ = 0;
  ServerProcess process_;
};

}  // namespace picocache::testing

// Use at the top of a test (or SetUp): skips when PostgreSQL is missing, fails under CI.
#define PICOCACHE_REQUIRE_POSTGRES_SERVER() \
  PICOCACHE_REQUIRE_TEST_SERVER(::picocache::testing::PostgresServer, "PostgreSQL")

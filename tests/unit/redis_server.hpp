// RedisServer: a private redis-server for tests and benchmarks, on a free loopback port (and
// optionally a unix socket), with persistence off. It can be stopped, killed and restarted on
// the same port, for outage tests. Without redis-server installed, the tests that need it skip
// (or fail when CI=true, so a CI image that lost the package does not go green silently).
#pragma once

#include "server_process.hpp"

#include <optional>
#include <string>
#include <vector>

namespace picocache::testing {

struct RedisServerOptions {
  std::string password;      // --requirepass, when not empty
  bool unix_socket = false;  // also listen on <tmpdir>/redis.sock
  // More redis-server arguments, e.g. {"--maxmemory", "2mb", "--maxmemory-policy", "allkeys-lru"}.
  std::vector<std::string> extra_args;
};

class RedisServer {
 public:
  // The redis-server to run: $PICOCACHE_REDIS_SERVER, else `redis-server` on PATH, else
  // /usr/bin/redis-server; nullopt when none is executable.
  static std::optional<std::string> executable();
  // Why the Redis tests cannot run here, or nullopt when they can.
  static std::optional<std::string> unavailable_reason();
  // True when the environment variable CI is "true": missing redis-server is then a failure.
  static bool in_ci();

  // Starts the server (throws std::runtime_error with its log when it does not come up).
  explicit RedisServer(RedisServerOptions options = {});
  ~RedisServer();  // kills the server, removes its directory

  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  void start();   // again, on the same port and socket, after stop() or kill()
  void stop();    // SIGTERM, then waits for the process
  void kill();    // SIGKILL, then waits for the process
  void pause();   // SIGSTOP: the server keeps its port and connections but answers nothing
  void resume();  // SIGCONT
  bool running() const { return process_.running(); }

  int port() const { return port_; }
  const std::string& unix_path() const { return unix_path_; }
  const std::string& password() const { return options_.password; }
  // redis://[:password@]127.0.0.1:<port>/<db>
  std::string url(int db = 0) const;
  // unix://<socket>?db=<db>
  std::string unix_url(int db = 0) const;

 private:
  bool launch(int port);  // false when the port was taken meanwhile
  bool wait_until_ready();
  std::string log_tail() const;

  RedisServerOptions options_;
  std::string directory_;
  std::string unix_path_;
  int port_ = 0;
  ServerProcess process_;
};

}  // namespace picocache::testing

// Use at the top of a test (or SetUp): skips when redis-server is missing, fails under CI.
#define PICOCACHE_REQUIRE_REDIS_SERVER() \
  PICOCACHE_REQUIRE_TEST_SERVER(::picocache::testing::RedisServer, "Redis")

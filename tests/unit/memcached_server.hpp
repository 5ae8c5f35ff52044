// MemcachedServer: a private memcached for tests and benchmarks on a free loopback port (UDP
// off; as root it runs as `nobody`, since memcached refuses root). It can be stopped, killed and
// restarted on the same port, for outage tests. Without memcached installed the tests that need
// it skip (or fail when CI=true).
#pragma once

#include "server_process.hpp"

#include <optional>
#include <string>

namespace picocache::testing {

struct MemcachedServerOptions {
  std::string item_size = "1m";  // -I: the largest value the server stores
};

class MemcachedServer {
 public:
  // $PICOCACHE_MEMCACHED, else /usr/bin/memcached; nullopt when not executable.
  static std::optional<std::string> executable();
  static std::optional<std::string> unavailable_reason();
  static bool in_ci();  // CI=true: a missing server is a failure

  explicit MemcachedServer(MemcachedServerOptions options = {});
  MemcachedServer(const MemcachedServer&) = delete;
  MemcachedServer& operator=(const MemcachedServer&) = delete;

  void start();   // again, on the same port (it comes back empty)
  void stop();    // SIGTERM, then waits
  void kill();    // SIGKILL, then waits
  void pause();   // SIGSTOP: it keeps its port and connections but answers nothing
  void resume();  // SIGCONT
  bool running() const { return process_.running(); }
  int port() const { return port_; }
  std::string url() const;  // memcached://127.0.0.1:<port>

 private:
  bool launch(int port);  // false when it did not come up (the port was taken meanwhile)

  MemcachedServerOptions options_;
  int port_ = 0;
  ServerProcess process_;  // killed by its destructor
};

}  // namespace picocache::testing

#define PICOCACHE_REQUIRE_MEMCACHED_SERVER() \
  PICOCACHE_REQUIRE_TEST_SERVER(::picocache::testing::MemcachedServer, "Memcached")

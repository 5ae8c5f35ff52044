// ServerProcess: what the test-server harnesses (redis_server, postgres_server, memcached_server)
// share: a free loopback port, a server child spawned from an argv (optionally as another user,
// since PostgreSQL and memcached refuse root and CI runs as root), waiting until a probe succeeds
// or the child dies, stopping it with a signal and reaping it, and the rule that a missing server
// skips a test but fails it when CI=true.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace picocache::testing {

// True when the environment variable CI is "true": a missing server is then a failure, so a CI
// image that lost a package does not go green silently.
bool in_ci();

// A port the kernel has just handed out for 127.0.0.1, at most 55535 (a Redis Cluster node's bus
// port is 10000 higher) and never `avoided` (a real server's default port). Another process could
// take it before the server binds it: a launch that fails is retried on another (see
// start_on_free_port). Throws std::runtime_error when none is found.
int free_loopback_port(int avoided = 0);

// Calls launch(port) on fresh free ports, never `avoided`, until it returns true (returns that
// port) or five attempts failed (returns 0).
int start_on_free_port(int avoided, const std::function<bool(int port)>& launch);

// Calls launch() until it returns true (true) or `attempts` calls, `delay` apart, failed
// (false): a restart on the port that was ours a moment ago, which may still be being released.
bool restart_on_same_port(int attempts, std::chrono::milliseconds delay,
                          const std::function<bool()>& launch);

// An account to run a child as: its uid and gid.
struct Account {
  uid_t uid = 0;
  gid_t gid = 0;
};

// The account named `name` (nullopt when there is none).
std::optional<Account> account_named(const std::string& name);

struct SpawnOptions {
  std::optional<Account> run_as;  // setgid/setuid in the child before exec
  std::string output_file;        // stdout and stderr appended there; empty: /dev/null
};

// Forks and execs args[0] with `args`, stdin from /dev/null; the child gets SIGKILL when the
// process that spawned it dies (set after the setuid, which clears it). Returns the child's pid;
// throws std::runtime_error when fork fails. The child exits 126 when it cannot become
// options.run_as, 127 when the exec fails.
pid_t spawn_child(const std::vector<std::string>& args, const SpawnOptions& options);

// Waits up to `limit` for `pid` to exit and reaps it; true when it did (or was already reaped).
bool wait_for_exit(pid_t pid, std::chrono::milliseconds limit);

// One server child: spawned, probed until ready, paused, stopped, killed. Not copyable; the
// destructor kills a child still running.
class ServerProcess {
 public:
  ServerProcess() = default;
  ~ServerProcess() { kill(); }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Spawns the server (spawn_child); a child still running is killed first.
  void spawn(const std::vector<std::string>& args, const SpawnOptions& options = {});
  // Calls `ready` every `interval` until it returns true (true), the child exits (reaped; false)
  // or `limit` passes (false, the child left running).
  bool wait_until_ready(const std::function<bool()>& ready, std::chrono::milliseconds limit,
                        std::chrono::milliseconds interval = std::chrono::milliseconds(10));
  // Sends `signal` (then resume(), since a paused server cannot act on it), waits up to `grace`,
  // then SIGKILLs it; the child is reaped either way.
  void stop(int signal, std::chrono::milliseconds grace);
  void kill();  // SIGKILL, then reaps it
  // SIGSTOP to the server and every process below it (PostgreSQL's backends): it keeps its port
  // and connections but answers nothing.
  void pause();
  void resume();  // SIGCONT to the same processes
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

// The last `limit` bytes of the file at `path` ("" when it cannot be read): a server's log for an
// error message.
std::string file_tail(const std::string& path, std::size_t limit = 4000);

}  // namespace picocache::testing

// Use at the top of a test (or SetUp) through each server's own macro: skips when
// server_class::unavailable_reason() names a reason, fails when CI=true.
#define PICOCACHE_REQUIRE_TEST_SERVER(server_class, what)                               \
  do {                                                                                  \
    if (auto picocache_reason = server_class::unavailable_reason()) {                   \
      if (::picocache::testing::in_ci()) {                                              \
        FAIL() << *picocache_reason << " (CI=true: the " what " tests must run in CI)"; \
      }                                                                                 \
      GTEST_SKIP() << *picocache_reason;                                                \
    }                                                                                   \
  } while (false)

// picocache-test-server: runs a command beside a private server of the unit tests' harnesses,
// for the end-to-end tests that are shell scripts:
//   picocache-test-server <postgres|memcached|redis> -- <command> [<argument>...]
// starts the server on a free loopback port, runs the command with PICOCACHE_URL set to the
// server's URL, stops the server and exits with the command's status (128 + the signal when a
// signal ended it). When the server is not installed it exits 77 (ctest's skip code), or 1 when
// CI=true, after saying why; 2 for a bad command line or a server that does not start.
#include "server_process.hpp"
#ifdef PICOCACHE_TEST_REDIS
#include "redis_server.hpp"
#endif
#ifdef PICOCACHE_TEST_POSTGRES
#include "postgres_server.hpp"
#endif
#ifdef PICOCACHE_TEST_MEMCACHED
#include "memcached_server.hpp"
#endif

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr int kSkipped = 77;
constexpr int kUsageOrStartFailed = 2;

// A started server: its URL, and how to stop it (the destructor of the harness's object).
struct RunningServer {
  std::string url;
  std::shared_ptr<void> server;
};

// The kinds this build knows: why each cannot run (nullopt when it can) and how to start it.
struct ServerKind {
  std::string_view name;
  std::function<std::optional<std::string>()> unavailable_reason;
  std::function<RunningServer()> start;
};

std::vector<ServerKind> server_kinds() {
  std::vector<ServerKind> kinds;
#ifdef PICOCACHE_TEST_POSTGRES
  kinds.push_back({"postgres", &picocache::testing::PostgresServer::unavailable_reason, [] {
                     auto server = std::make_shared<picocache::testing::PostgresServer>();
                     return RunningServer{server->url(), server};
                   }});
#endif
#ifdef PICOCACHE_TEST_MEMCACHED
  kinds.push_back({"memcached", &picocache::testing::MemcachedServer::unavailable_reason, [] {
                     auto server = std::make_shared<picocache::testing::MemcachedServer>();
                     return RunningServer{server->url(), server};
                   }});
#endif
#ifdef PICOCACHE_TEST_REDIS
  kinds.push_back({"redis", &picocache::testing::RedisServer::unavailable_reason, [] {
                     auto server = std::make_shared<picocache::testing::RedisServer>();
                     return RunningServer{server->url(), server};
                   }});
#endif
  return kinds;
}

// Runs argv with PICOCACHE_URL=url, its output and input this process's; its exit status.
int run_command(const std::vector<char*>& argv, const std::string& url) {
  const pid_t child = fork();
  if (child < 0) {
    std::fprintf(stderr, "picocache-test-server: fork failed: %s\n", std::strerror(errno));
    return kUsageOrStartFailed;
  }
  if (child == 0) {
    setenv("PICOCACHE_URL", url.c_str(), 1);
    execvp(argv[0], argv.data());
    std::fprintf(stderr, "picocache-test-server: cannot run %s: %s\n", argv[0],
                 std::strerror(errno));
    _exit(127);
  }
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

int usage(const std::vector<ServerKind>& kinds) {
  std::string names;
  for (const ServerKind& kind : kinds) names += (names.empty() ? "" : "|") + std::string(kind.name);
  std::fprintf(stderr, "usage: picocache-test-server <%s> -- <command> [<argument>...]\n",
               names.c_str());
  return kUsageOrStartFailed;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<ServerKind> kinds = server_kinds();
  if (argc < 4 || std::string_view(argv[2]) != "--") return usage(kinds);
  const ServerKind* kind = nullptr;
  for (const ServerKind& candidate : kinds) {
    if (candidate.name == argv[1]) kind = &candidate;
  }
  if (kind == nullptr) return usage(kinds);

  if (const std::optional<std::string> reason = kind->unavailable_reason()) {
    const bool ci = picocache::testing::in_ci();
    std::fprintf(stderr, "picocache-test-server: %s%s\n", reason->c_str(),
                 ci ? " (CI=true: the test must run in CI)" : "; skipped");
    return ci ? 1 : kSkipped;
  }
  RunningServer running;
  try {
    running = kind->start();
  } catch (const std::exception& error) {
    std::fprintf(stderr, "picocache-test-server: the %s server did not start: %s\n", argv[1],
                 error.what());
    return kUsageOrStartFailed;
  }
  const std::vector<char*> command(argv + 3, argv + argc + 1);  // with the closing nullptr
  const int status = run_command(command, running.url);
  running.server.reset();  // stops the server and removes its files
  return status;
}

// MemcachedServer (see memcached_server.hpp): memcached's arguments and readiness by `version`;
// the process itself is a ServerProcess (server_process.hpp).
#include "memcached_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace picocache::testing {
namespace {

using namespace std::chrono_literals;

// True when a `version` command on 127.0.0.1:port gets a VERSION reply.
bool answers(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  bool ok = false;
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    const char command[] = "version\r\n";
    if (send(fd, command, sizeof command - 1, MSG_NOSIGNAL) == sizeof command - 1) {
      char reply[64] = {};
      const timeval timeout{1, 0};
      setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
      ok = recv(fd, reply, sizeof reply - 1, 0) > 0 && std::strncmp(reply, "VERSION", 7) == 0;
    }
  }
  close(fd);
  return ok;
}

}  // namespace

std::optional<std::string> MemcachedServer::executable() {
  std::string path = "/usr/bin/memcached";
  if (const char* configured = std::getenv("PICOCACHE_MEMCACHED");
      configured != nullptr && *configured != '\0') {
    path = configured;
  }
  if (access(path.c_str(), X_OK) != 0) return std::nullopt;
  return path;
}

std::optional<std::string> MemcachedServer::unavailable_reason() {
  if (executable()) return std::nullopt;
  return std::string(
      "memcached not found (looked at $PICOCACHE_MEMCACHED and /usr/bin/memcached); install it "
      "(Debian: apt-get install memcached) to run the Memcached store tests");
}

bool MemcachedServer::in_ci() { return testing::in_ci(); }

MemcachedServer::MemcachedServer(MemcachedServerOptions options) : options_(std::move(options)) {
  if (start_on_free_port(11211, [this](int port) { return launch(port); }) != 0) return;
  throw std::runtime_error("memcached did not start");
}

void MemcachedServer::start() {
  if (process_.running()) return;
  if (restart_on_same_port(20, 50ms, [this] { return launch(port_); })) return;
  throw std::runtime_error("memcached did not restart on port " + std::to_string(port_));
}

void MemcachedServer::stop() { process_.stop(SIGTERM, 5s); }

void MemcachedServer::kill() { process_.kill(); }

void MemcachedServer::pause() { process_.pause(); }

void MemcachedServer::resume() { process_.resume(); }

std::string MemcachedServer::url() const {
  return "memcached://127.0.0.1:" + std::to_string(port_);
}

bool MemcachedServer::launch(int port) {
  const std::optional<std::string> program = executable();
  if (!program) throw std::runtime_error(*unavailable_reason());
  std::vector<std::string> args = {*program, "-l", "127.0.0.1", "-p", std::to_string(port), "-U",
                                   "0",      "-m", "64",        "-I", options_.item_size,   "-c",
                                   "1024"};
  // memcached refuses to run as root: then it runs as nobody. Becoming nobody in the child
  // rather than by memcached's -u keeps the parent-death signal.
  std::optional<Account> run_as;
  if (geteuid() == 0) {
    run_as = account_named("nobody");
    if (!run_as) throw std::runtime_error("running as root without a 'nobody' account");
  }
  process_.spawn(args, {run_as, ""});
  port_ = port;
  if (process_.wait_until_ready([port] { return answers(port); }, 10s)) return true;
  process_.kill();
  return false;
}

}  // namespace picocache::testing

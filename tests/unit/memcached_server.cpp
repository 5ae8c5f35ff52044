// MemcachedServer (see memcached_server.hpp): fork/exec of memcached, readiness by `version`.
#include "memcached_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <thread>
#include <vector>
#ifdef __linux__
#include <sys/prctl.h>
#endif

namespace picocache::testing {
namespace {

using namespace std::chrono_literals;

int free_loopback_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket() failed: " + std::string(std::strerror(errno)));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    const std::string error = std::strerror(errno);
    close(fd);
    throw std::runtime_error("cannot find a free loopback port: " + error);
  }
  close(fd);
  return ntohs(address.sin_port);
}

bool wait_for_exit(pid_t pid, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    int status = 0;
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid || (done < 0 && errno == ECHILD)) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
}

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

bool MemcachedServer::in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string_view(ci) == "true";
}

MemcachedServer::MemcachedServer(MemcachedServerOptions options) : options_(std::move(options)) {
  for (int attempt = 0; attempt < 5; ++attempt) {
    const int port = free_loopback_port();
    if (port == 11211) continue;
    if (launch(port)) return;
  }
  throw std::runtime_error("memcached did not start");
}

MemcachedServer::~MemcachedServer() {
  if (pid_ > 0) kill();
}

void MemcachedServer::start() {
  if (pid_ > 0) return;
  for (int attempt = 0; attempt < 20; ++attempt) {
    if (launch(port_)) return;
    std::this_thread::sleep_for(50ms);
  }
  throw std::runtime_error("memcached did not restart on port " + std::to_string(port_));
}

void MemcachedServer::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  if (!wait_for_exit(pid_, 5s)) {
    ::kill(pid_, SIGKILL);
    wait_for_exit(pid_, 5s);
  }
  pid_ = -1;
}

void MemcachedServer::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  wait_for_exit(pid_, 5s);
  pid_ = -1;
}

std::string MemcachedServer::url() const {
  return "memcached://127.0.0.1:" + std::to_string(port_);
}

bool MemcachedServer::launch(int port) {
  const std::optional<std::string> program = executable();
  if (!program) throw std::runtime_error(*unavailable_reason());
  std::vector<std::string> args = {*program, "-l", "127.0.0.1", "-p", std::to_string(port), "-U",
                                   "0",      "-m", "64",        "-I", options_.item_size,   "-c",
                                   "1024"};
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed: " + std::string(std::strerror(errno)));
  if (pid == 0) {
    const pid_t parent = getppid();
    // memcached refuses to run as root; becoming nobody here rather than by its -u keeps the
    // parent-death signal (a setuid clears it), so set it after.
    if (geteuid() == 0) {
      const passwd* nobody = getpwnam("nobody");
      if (nobody == nullptr || setgroups(0, nullptr) != 0 || setgid(nobody->pw_gid) != 0 ||
          setuid(nobody->pw_uid) != 0) {
        _exit(126);
      }
    }
#ifdef __linux__
    // A test binary that crashes, or keeps its server in a never-destroyed static, must not
    // leave servers behind.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
#endif
    const int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
      dup2(null, STDIN_FILENO);
      dup2(null, STDOUT_FILENO);
      dup2(null, STDERR_FILENO);
    }
    execv(argv[0], argv.data());
    _exit(127);
  }
  pid_ = pid;
  port_ = port;
  if (wait_until_ready()) return true;
  kill();
  return false;
}

bool MemcachedServer::wait_until_ready() {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    if (answers(port_)) return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

}  // namespace picocache::testing

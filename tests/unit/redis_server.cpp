// RedisServer (see redis_server.hpp): fork/exec of redis-server, readiness by PING.
#include "redis_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>
#ifdef __linux__
#include <sys/prctl.h>
#endif

namespace picocache::testing {

namespace {

using namespace std::chrono_literals;

bool is_executable(const std::string& path) { return access(path.c_str(), X_OK) == 0; }

// A port the kernel has just handed out for 127.0.0.1, so nothing else listens there; another
// process could take it before redis-server binds it, which launch() detects and retries.
int free_loopback_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket() failed: " + std::string(std::strerror(errno)));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
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

// Waits up to `limit` for `pid` to exit; true when it did (and was reaped).
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

}  // namespace

std::optional<std::string> RedisServer::executable() {
  if (const char* configured = std::getenv("PICOCACHE_REDIS_SERVER");
      configured != nullptr && *configured != '\0') {
    if (is_executable(configured)) return std::string(configured);
    return std::nullopt;
  }
  if (const char* path = std::getenv("PATH"); path != nullptr) {
    std::stringstream directories(path);
    std::string directory;
    while (std::getline(directories, directory, ':')) {
      if (directory.empty()) continue;
      const std::string candidate = directory + "/redis-server";
      if (is_executable(candidate)) return candidate;
    }
  }
  if (is_executable("/usr/bin/redis-server")) return std::string("/usr/bin/redis-server");
  return std::nullopt;
}

std::optional<std::string> RedisServer::unavailable_reason() {
  if (executable()) return std::nullopt;
  return std::string(
      "redis-server not found (looked at $PICOCACHE_REDIS_SERVER, PATH and "
      "/usr/bin/redis-server); install it (Debian: apt-get install redis-server) to run the "
      "Redis store tests");
}

bool RedisServer::in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string_view(ci) == "true";
}

RedisServer::RedisServer(RedisServerOptions options) : options_(std::move(options)) {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "picocache-redis-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed: " + std::string(std::strerror(errno)));
  }
  directory_ = pattern;
  if (options_.unix_socket) unix_path_ = directory_ + "/redis.sock";
  for (int attempt = 0; attempt < 5; ++attempt) {
    const int port = free_loopback_port();
    if (port == 6379) continue;  // never the port a real Redis may be using
    if (launch(port)) return;
  }
  const std::string log = log_tail();
  std::filesystem::remove_all(directory_);
  throw std::runtime_error("redis-server did not start; its log:\n" + log);
}

RedisServer::~RedisServer() {
  if (pid_ > 0) kill();
  std::error_code ignored;
  std::filesystem::remove_all(directory_, ignored);
}

void RedisServer::start() {
  if (pid_ > 0) return;
  // The port was ours a moment ago; allow a little time in case it is still being released.
  for (int attempt = 0; attempt < 20; ++attempt) {
    if (launch(port_)) return;
    std::this_thread::sleep_for(50ms);
  }
  throw std::runtime_error("redis-server did not restart on port " + std::to_string(port_) +
                           "; its log:\n" + log_tail());
}

void RedisServer::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  ::kill(pid_, SIGCONT);  // a paused server cannot act on SIGTERM
  if (!wait_for_exit(pid_, 5000ms)) {
    ::kill(pid_, SIGKILL);
    wait_for_exit(pid_, 5000ms);
  }
  pid_ = -1;
}

void RedisServer::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  wait_for_exit(pid_, 5000ms);
  pid_ = -1;
}

void RedisServer::pause() {
  if (pid_ > 0) ::kill(pid_, SIGSTOP);
}

void RedisServer::resume() {
  if (pid_ > 0) ::kill(pid_, SIGCONT);
}

std::string RedisServer::url(int db) const {
  std::string url = "redis://";
  if (!options_.password.empty()) url += ":" + options_.password + "@";
  return url + "127.0.0.1:" + std::to_string(port_) + "/" + std::to_string(db);
}

std::string RedisServer::unix_url(int db) const {
  return "unix://" + unix_path_ + "?db=" + std::to_string(db);
}

bool RedisServer::launch(int port) {
  const std::optional<std::string> program = executable();
  if (!program) throw std::runtime_error(*unavailable_reason());
  std::vector<std::string> args = {
      *program,      "--port", std::to_string(port), "--bind",    "127.0.0.1",
      "--save",      "",       "--appendonly",       "no",        "--daemonize",
      "no",          "--dir",  directory_,           "--logfile", directory_ + "/redis.log",
      "--databases", "16"};
  if (!options_.password.empty()) {
    args.insert(args.end(), {"--requirepass", options_.password});
  }
  if (!unix_path_.empty()) {
    args.insert(args.end(), {"--unixsocket", unix_path_, "--unixsocketperm", "700"});
  }
  args.insert(args.end(), options_.extra_args.begin(), options_.extra_args.end());
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed: " + std::string(std::strerror(errno)));
  if (pid == 0) {
#ifdef __linux__
    // A test binary that crashes must not leave servers behind.
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
  (void)parent;
  pid_ = pid;
  port_ = port;
  if (wait_until_ready()) return true;
  kill();
  return false;
}

bool RedisServer::wait_until_ready() {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {  // exited: port taken, or bad arguments
      pid_ = -1;
      return false;
    }
    const timeval timeout{0, 100000};
    redisContext* context = redisConnectWithTimeout("127.0.0.1", port_, timeout);
    bool ready = false;
    if (context != nullptr && context->err == 0) {
      if (!options_.password.empty()) {
        freeReplyObject(redisCommand(context, "AUTH %s", options_.password.c_str()));
      }
      auto* reply = static_cast<redisReply*>(redisCommand(context, "PING"));
      ready = reply != nullptr && reply->type == REDIS_REPLY_STATUS &&
              std::string_view(reply->str, reply->len) == "PONG";
      if (reply != nullptr) freeReplyObject(reply);
    }
    if (context != nullptr) redisFree(context);
    if (ready && (unix_path_.empty() || std::filesystem::exists(unix_path_))) return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

std::string RedisServer::log_tail() const {
  std::ifstream log(directory_ + "/redis.log");
  std::stringstream text;
  text << log.rdbuf();
  std::string all = text.str();
  if (all.size() > 4000) all = all.substr(all.size() - 4000);
  return all;
}

}  // namespace picocache::testing

// RedisServer (see redis_server.hpp): redis-server's arguments and readiness by PING; the process
// itself is a ServerProcess (server_process.hpp).
#include "redis_server.hpp"

#include <hiredis/hiredis.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace picocache::testing {
namespace {

using namespace std::chrono_literals;

bool is_executable(const std::string& path) { return access(path.c_str(), X_OK) == 0; }

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

bool RedisServer::in_ci() { return testing::in_ci(); }

RedisServer::RedisServer(RedisServerOptions options) : options_(std::move(options)) {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "picocache-redis-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed: " + std::string(std::strerror(errno)));
  }
  directory_ = pattern;
  if (options_.unix_socket) unix_path_ = directory_ + "/redis.sock";
  // Never the port a real Redis may be using.
  if (start_on_free_port(6379, [this](int port) { return launch(port); }) != 0) return;
  const std::string log = log_tail();
  std::filesystem::remove_all(directory_);
  throw std::runtime_error("redis-server did not start; its log:\n" + log);
}

RedisServer::~RedisServer() {
  process_.kill();
  std::error_code ignored;
  std::filesystem::remove_all(directory_, ignored);
}

void RedisServer::start() {
  if (process_.running()) return;
  if (restart_on_same_port(20, 50ms, [this] { return launch(port_); })) return;
  throw std::runtime_error("redis-server did not restart on port " + std::to_string(port_) +
                           "; its log:\n" + log_tail());
}

void RedisServer::stop() { process_.stop(SIGTERM, 5000ms); }

void RedisServer::kill() { process_.kill(); }

void RedisServer::pause() { process_.pause(); }

void RedisServer::resume() { process_.resume(); }

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
  process_.spawn(args);
  port_ = port;
  if (wait_until_ready()) return true;
  process_.kill();
  return false;
}

bool RedisServer::wait_until_ready() {
  return process_.wait_until_ready(
      [this] {
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
        return ready && (unix_path_.empty() || std::filesystem::exists(unix_path_));
      },
      10s);
}

std::string RedisServer::log_tail() const { return file_tail(directory_ + "/redis.log"); }

}  // namespace picocache::testing

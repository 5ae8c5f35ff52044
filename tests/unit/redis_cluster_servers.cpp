// RedisClusterServers (see redis_cluster_servers.hpp): nodes, `redis-cli --cluster create`, and
// waiting for the cluster to settle.
#include "redis_cluster_servers.hpp"

#include <hiredis/hiredis.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <thread>

namespace picocache::testing {
namespace {

// The text of `command` on the node at `port`, or "" when it does not answer.
std::string node_info(int port, const char* command) {
  const timeval timeout{0, 300000};
  redisContext* context = redisConnectWithTimeout("127.0.0.1", port, timeout);
  std::string text;
  if (context != nullptr && context->err == 0) {
    auto* reply = static_cast<redisReply*>(redisCommand(context, command));
    if (reply != nullptr && reply->str != nullptr) text.assign(reply->str, reply->len);
    if (reply != nullptr) freeReplyObject(reply);
  }
  if (context != nullptr) redisFree(context);
  return text;
}

std::string redis_cli() {
  const std::optional<std::string> server = RedisServer::executable();
  if (server) {
    const auto beside = std::filesystem::path(*server).parent_path() / "redis-cli";
    if (std::filesystem::exists(beside)) return beside.string();
  }
  return "redis-cli";
}

}  // namespace

RedisClusterServers::RedisClusterServers(int masters, int replicas) {
  const int count = masters * (1 + replicas);
  for (int i = 0; i < count; ++i) {
    nodes_.push_back(std::make_unique<RedisServer>(RedisServerOptions{
        "",
        false,
        {"--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
         "--cluster-node-timeout", "1000", "--cluster-replica-validity-factor", "0"}}));
  }
  std::string command = redis_cli() + " --cluster create";
  for (const auto& node : nodes_) command += " 127.0.0.1:" + std::to_string(node->port());
  command += " --cluster-replicas " + std::to_string(replicas) + " --cluster-yes >/dev/null 2>&1";
  if (std::system(command.c_str()) != 0) {
    throw std::runtime_error("redis-cli --cluster create failed: " + command);
  }
  if (!wait_until_ok()) throw std::runtime_error("the test cluster did not reach state ok");
}

bool RedisClusterServers::wait_until_ok(int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    bool ok = true;
    for (const auto& node : nodes_) {
      if (!node->running()) continue;
      const std::string info = node_info(node->port(), "CLUSTER INFO");
      if (info.find("cluster_state:ok") == std::string::npos ||
          info.find("cluster_slots_assigned:16384") == std::string::npos) {
        ok = false;
        break;
      }
    }
    if (ok) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

}  // namespace picocache::testing

// RedisClusterServers: a private Redis Cluster for tests: `masters` masters with `replicas`
// replicas each, every node a RedisServer (redis_server.hpp) on a free loopback port with
// `--cluster-enabled yes` and a 1 s node timeout (so a replica takes over a killed master within
// a few seconds), joined by `redis-cli --cluster create`.
#pragma once

#include "redis_server.hpp"

#include <memory>
#include <string>
#include <vector>

namespace picocache::testing {

class RedisClusterServers {
 public:
  // Starts the nodes and creates the cluster; throws std::runtime_error when it does not come up.
  explicit RedisClusterServers(int masters = 3, int replicas = 1);

  std::size_t size() const { return nodes_.size(); }
  RedisServer& node(std::size_t index) { return *nodes_[index]; }
  // redis://127.0.0.1:<port of node 0>: one node's URL is all a client is given.
  std::string url() const { return nodes_.front()->url(); }
  // Waits until every running node reports cluster_state:ok and agrees on the map; false on
  // timeout.
  bool wait_until_ok(int timeout_ms = 20000);

 private:
  std::vector<std::unique_ptr<RedisServer>> nodes_;
};

}  // namespace picocache::testing

// StallingProxy: a TCP proxy on a loopback port in front of a server, for the fault tests; stall()
// stops it forwarding anything (connections stay open, new ones are accepted, bytes wait), as a
// hung network path would.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

namespace picocache::testing {

class StallingProxy {
 public:
  // Listens on a free loopback port and forwards each connection to 127.0.0.1:target_port;
  // throws std::runtime_error when it cannot listen.
  explicit StallingProxy(int target_port) : target_port_(target_port) {
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (bind(listener_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        listen(listener_, 16) != 0 ||
        getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      throw std::runtime_error("proxy: cannot listen");
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~StallingProxy() {
    done_ = true;
    thread_.join();
    for (const auto& [client, server] : pairs_) {
      close(client);
      close(server);
    }
    close(listener_);
  }
  StallingProxy(const StallingProxy&) = delete;
  StallingProxy& operator=(const StallingProxy&) = delete;

  int port() const { return port_; }  // where clients connect
  // From now on nothing is forwarded either way, on old and new connections alike.
  void stall() { stalled_ = true; }

 private:
  void run() {
    while (!done_) {
      std::vector<pollfd> fds{{listener_, POLLIN, 0}};
      if (!stalled_) {
        for (const auto& [client, server] : pairs_) {
          fds.push_back({client, POLLIN, 0});
          fds.push_back({server, POLLIN, 0});
        }
      }
      if (poll(fds.data(), fds.size(), 20) <= 0) continue;
      if (fds[0].revents & POLLIN) accept_one();
      std::vector<std::size_t> closed;  // pairs one side of which has hung up
      for (std::size_t i = 1; i < fds.size(); ++i) {
        if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        const std::size_t pair = (i - 1) / 2;
        const auto& [client, server] = pairs_[pair];
        const int from = fds[i].fd;
        char buffer[4096];
        const ssize_t n = read(from, buffer, sizeof buffer);
        if (n > 0) {
          [[maybe_unused]] const ssize_t sent =
              write(from == client ? server : client, buffer, static_cast<std::size_t>(n));
        } else if (closed.empty() || closed.back() != pair) {
          closed.push_back(pair);
        }
      }
      for (auto pair = closed.rbegin(); pair != closed.rend(); ++pair) {
        close(pairs_[*pair].first);
        close(pairs_[*pair].second);
        pairs_.erase(pairs_.begin() + static_cast<std::ptrdiff_t>(*pair));
      }
    }
  }
  void accept_one() {
    const int client = accept(listener_, nullptr, nullptr);
    if (client < 0) return;
    const int server = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<std::uint16_t>(target_port_));
    if (connect(server, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      close(client);
      close(server);
      return;
    }
    pairs_.emplace_back(client, server);
  }

  int target_port_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> done_{false};
  std::atomic<bool> stalled_{false};
  std::vector<std::pair<int, int>> pairs_;  // only the proxy's thread touches it
  std::thread thread_;
};

}  // namespace picocache::testing

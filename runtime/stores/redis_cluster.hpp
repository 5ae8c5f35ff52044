// Redis Cluster routing for the Redis store, as a small unit of its own (hiredis 0.14 has no
// cluster client): which of the 16384 slots a key hashes to (CRC16/XMODEM of the key, or of its
// hash tag), which node serves a slot (the map CLUSTER SLOTS returns), and what a `MOVED` / `ASK`
// / `TRYAGAIN` error reply asks the client to do. Nothing here does I/O.
#pragma once

#include <hiredis/hiredis.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace picocache::redis {

inline constexpr std::uint16_t kClusterSlots = 16384;

// CRC16 as Redis Cluster defines it (XMODEM: polynomial 0x1021, initial value 0).
std::uint16_t crc16(std::string_view data);

// The slot of `key`: CRC16 of its hash tag (the text between the first `{` and the next `}`,
// when that is not empty), else of the whole key, modulo 16384.
std::uint16_t key_slot(std::string_view key);

// A node's address, as CLUSTER SLOTS and redirections name it.
struct NodeAddress {
  std::string host;
  int port = 0;
  bool operator==(const NodeAddress& other) const {
    return host == other.host && port == other.port;
  }
  // "host:port" (IPv6 hosts in brackets).
  std::string text() const;
};

// What an error reply asks for: follow it to another node (`moved`: the slot lives there now;
// `ask`: this one command, after ASKING), try again shortly (`try_again`: a migration is under
// way), or nothing (any other error).
struct Redirection {
  enum Kind { none, moved, ask, try_again } kind = none;
  std::uint16_t slot = 0;
  NodeAddress node;
};

// Reads "MOVED <slot> <host>:<port>", "ASK <slot> <host>:<port>" or "TRYAGAIN ..."; a script's
// "non local key" error (it met a key already migrated away) is `try_again` too. Any other text
// (or a malformed redirection) is `none`.
Redirection parse_redirection(std::string_view error_text);

// Which master serves each slot.
class SlotMap {
 public:
  // The map from a CLUSTER SLOTS reply; a node announced without a host ("" or "?") is taken to
  // be `asked_host`, the host the reply came from. nullopt when the reply is not such a map.
  static std::optional<SlotMap> from_cluster_slots(const redisReply& reply,
                                                   std::string_view asked_host);

  // The master serving `slot`, or nullptr when no range covers it.
  const NodeAddress* master_of(std::uint16_t slot) const;
  // Points `slot` at `node` (what a MOVED says), until the next full map.
  void assign(std::uint16_t slot, const NodeAddress& node);
  // Every master, each once.
  std::vector<NodeAddress> masters() const;
  bool empty() const { return nodes_.empty(); }

 private:
  std::vector<NodeAddress> nodes_;          // the masters
  std::vector<std::int16_t> slot_to_node_;  // index into nodes_, -1: unassigned
};

}  // namespace picocache::redis

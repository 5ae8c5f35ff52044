// Redis Cluster routing (see redis_cluster.hpp): CRC16, hash tags, CLUSTER SLOTS, redirections.
#include "stores/redis_cluster.hpp"

#include <algorithm>
#include <charconv>

namespace picocache::redis {
namespace {

bool parse_port(std::string_view text, int& port) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), port);
  return error == std::errc() && end == text.data() + text.size() && port > 0 && port < 65536;
}

// "host:port" or "[v6]:port".
std::optional<NodeAddress> parse_address(std::string_view text) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  std::string_view host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  NodeAddress address;
  address.host = std::string(host);
  if (!parse_port(text.substr(colon + 1), address.port)) return std::nullopt;
  return address;
}

}  // namespace

std::uint16_t crc16(std::string_view data) {
  std::uint16_t crc = 0;
  for (const char c : data) {
    crc = static_cast<std::uint16_t>(
        crc ^ (static_cast<std::uint16_t>(static_cast<unsigned char>(c)) << 8));
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 0x8000) != 0 ? static_cast<std::uint16_t>((crc << 1) ^ 0x1021)
                                : static_cast<std::uint16_t>(crc << 1);
    }
  }
  return crc;
}

std::uint16_t key_slot(std::string_view key) {
  const std::size_t open = key.find('{');
  if (open != std::string_view::npos) {
    const std::size_t close = key.find('}', open + 1);
    if (close != std::string_view::npos && close > open + 1) {
      key = key.substr(open + 1, close - open - 1);
    }
  }
  return static_cast<std::uint16_t>(crc16(key) % kClusterSlots);
}

std::string NodeAddress::text() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Redirection parse_redirection(std::string_view error_text) {
  Redirection redirection;
  // A script that touched a key of a slot being migrated away, which is no longer here: as
  // TRYAGAIN, the migration of the slot's few keys ends shortly.
  if (error_text.substr(0, 8) == "TRYAGAIN" ||
      error_text.find("Script attempted to access a non local key") != std::string_view::npos) {
    redirection.kind = Redirection::try_again;
    return redirection;
  }
  Redirection::Kind kind = Redirection::none;
  std::string_view rest;
  if (error_text.substr(0, 6) == "MOVED ") {
    kind = Redirection::moved;
    rest = error_text.substr(6);
  } else if (error_text.substr(0, 4) == "ASK ") {
    kind = Redirection::ask;
    rest = error_text.substr(4);
  } else {
    return redirection;
  }
  const std::size_t space = rest.find(' ');
  if (space == std::string_view::npos) return redirection;
  int slot = 0;
  const std::string_view slot_text = rest.substr(0, space);
  const auto [end, error] =
      std::from_chars(slot_text.data(), slot_text.data() + slot_text.size(), slot);
  if (error != std::errc() || end != slot_text.data() + slot_text.size() || slot < 0 ||
      slot >= kClusterSlots) {
    return redirection;
  }
  const std::optional<NodeAddress> node = parse_address(rest.substr(space + 1));
  if (!node) return redirection;
  redirection.kind = kind;
  redirection.slot = static_cast<std::uint16_t>(slot);
  redirection.node = *node;
  return redirection;
}

std::optional<SlotMap> SlotMap::from_cluster_slots(const redisReply& reply,
                                                   std::string_view asked_host) {
  if (reply.type != REDIS_REPLY_ARRAY) return std::nullopt;
  SlotMap map;
  map.slot_to_node_.assign(kClusterSlots, -1);
  for (std::size_t i = 0; i < reply.elements; ++i) {
    const redisReply& range = *reply.element[i];
    if (range.type != REDIS_REPLY_ARRAY || range.elements < 3 ||
        range.element[0]->type != REDIS_REPLY_INTEGER ||
        range.element[1]->type != REDIS_REPLY_INTEGER ||
        range.element[2]->type != REDIS_REPLY_ARRAY || range.element[2]->elements < 2) {
      return std::nullopt;
    }
    const long long first = range.element[0]->integer;
    const long long last = range.element[1]->integer;
    const redisReply& master = *range.element[2];
    if (first < 0 || last >= kClusterSlots || first > last ||
        master.element[0]->type != REDIS_REPLY_STRING ||
        master.element[1]->type != REDIS_REPLY_INTEGER) {
      return std::nullopt;
    }
    NodeAddress node;
    node.host = std::string(master.element[0]->str, master.element[0]->len);
    if (node.host.empty() || node.host == "?") node.host = std::string(asked_host);
    node.port = static_cast<int>(master.element[1]->integer);
    auto found = std::find(map.nodes_.begin(), map.nodes_.end(), node);
    if (found == map.nodes_.end()) found = map.nodes_.insert(map.nodes_.end(), node);
    const auto index = static_cast<std::int16_t>(found - map.nodes_.begin());
    std::fill(map.slot_to_node_.begin() + first, map.slot_to_node_.begin() + last + 1, index);
  }
  if (map.nodes_.empty()) return std::nullopt;
  return map;
}

const NodeAddress* SlotMap::master_of(std::uint16_t slot) const {
  if (slot >= slot_to_node_.size() || slot_to_node_[slot] < 0) return nullptr;
  return &nodes_[static_cast<std::size_t>(slot_to_node_[slot])];
}

void SlotMap::assign(std::uint16_t slot, const NodeAddress& node) {
  if (slot_to_node_.empty()) slot_to_node_.assign(kClusterSlots, -1);
  auto found = std::find(nodes_.begin(), nodes_.end(), node);
  if (found == nodes_.end()) found = nodes_.insert(nodes_.end(), node);
  slot_to_node_[slot] = static_cast<std::int16_t>(found - nodes_.begin());
}

std::vector<NodeAddress> SlotMap::masters() const {
  std::vector<NodeAddress> used;
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    if (std::find(slot_to_node_.begin(), slot_to_node_.end(), static_cast<std::int16_t>(i)) !=
        slot_to_node_.end()) {
      used.push_back(nodes_[i]);
    }
  }
  return used;
}

}  // namespace picocache::redis

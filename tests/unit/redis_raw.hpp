// RawRedis: a plain hiredis connection for the Redis tests, to look at and write what the store
// keeps on the server without going through it (key layout 4, see redis_store.cpp), and to
// pipeline many commands when a test needs a large store fast.
#pragma once

#include <hiredis/hiredis.h>

#include <cstddef>
#include <cstdlib>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace picocache::testing {

class RawRedisConnection {
 public:
  // Connects to host:port, then AUTHs with `password` (when not empty) and SELECTs `db` (when
  // not 0); throws std::runtime_error when the connection fails.
  RawRedisConnection(const std::string& host, int port, const std::string& password = "",
                     int db = 0) {
    context_ = redisConnect(host.c_str(), port);
    if (context_ == nullptr || context_->err != 0) {
      throw std::runtime_error("raw connect to Redis at " + host + ":" + std::to_string(port) +
                               " failed");
    }
    if (!password.empty()) command({"AUTH", password});
    if (db != 0) command({"SELECT", std::to_string(db)});
  }
  ~RawRedisConnection() { redisFree(context_); }
  RawRedisConnection(const RawRedisConnection&) = delete;
  RawRedisConnection& operator=(const RawRedisConnection&) = delete;

  struct Reply {
    int type = REDIS_REPLY_NIL;
    std::string text;
    long long integer = 0;
    std::vector<std::string> elements;
  };

  // One command, one round trip.
  Reply command(const std::vector<std::string>& args) {
    append(args);
    return receive();
  }

  // Queues a command; receive() reads the replies in order.
  void append(const std::vector<std::string>& args) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    for (const std::string& arg : args) {
      argv.push_back(arg.data());
      lengths.push_back(arg.size());
    }
    if (redisAppendCommandArgv(context_, static_cast<int>(argv.size()), argv.data(),
                               lengths.data()) != REDIS_OK) {
      throw std::runtime_error("raw append failed");
    }
  }

  Reply receive() {
    void* raw_reply = nullptr;
    if (redisGetReply(context_, &raw_reply) != REDIS_OK || raw_reply == nullptr) {
      throw std::runtime_error("raw command failed");
    }
    auto* raw = static_cast<redisReply*>(raw_reply);
    Reply reply;
    reply.type = raw->type;
    reply.integer = raw->integer;
    if (raw->str != nullptr) reply.text.assign(raw->str, raw->len);
    for (std::size_t i = 0; i < raw->elements; ++i) {
      const redisReply* element = raw->element[i];
      reply.elements.emplace_back(element->str != nullptr ? std::string(element->str, element->len)
                                                          : std::string());
    }
    freeReplyObject(raw);
    return reply;
  }

  // The SLOWLOG's entries (up to 128, newest first) as "<microseconds> us: <command> <first key>".
  std::vector<std::string> slowlog() {
    std::vector<std::string> entries;
    auto* raw = static_cast<redisReply*>(redisCommand(context_, "SLOWLOG GET 128"));
    if (raw == nullptr || raw->type != REDIS_REPLY_ARRAY) throw std::runtime_error("SLOWLOG");
    for (std::size_t i = 0; i < raw->elements; ++i) {
      const redisReply* entry = raw->element[i];
      if (entry->type != REDIS_REPLY_ARRAY || entry->elements < 4) continue;
      std::string text = std::to_string(entry->element[2]->integer) + " us:";
      const redisReply* args = entry->element[3];
      for (std::size_t a = 0; a < args->elements && a < 4; ++a) {
        if (args->element[a]->str != nullptr) {
          text += " " + std::string(args->element[a]->str, args->element[a]->len).substr(0, 60);
        }
      }
      entries.push_back(text);
    }
    freeReplyObject(raw);
    return entries;
  }

  // calls per command, from INFO commandstats (commands run inside scripts count too).
  std::map<std::string, long long> command_calls() {
    const std::string info = command({"INFO", "commandstats"}).text;
    std::map<std::string, long long> calls;
    std::size_t at = 0;
    while ((at = info.find("cmdstat_", at)) != std::string::npos) {
      const std::size_t colon = info.find(':', at);
      const std::size_t count = info.find("calls=", colon) + 6;
      calls[info.substr(at + 8, colon - at - 8)] = std::atoll(info.c_str() + count);
      at = colon;
    }
    return calls;
  }

  // Every key matching `pattern`, found with SCAN (the store itself never lists keys).
  std::set<std::string> keys(const std::string& pattern = "*") {
    std::set<std::string> found;
    std::string cursor = "0";
    do {
      auto* raw = static_cast<redisReply*>(redisCommand(
          context_, "SCAN %s MATCH %b COUNT 1000", cursor.c_str(), pattern.data(), pattern.size()));
      if (raw == nullptr || raw->type != REDIS_REPLY_ARRAY) throw std::runtime_error("SCAN");
      cursor.assign(raw->element[0]->str, raw->element[0]->len);
      const redisReply* batch = raw->element[1];
      for (std::size_t i = 0; i < batch->elements; ++i) {
        found.emplace(batch->element[i]->str, batch->element[i]->len);
      }
      freeReplyObject(raw);
    } while (cursor != "0");
    return found;
  }

 private:
  redisContext* context_ = nullptr;
};

// Layout 4's key names: P = picocache:{<family>}:<id>:, the current generation's keys
// P g<gen>:...; a ref without a family has its id as its family.
inline std::string function_prefix(std::string_view id, std::string_view family = {}) {
  return "picocache:{" + std::string(family.empty() ? id : family) + "}:" + std::string(id) + ":";
}

}  // namespace picocache::testing

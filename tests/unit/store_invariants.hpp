// What the crash and load tests check in a store after the fact, read straight from it: the
// SQLite file's integrity and each function's size row against its real entry count, and the
// Redis store's recency index against its values. The queries know the store's layout (SQLite:
// picocache_functions(fid, id, name, size, ...) and picocache_entries(fid, key, ...) (layout 5,
// sqlite_store.cpp); Redis: P gen holding GEN, P gGEN:lru, P gGEN:v:KEY and P name, with
// P = picocache:{FAMILY}:ID: (layout 4, redis_store.cpp)); they are kept
// here, in one place, so a change of layout changes only this file.
#pragma once

#include <sqlite3.h>
#ifdef PICOCACHE_TEST_REDIS
#include <hiredis/hiredis.h>
#endif

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace picocache::testing {

struct FunctionCount {
  std::string id;
  std::string name;
  std::int64_t size = 0;     // what the store says (SQLite: the size row; Redis: the index)
  std::int64_t entries = 0;  // the entries it really holds
};

class SqliteFile {
 public:
  explicit SqliteFile(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      const std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      throw std::runtime_error("cannot open " + path + ": " + message);
    }
    sqlite3_busy_timeout(db_, 5000);
  }
  ~SqliteFile() { sqlite3_close(db_); }
  SqliteFile(const SqliteFile&) = delete;
  SqliteFile& operator=(const SqliteFile&) = delete;

  // "ok", or what PRAGMA integrity_check found (one line per problem).
  std::string integrity_check() {
    std::string result;
    for (const auto& row : query("PRAGMA integrity_check")) {
      if (!result.empty()) result += "\n";
      result += row.at(0);
    }
    return result;
  }

  std::vector<FunctionCount> functions() {
    std::vector<FunctionCount> counts;
    for (const auto& row :
         // An unordered function's size is its count (sqlite_store.cpp keeps none for it).
         query("SELECT id, name, coalesce(size, n), n FROM (SELECT f.*, (SELECT COUNT(*) FROM "
               "picocache_entries e WHERE e.fid = f.fid) AS n FROM picocache_functions f) "
               "ORDER BY name")) {
      counts.push_back({row.at(0), row.at(1), std::stoll(row.at(2)), std::stoll(row.at(3))});
    }
    return counts;
  }

  // Entries whose function has no row in picocache_functions.
  std::int64_t orphan_entries() {
    return std::stoll(query("SELECT COUNT(*) FROM picocache_entries WHERE fid NOT IN "
                            "(SELECT fid FROM picocache_functions)")
                          .at(0)
                          .at(0));
  }

 private:
  std::vector<std::vector<std::string>> query(const char* sql) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &statement, nullptr) != SQLITE_OK) {
      throw std::runtime_error(std::string("cannot prepare ") + sql + ": " + sqlite3_errmsg(db_));
    }
    std::vector<std::vector<std::string>> rows;
    int status = 0;
    while ((status = sqlite3_step(statement)) == SQLITE_ROW) {
      std::vector<std::string> row;
      for (int i = 0; i < sqlite3_column_count(statement); ++i) {
        const auto* text = sqlite3_column_text(statement, i);
        row.emplace_back(text ? reinterpret_cast<const char*>(text) : "");
      }
      rows.push_back(std::move(row));
    }
    sqlite3_finalize(statement);
    if (status != SQLITE_DONE) {
      throw std::runtime_error(std::string("cannot run ") + sql + ": " + sqlite3_errmsg(db_));
    }
    return rows;
  }

  sqlite3* db_ = nullptr;
};

#ifdef PICOCACHE_TEST_REDIS
// Each function's recency index size against its value keys, on a Redis server.
inline std::vector<FunctionCount> redis_functions(const std::string& host, int port) {
  std::unique_ptr<redisContext, void (*)(redisContext*)> redis(redisConnect(host.c_str(), port),
                                                               redisFree);
  if (!redis || redis->err) throw std::runtime_error("cannot connect to Redis");
  const auto command = [&](const std::vector<std::string>& args) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    for (const std::string& arg : args) {
      argv.push_back(arg.c_str());
      lengths.push_back(arg.size());
    }
    auto* reply = static_cast<redisReply*>(
        redisCommandArgv(redis.get(), static_cast<int>(argv.size()), argv.data(), lengths.data()));
    if (!reply) throw std::runtime_error("Redis command failed");
    return std::unique_ptr<redisReply, void (*)(void*)>(reply, freeReplyObject);
  };
  std::vector<FunctionCount> counts;
  const auto keys = command({"KEYS", "picocache:{*}:*:gen"});
  for (std::size_t i = 0; i < keys->elements; ++i) {
    const std::string gen_key(keys->element[i]->str, keys->element[i]->len);
    const std::string prefix = gen_key.substr(0, gen_key.size() - 3);  // "picocache:{F}:ID:"
    const auto gen = command({"GET", gen_key});
    if (!gen->str) continue;
    const std::string current = prefix + "g" + std::string(gen->str, gen->len) + ":";
    FunctionCount count;
    count.id = prefix.substr(prefix.size() - 33, 32);
    count.size = command({"ZCARD", current + "lru"})->integer;
    count.entries = static_cast<std::int64_t>(command({"KEYS", current + "v:*"})->elements);
    const auto name = command({"GET", prefix + "name"});
    if (name->str) count.name.assign(name->str, name->len);
    counts.push_back(count);
  }
  return counts;
}
#endif  // PICOCACHE_TEST_REDIS

}  // namespace picocache::testing

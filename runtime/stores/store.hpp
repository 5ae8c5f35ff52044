// The one interface every store implements (SQLite, Redis, ...). Stores report failure by
// throwing StoreError; the runtime catches it and runs the function uncached.
#pragma once

#include <picocache/key.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace picocache {

// Which function's entries an operation is about. `id` (32 hex chars) keys the data;
// `name` ("qualified_name signature") is stored beside it so tools can list functions.
struct FunctionRef {
  std::string_view id;
  std::string_view name;
};

struct FunctionSummary {
  std::string id;
  std::string name;
  std::uint64_t size = 0;
};

// A store failure; the message names the store, the operation and the cause.
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Store {
 public:
  virtual ~Store() = default;

  // The value stored for `key`, or nullopt. A hit counts as a use for the LRU order.
  virtual std::optional<std::string> get(const FunctionRef& fn, const Key128& key) = 0;

  // Inserts or replaces `key`, then evicts least recently used entries of `fn` until at most
  // `maxsize` remain (`unbounded` never evicts).
  virtual void put(const FunctionRef& fn, const Key128& key, std::string_view value,
                   std::uint64_t maxsize) = 0;

  // Removes every entry of `fn`; other functions keep theirs.
  virtual void clear(const FunctionRef& fn) = 0;

  // How many entries `fn` holds now.
  virtual std::uint64_t size(const FunctionRef& fn) = 0;

  // Every function with entries, for the command-line tool.
  virtual std::vector<FunctionSummary> functions() = 0;

  // Writes recency information that was batched in memory, if the store batches it.
  virtual void flush() {}
};

// Opens the store named by `url` (see store_url.hpp). Throws picocache::Error for a bad URL and
// StoreError when the store cannot be opened.
std::unique_ptr<Store> open_store(std::string_view url);

}  // namespace picocache

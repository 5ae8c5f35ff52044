// The `testmem:` store (see memory_test_store.hpp): exact LRU with a use counter, no persistence.
#include "memory_test_store.hpp"

#include "stores/store_registry.hpp"

#include <picocache/memoize.hpp>
#include <picocache/picocache.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <utility>

namespace picocache::testing {
namespace {

struct Entry {
  StoredEntry stored;
  std::uint64_t last_used = 0;
};

struct Data {
  std::mutex mutex;
  std::map<std::string, std::string> names;  // id -> name
  std::map<std::string, std::map<std::pair<std::uint64_t, std::uint64_t>, Entry>> entries;
  std::set<std::pair<std::string, std::pair<std::uint64_t, std::uint64_t>>> leases;
  std::map<std::string, std::uint64_t> generations;  // id -> how many clears
  struct Use {
    std::string family, version;
    std::int64_t last_used_ms = 0;
  };
  std::map<std::string, Use> uses;  // id -> its recorded use (record_use)
  std::uint64_t clock = 0;
};

class MemoryTestStore final : public Store {
 public:
  explicit MemoryTestStore(Data& data) : data_(data) {}

  StoreCapabilities capabilities() const override {
    StoreCapabilities capabilities;
    capabilities.persistent = false;
    capabilities.cross_process_leases = false;
    return capabilities;
  }

  std::optional<StoredEntry> get(const FunctionRef& fn, const Key128& key) override {
    std::lock_guard lock(data_.mutex);
    auto& entries = data_.entries[std::string(fn.id)];
    const auto it = entries.find({key.lo, key.hi});
    if (it == entries.end()) return std::nullopt;
    it->second.last_used = ++data_.clock;
    return it->second.stored;
  }

  std::optional<StoredEntry> peek(const FunctionRef& fn, const Key128& key) override {
    std::lock_guard lock(data_.mutex);
    auto& entries = data_.entries[std::string(fn.id)];
    const auto it = entries.find({key.lo, key.hi});
    if (it == entries.end()) return std::nullopt;
    return it->second.stored;
  }

  void put(const FunctionRef& fn, const Key128& key, const EntryWrite& write) override {
    std::lock_guard lock(data_.mutex);
    data_.names[std::string(fn.id)] = std::string(fn.name);
    auto& entries = data_.entries[std::string(fn.id)];
    Entry& entry = entries[{key.lo, key.hi}];
    entry.stored = StoredEntry{std::string(write.value), std::string(write.check),
                               std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count()};
    entry.last_used = ++data_.clock;
    if (write.ttl) {  // as SQLite does: expired entries go first, at the function's next put
      const std::int64_t cutoff = entry.stored.written_at - write.ttl->count();
      std::erase_if(entries, [&](const auto& e) { return e.second.stored.written_at <= cutoff; });
    }
    while (write.maxsize != unbounded && entries.size() > write.maxsize) {
      entries.erase(std::min_element(
          entries.begin(), entries.end(),
          [](const auto& a, const auto& b) { return a.second.last_used < b.second.last_used; }));
    }
  }

  void clear(const FunctionRef& fn) override {
    std::lock_guard lock(data_.mutex);
    data_.entries.erase(std::string(fn.id));
    ++data_.generations[std::string(fn.id)];
  }

  std::optional<std::uint64_t> clear_generation(const FunctionRef& fn) override {
    std::lock_guard lock(data_.mutex);
    return data_.generations[std::string(fn.id)];
  }

  std::uint64_t size(const FunctionRef& fn) override {
    std::lock_guard lock(data_.mutex);
    const auto it = data_.entries.find(std::string(fn.id));
    return it == data_.entries.end() ? 0 : it->second.size();
  }

  std::vector<FunctionSummary> functions() override {
    std::lock_guard lock(data_.mutex);
    std::vector<FunctionSummary> result;
    for (const auto& [id, entries] : data_.entries) {
      if (entries.empty()) continue;
      const Data::Use& use = data_.uses[id];
      result.push_back(
          {id, data_.names[id], entries.size(), use.family, use.version, use.last_used_ms});
    }
    return result;
  }

  void record_use(const FunctionRef& fn, std::int64_t at_ms) override {
    std::lock_guard lock(data_.mutex);
    data_.names[std::string(fn.id)] = std::string(fn.name);
    Data::Use& use = data_.uses[std::string(fn.id)];
    use.family = fn.family;
    use.version = fn.version;
    use.last_used_ms = std::max(use.last_used_ms, at_ms);
  }

  std::vector<FunctionSummary> drop_versions(std::string_view family, std::string_view keep_id,
                                             std::int64_t cutoff_ms) override {
    std::lock_guard lock(data_.mutex);
    std::vector<FunctionSummary> dropped;
    for (const auto& [id, use] : data_.uses) {
      if (use.family != family || id == keep_id || use.last_used_ms >= cutoff_ms) continue;
      const auto it = data_.entries.find(id);
      if (it == data_.entries.end() || it->second.empty()) continue;
      dropped.push_back(
          {id, data_.names[id], it->second.size(), use.family, use.version, use.last_used_ms});
      data_.entries.erase(it);
      ++data_.generations[id];
    }
    return dropped;
  }

  std::unique_ptr<KeyLease> try_lease(const FunctionRef& fn, const Key128& key,
                                      std::chrono::milliseconds) override {
    class Lease final : public KeyLease {
     public:
      Lease(Data& data, std::pair<std::string, std::pair<std::uint64_t, std::uint64_t>> what)
          : data_(data), what_(std::move(what)) {}
      ~Lease() override {
        std::lock_guard lock(data_.mutex);
        data_.leases.erase(what_);
      }
      bool renew(std::chrono::milliseconds) override { return true; }

     private:
      Data& data_;
      std::pair<std::string, std::pair<std::uint64_t, std::uint64_t>> what_;
    };
    std::lock_guard lock(data_.mutex);
    auto what = std::make_pair(std::string(fn.id), std::make_pair(key.lo, key.hi));
    if (!data_.leases.insert(what).second) return nullptr;
    return std::make_unique<Lease>(data_, std::move(what));
  }

 private:
  Data& data_;
};

Data& data_for(std::string_view url) {
  static std::mutex mutex;
  static auto* all = new std::map<std::string, Data>;
  std::lock_guard lock(mutex);
  return (*all)[std::string(url)];
}

void check(std::string_view url) {
  if (url.size() <= 8)
    throw Error("picocache: bad store URL: testmem: needs a name (testmem:NAME)");
}

}  // namespace

bool register_memory_test_store() {
  static const bool registered = [] {
    register_store_kind(StoreKind{
        "testmem",
        {"testmem"},
        "testmem:NAME",
        &check,
        [](std::string_view url, const OpenOptions&) -> std::unique_ptr<Store> {
          check(url);
          return std::make_unique<MemoryTestStore>(data_for(url));
        },
    });
    return true;
  }();
  return registered;
}

}  // namespace picocache::testing

// The process's registry of cached functions: every CachedFunction adds itself on construction
// and removes itself on destruction, so cache_info() and friends can find a function by its
// address or by its name.
#pragma once

#include <picocache/memoize.hpp>

#include <mutex>
#include <string_view>
#include <vector>

namespace picocache::detail {

class FunctionRegistry {
 public:
  // The process's registry. Never destroyed, so CachedFunction objects may be destroyed in any
  // order at exit (or by dlclose) and still find it.
  static FunctionRegistry& instance();

  void add(CachedFunction& fn);
  void remove(CachedFunction& fn);

  // The function whose wrapper is at `address`, or nullptr.
  CachedFunction* find(const FunctionAddress& address) const;

  // The functions whose qualified name is `name`, or whose "qualified_name signature" is `name`
  // exactly (then at most one, unless the same function is registered twice).
  std::vector<CachedFunction*> find(std::string_view name) const;

  // Every registered function, for messages that list them.
  std::vector<CachedFunction*> all() const;

 private:
  FunctionRegistry() = default;

  mutable std::mutex mutex_;
  std::vector<CachedFunction*> functions_;
};

}  // namespace picocache::detail

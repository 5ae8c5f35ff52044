// FunctionRegistry: a mutex-guarded list. It is read only by cache_info() and friends, never on
// a cached call, so a list beats anything cleverer.
#include "function_registry.hpp"

#include "function_names.hpp"

#include <algorithm>

namespace picocache::detail {

FunctionRegistry& FunctionRegistry::instance() {
  static FunctionRegistry* registry = new FunctionRegistry;
  return *registry;
}

void FunctionRegistry::add(CachedFunction& fn) {
  std::lock_guard lock(mutex_);
  functions_.push_back(&fn);
}

void FunctionRegistry::remove(CachedFunction& fn) {
  std::lock_guard lock(mutex_);
  const auto found = std::find(functions_.begin(), functions_.end(), &fn);
  if (found != functions_.end()) functions_.erase(found);
}

CachedFunction* FunctionRegistry::find(const FunctionAddress& address) const {
  std::lock_guard lock(mutex_);
  for (CachedFunction* fn : functions_) {
    if (fn->address() == address) return fn;
  }
  return nullptr;
}

std::vector<CachedFunction*> FunctionRegistry::find(std::string_view name) const {
  std::lock_guard lock(mutex_);
  return functions_named(
      functions_, name,
      [](const CachedFunction* fn) -> std::string_view { return fn->display_name(); },
      [](const CachedFunction* fn) -> std::string_view { return fn->qualified_name(); });
}

std::vector<CachedFunction*> FunctionRegistry::all() const {
  std::lock_guard lock(mutex_);
  return functions_;
}

}  // namespace picocache::detail

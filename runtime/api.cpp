// The public API of <picocache/picocache.hpp>: cache_info, cache_clear, cache_parameters (by
// function pointer or by name) and configure.
#include "function_registry.hpp"
#include "memory_tier.hpp"
#include "store_session.hpp"
#include "stores/store_registry.hpp"

#include <picocache/picocache.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace picocache {
namespace {

using detail::FunctionRegistry;
using detail::StoreSession;

CachedFunction& function_at(const FunctionAddress& address, const char* operation) {
  if (CachedFunction* fn = FunctionRegistry::instance().find(address)) return *fn;
  throw Error(fmt::format(
      "picocache::{}: this function is not cached (is it annotated [[picocache::cached]] and its "
      "source file in a target given to picocache_generate()?)",
      operation));
}

std::string names_of(const std::vector<CachedFunction*>& functions) {
  std::vector<std::string> names;
  names.reserve(functions.size());
  for (const CachedFunction* fn : functions) names.push_back("\"" + fn->display_name() + "\"");
  std::sort(names.begin(), names.end());
  return fmt::format("{}", fmt::join(names, ", "));
}

CachedFunction& function_named(std::string_view name, const char* operation) {
  FunctionRegistry& registry = FunctionRegistry::instance();
  const std::vector<CachedFunction*> found = registry.find(name);
  if (found.size() == 1) return *found.front();
  if (found.empty()) {
    const std::vector<CachedFunction*> all = registry.all();
    throw Error(fmt::format("picocache::{}: no cached function is named \"{}\"; {}", operation,
                            name,
                            all.empty() ? std::string("this program has no cached functions")
                                        : "the cached functions are " + names_of(all)));
  }
  throw Error(fmt::format(
      "picocache::{}: \"{}\" names {} overloads; pass the name with its signature, one of {}, "
      "or a pointer to the function",
      operation, name, found.size(), names_of(found)));
}

std::optional<std::uint64_t> maxsize_of(const CachedFunction& fn) {
  if (fn.maxsize() == unbounded) return std::nullopt;
  return fn.maxsize();
}

CacheInfo info_of(CachedFunction& fn) {
  CacheInfo info;
  info.hits = fn.hits();
  info.misses = fn.misses();
  info.maxsize = maxsize_of(fn);
  StoreSession::instance().run(
      detail::StoreAccess::read, "counting the entries of", fn,
      [&](Store& store, const FunctionRef& ref) { info.currsize = store.size(ref); });
  return info;
}

void clear(CachedFunction& fn) {
  fn.reset_counters();
  detail::tier_clear(fn);
  StoreSession::instance().run(detail::StoreAccess::write, "clearing", fn,
                               [](Store& store, const FunctionRef& ref) { store.clear(ref); });
}

CacheParameters parameters_of(const CachedFunction& fn) {
  CacheParameters parameters;
  parameters.maxsize = maxsize_of(fn);
  parameters.typed = fn.typed();
  parameters.single_flight = fn.single_flight();
  parameters.lock_timeout = fn.lock_timeout();
  if (fn.ttl() != kNoTtl) parameters.ttl = fn.ttl();
  // "v:2" is the annotation's `version = 2`; "fp:..." the code fingerprint (no version given).
  const std::string& code_version = fn.code_version();
  if (code_version.rfind("v:", 0) == 0) parameters.version = code_version.substr(2);
  return parameters;
}

}  // namespace

namespace detail {

CacheInfo cache_info(const FunctionAddress& address) {
  return info_of(function_at(address, "cache_info"));
}
void cache_clear(const FunctionAddress& address) { clear(function_at(address, "cache_clear")); }
CacheParameters cache_parameters(const FunctionAddress& address) {
  return parameters_of(function_at(address, "cache_parameters"));
}

}  // namespace detail

CacheInfo cache_info(std::string_view qualified_name) {
  return info_of(function_named(qualified_name, "cache_info"));
}
void cache_clear(std::string_view qualified_name) {
  clear(function_named(qualified_name, "cache_clear"));
}
CacheParameters cache_parameters(std::string_view qualified_name) {
  return parameters_of(function_named(qualified_name, "cache_parameters"));
}

void configure(std::string_view url) {
  check_store_url(url);  // throws Error for a bad URL, before anything changes
  StoreSession::instance().configure(url);
}

}  // namespace picocache

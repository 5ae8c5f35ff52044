// Stand-ins for the PicoCache runtime library that keep values in memory, so that lit tests can
// run generated code and see hits. Like the real runtime, the store is never destroyed.
// Lookups read the function's display name, as the real runtime reads its id: a call through a
// destroyed CachedFunction reads freed memory, which AddressSanitizer reports.
#pragma once
#include <picocache/memoize.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace picocache {
CachedFunction::CachedFunction(FunctionAddress address, const char* qualified_name,
                               const char* signature, const char* code_version,
                               std::uint64_t key_schema, std::uint64_t maxsize, bool typed,
                               FunctionOptions options)
    : address_(address),
      qualified_name_(qualified_name),
      signature_(signature),
      display_name_(std::string(qualified_name) + " " + signature),
      code_version_(code_version),
      key_schema_(key_schema),
      maxsize_(maxsize),
      typed_(typed),
      options_(options) {}
CachedFunction::~CachedFunction() = default;
std::uint64_t hash64(std::string_view bytes) {  // FNV-1a: enough for a test
  std::uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : bytes) hash = (hash ^ c) * 1099511628211ull;
  return hash;
}
Key128 hash_key(std::string_view bytes) {
  Key128 key;
  key.lo = hash64(bytes);
  return key;
}
namespace detail {
inline std::map<std::string, std::string>& memory_store() {
  static auto* store = new std::map<std::string, std::string>;
  return *store;
}
inline std::string memory_key(CachedFunction& fn, const Key128& key) {
  return fn.display_name() + "/" + std::to_string(key.lo) + "/" + std::to_string(key.hi);
}
bool lookup(CachedFunction& fn, const Key128& key, std::string_view, DecodeInto decode, void* out) {
  auto found = memory_store().find(memory_key(fn, key));
  return found != memory_store().end() && decode(found->second, out);
}
void remember(CachedFunction& fn, const Key128& key, std::string_view, std::string value) {
  memory_store()[memory_key(fn, key)] = std::move(value);
}
void report_unstorable(CachedFunction&, std::string_view) {}
// Single-flight without other callers: every miss leads, and finishing stores the value.
struct FlightState {};
Flight::Flight(CachedFunction& fn, const Key128& key, std::string_view arguments)
    : fn_(fn), key_(key), arguments_(arguments) {}
Flight::~Flight() { static_cast<void>(led_); }
void Flight::count_waited() {}
void Flight::finish(std::string value) { remember(fn_, key_, arguments_, std::move(value)); }
}  // namespace detail
}  // namespace picocache

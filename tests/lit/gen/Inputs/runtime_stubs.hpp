// Stand-ins for the PicoCache runtime library, so that lit tests can link and run generated code
// without it: every call misses (the body runs) and nothing is stored.
#pragma once
#include <picocache/memoize.hpp>

#include <cstdint>
#include <cstdio>
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
      code_version_(code_version),
      key_schema_(key_schema),
      maxsize_(maxsize),
      typed_(typed),
      options_(options) {
#ifdef PICOCACHE_STUB_PRINT_NAMES  // what a test checks of the identity generated code passes
  std::printf("function %s %s %s %016llx\n", qualified_name, signature, code_version,
              static_cast<unsigned long long>(key_schema));
#endif
}
CachedFunction::~CachedFunction() = default;
Key128 hash_key(std::string_view bytes) {
  Key128 key;
  key.lo = hash64(bytes);
  return key;
}
std::uint64_t hash64(std::string_view bytes) {  // FNV-1a: enough for a test
  std::uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : bytes) hash = (hash ^ c) * 1099511628211ull;
  return hash;
}
namespace detail {
bool lookup(CachedFunction&, const Key128&, std::string_view, DecodeInto, void*) { return false; }
void remember(CachedFunction&, const Key128&, std::string_view, std::string) {}
void report_unstorable(CachedFunction&, std::string_view) {}
struct FlightState {};
Flight::Flight(CachedFunction& fn, const Key128& key, std::string_view arguments)
    : fn_(fn), key_(key), arguments_(arguments) {}
Flight::~Flight() {  // reads every field, as the real one does (-Wunused-private-field)
  static_cast<void>(fn_);
  static_cast<void>(key_);
  static_cast<void>(arguments_);
  static_cast<void>(led_);
}
void Flight::count_waited() {}
void Flight::finish(std::string) {}
}  // namespace detail
}  // namespace picocache

// CachedFunction's identity and its place in the registry.
#include "function_registry.hpp"
#include "memory_tier.hpp"

#include <picocache/memoize.hpp>

#include <cstdio>

namespace picocache {

CachedFunction::CachedFunction(FunctionAddress address, const char* qualified_name,
                               const char* signature, const char* code_version,
                               std::uint64_t key_schema, std::uint64_t maxsize, bool typed,
                               FunctionOptions options)
    : address_(address),
      qualified_name_(qualified_name),
      signature_(signature),
      display_name_(qualified_name_ + " " + signature_),
      code_version_(code_version),
      key_schema_(key_schema),
      maxsize_(maxsize),
      typed_(typed),
      options_(options) {
  // The separators keep "a" + "bc" and "ab" + "c" apart. The family leaves out what changes
  // with the code, so every version of one function shares it.
  std::string identity = qualified_name_;
  identity += '\0';
  identity += signature_;
  identity += '\0';
  family_id_ = hash_key(identity).to_hex();
  char schema_hex[17];
  std::snprintf(schema_hex, sizeof schema_hex, "%016llx",
                static_cast<unsigned long long>(key_schema_));
  identity += code_version_;
  identity += '\0';
  identity += schema_hex;
  identity += '\0';
  // A new key or value encoding gives every function a new id: old entries are never read.
  identity += std::to_string(detail::kKeyFormatVersion);
  identity += std::to_string(detail::value_format_version);
  identity += '\0';
  id_ = hash_key(identity).to_hex();
  detail::FunctionRegistry::instance().add(*this);
}

CachedFunction::CachedFunction(FunctionAddress address, const char* qualified_name,
                               const char* signature, std::uint64_t maxsize, bool typed,
                               FunctionOptions options)
    : CachedFunction(address, qualified_name, signature, "", 0, maxsize, typed, options) {}

CachedFunction::~CachedFunction() {
  detail::tier_forget(*this);
  detail::FunctionRegistry::instance().remove(*this);
}

}  // namespace picocache

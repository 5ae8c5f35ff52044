// CachedFunction's identity and its place in the registry.
#include "function_registry.hpp"

#include <picocache/memoize.hpp>

namespace picocache {

CachedFunction::CachedFunction(FunctionAddress address, const char* qualified_name,
                               const char* signature, std::uint64_t maxsize, bool typed,
                               FunctionOptions options)
    : address_(address),
      qualified_name_(qualified_name),
      signature_(signature),
      display_name_(qualified_name_ + " " + signature_),
      maxsize_(maxsize),
      typed_(typed),
      options_(options) {
  // The salt (the annotation's `version`, a later key) is empty for now; the separators keep
  // "a" + "bc" and "ab" + "c" apart.
  std::string identity = qualified_name_;
  identity += '\0';
  identity += signature_;
  identity += '\0';
  id_ = hash_key(identity).to_hex();
  // The family: the name and signature alone, shared by every code version of the function.
  family_id_ = hash_key(qualified_name_ + '\0' + signature_ + '\0').to_hex();
  detail::FunctionRegistry::instance().add(*this);
}

CachedFunction::~CachedFunction() { detail::FunctionRegistry::instance().remove(*this); }

}  // namespace picocache

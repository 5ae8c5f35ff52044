// A type's schema: the text its codecs describe, and a 64-bit fingerprint of it. A stored value
// carries the fingerprint of its type, so a value written for an older shape of that type (a
// struct that has since gained a field) is recognised and treated as a miss, never misread.
#pragma once

#include <picocache/codec/codec_traits.hpp>
#include <picocache/key.hpp>

#include <cstdint>
#include <string>

namespace picocache {

template <class T>
std::string schema_of() {
  std::string schema;
  detail::describe_into<T>(schema);
  return schema;
}

template <class T>
std::uint64_t schema_fingerprint() {
  static const std::uint64_t kFingerprint = hash64(schema_of<T>());
  return kFingerprint;
}

}  // namespace picocache

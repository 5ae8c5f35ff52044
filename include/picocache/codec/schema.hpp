// A type's schema: the text its codecs describe, and a 64-bit fingerprint of it. A stored value
// carries the fingerprint of its type, so a value written for an older shape of that type (a
// struct that has since gained a field) is recognised and treated as a miss, never misread.
#pragma once

#include <picocache/codec/codec_traits.hpp>
#include <picocache/key.hpp>

#include <cstdint>
#include <string>

namespace picocache {

// T's schema description (codec.hpp lists the notation; CodecSchema.Descriptions in
// tests/unit/codec_test.cpp pins it). Throws only std::bad_alloc.
template <class T>
std::string schema_of() {
  std::string schema;
  detail::describe_into<T>(schema);
  return schema;
}

// hash64 of schema_of<T>(), computed once per type: what a stored value's header carries.
template <class T>
std::uint64_t schema_fingerprint() {
  static const std::uint64_t kFingerprint = hash64(schema_of<T>());
  return kFingerprint;
}

}  // namespace picocache

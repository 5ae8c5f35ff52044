// The canonical encoding of values: Encoder, Decoder, the Codec<T> customisation point, the
// codecs for standard types, schema fingerprints, and the limits (CodecLimits) both ends enforce.
// C++17, header-only; works with -fno-exceptions and -fno-rtti (see codec/exception_mode.hpp).
//
// Schema descriptions (what schema_of<T>() returns):
//   b  bool          i  signed integer      u  unsigned integer or character
//   f  float/double  s  std::string(_view)  mono  std::monostate
//   enum<U>  vec<T>  deque<T>  list<T>  arr<N,T>  set<T>  multiset<T>  map<K,V>  multimap<K,V>
//   uset<T>  umultiset<T>  umap<K,V>  umultimap<K,V>  pair<A,B>  tup<A,B,...>  opt<T>
//   var<A|B|...>  dur<num/den,Rep>  ptr<T> (unique_ptr, shared_ptr)  bits<N>  cplx<T>
//   std::span<T> (C++20, encode only) describes itself as vec<T>. An enum picocache-gen saw
//   describes its enumerators, enum<i32;Ok=0,Error=1>; other enums enum<U>.
#pragma once

#include <picocache/codec/array_codec.hpp>
#include <picocache/codec/bitset_codec.hpp>
#include <picocache/codec/codec_limits.hpp>
#include <picocache/codec/codec_traits.hpp>
#include <picocache/codec/complex_codec.hpp>
#include <picocache/codec/decode_error.hpp>
#include <picocache/codec/decoder.hpp>
#include <picocache/codec/duration_codec.hpp>
#include <picocache/codec/encode_mode.hpp>
#include <picocache/codec/encoder.hpp>
#include <picocache/codec/exception_mode.hpp>
#include <picocache/codec/floating_codecs.hpp>
#include <picocache/codec/integer_codecs.hpp>
#include <picocache/codec/optional_codec.hpp>
#include <picocache/codec/ordered_container_codecs.hpp>
#include <picocache/codec/pointer_codecs.hpp>
#include <picocache/codec/schema.hpp>
#include <picocache/codec/sequence_codecs.hpp>
#include <picocache/codec/span_codec.hpp>
#include <picocache/codec/string_codecs.hpp>
#include <picocache/codec/tuple_codecs.hpp>
#include <picocache/codec/unordered_container_codecs.hpp>
#include <picocache/codec/variant_codec.hpp>

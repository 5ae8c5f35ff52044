// Codecs for std::unordered_set/map and their multi forms. Iteration order depends on insertion
// order, bucket count and the library, so each element is encoded on its own and the byte
// strings are sorted: equal containers always give equal bytes, in every mode. Elements delimit
// themselves, so the sorted encodings are simply concatenated after the count.
#pragma once

#include <picocache/codec/container_support.hpp>

#include <algorithm>
#include <cstddef>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace picocache {
namespace detail {

template <class Container, class EncodeElement>
void encode_sorted_elements(Encoder& e, const Container& container, EncodeElement encode_element) {
  std::vector<std::string> encoded;
  encoded.reserve(container.size());
  for (const auto& element : container) {
    std::string& bytes = encoded.emplace_back();
    Encoder element_encoder = e.part(bytes);  // counts toward e's limits
    encode_element(element_encoder, element);
    e.absorb(element_encoder);
  }
  std::sort(encoded.begin(), encoded.end());
  e.write_varint(encoded.size());
  for (const std::string& bytes : encoded) e.write_raw(bytes);
}

template <class Set>
struct UnorderedSetCodec {
  using Key = typename Set::key_type;

  static void encode(Encoder& e, const Set& value) {
    encode_sorted_elements(
        e, value, [](Encoder& element_encoder, const Key& key) { element_encoder.write(key); });
  }
  static constexpr std::size_t kMinEncodedSize = 1;

  static Set decode(Decoder& d) {
    const std::size_t count = read_element_count<Key>(d);
    Set value;
    reserve_for_decode(value, count);
    for (std::size_t i = 0; i < count && !d.failed(); ++i) value.insert(d.read<Key>());
    return value;
  }
  static void skip(Decoder& d) { skip_elements<Key>(d); }
};

template <class Map>
struct UnorderedMapCodec {
  using Key = typename Map::key_type;
  using Mapped = typename Map::mapped_type;

  static void encode(Encoder& e, const Map& value) {
    encode_sorted_elements(e, value, [](Encoder& element_encoder, const auto& element) {
      element_encoder.write(element.first);
      element_encoder.write(element.second);
    });
  }
  static constexpr std::size_t kMinEncodedSize = 1;

  static Map decode(Decoder& d) {
    const std::size_t count = read_element_count<Key, Mapped>(d);
    Map value;
    reserve_for_decode(value, count);
    for (std::size_t i = 0; i < count && !d.failed(); ++i) {
      Key key = d.read<Key>();
      Mapped mapped = d.read<Mapped>();
      value.emplace(std::move(key), std::move(mapped));
    }
    return value;
  }
  static void skip(Decoder& d) { skip_elements<Key, Mapped>(d); }
};

}  // namespace detail

template <class Key, class Hash, class Equal, class Allocator>
struct Codec<std::unordered_set<Key, Hash, Equal, Allocator>>
    : detail::UnorderedSetCodec<std::unordered_set<Key, Hash, Equal, Allocator>> {
  static void describe(std::string& schema) { detail::describe_composite<Key>(schema, "uset"); }
};

template <class Key, class Hash, class Equal, class Allocator>
struct Codec<std::unordered_multiset<Key, Hash, Equal, Allocator>>
    : detail::UnorderedSetCodec<std::unordered_multiset<Key, Hash, Equal, Allocator>> {
  static void describe(std::string& schema) {
    detail::describe_composite<Key>(schema, "umultiset");
  }
};

template <class Key, class T, class Hash, class Equal, class Allocator>
struct Codec<std::unordered_map<Key, T, Hash, Equal, Allocator>>
    : detail::UnorderedMapCodec<std::unordered_map<Key, T, Hash, Equal, Allocator>> {
  static void describe(std::string& schema) { detail::describe_composite<Key, T>(schema, "umap"); }
};

template <class Key, class T, class Hash, class Equal, class Allocator>
struct Codec<std::unordered_multimap<Key, T, Hash, Equal, Allocator>>
    : detail::UnorderedMapCodec<std::unordered_multimap<Key, T, Hash, Equal, Allocator>> {
  static void describe(std::string& schema) {
    detail::describe_composite<Key, T>(schema, "umultimap");
  }
};

}  // namespace picocache

// Codecs for std::set, std::multiset, std::map and std::multimap: the count, then the elements
// in the container's own (sorted, so canonical) order; a map element is its key then its value.
#pragma once

#include <picocache/codec/container_support.hpp>

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <utility>

namespace picocache {
namespace detail {

template <class Set>
struct OrderedSetCodec {
  using Key = typename Set::key_type;

  static void encode(Encoder& e, const Set& value) { encode_elements(e, value); }
  static constexpr std::size_t kMinEncodedSize = 1;

  static Set decode(Decoder& d) {
    const std::size_t count = read_element_count<Key>(d);
    Set value;
    // Stored elements are already sorted, so the end is the right hint and insertion is O(1).
    for (std::size_t i = 0; i < count && !d.failed(); ++i) {
      value.emplace_hint(value.end(), d.read<Key>());
    }
    return value;
  }
  static void skip(Decoder& d) { skip_elements<Key>(d); }
};

template <class Map>
struct OrderedMapCodec {
  using Key = typename Map::key_type;
  using Mapped = typename Map::mapped_type;

  static void encode(Encoder& e, const Map& value) {
    e.write_varint(value.size());
    for (const auto& [key, mapped] : value) {
      e.write(key);
      e.write(mapped);
    }
  }
  static constexpr std::size_t kMinEncodedSize = 1;

  static Map decode(Decoder& d) {
    const std::size_t count = read_element_count<Key, Mapped>(d);
    Map value;
    for (std::size_t i = 0; i < count && !d.failed(); ++i) {
      Key key = d.read<Key>();
      Mapped mapped = d.read<Mapped>();
      value.emplace_hint(value.end(), std::move(key), std::move(mapped));
    }
    return value;
  }
  static void skip(Decoder& d) { skip_elements<Key, Mapped>(d); }
};

}  // namespace detail

template <class Key, class Compare, class Allocator>
struct Codec<std::set<Key, Compare, Allocator>>
    : detail::OrderedSetCodec<std::set<Key, Compare, Allocator>> {
  static void describe(std::string& schema) { detail::describe_composite<Key>(schema, "set"); }
};

template <class Key, class Compare, class Allocator>
struct Codec<std::multiset<Key, Compare, Allocator>>
    : detail::OrderedSetCodec<std::multiset<Key, Compare, Allocator>> {
  static void describe(std::string& schema) { detail::describe_composite<Key>(schema, "multiset"); }
};

template <class Key, class T, class Compare, class Allocator>
struct Codec<std::map<Key, T, Compare, Allocator>>
    : detail::OrderedMapCodec<std::map<Key, T, Compare, Allocator>> {
  static void describe(std::string& schema) { detail::describe_composite<Key, T>(schema, "map"); }
};

template <class Key, class T, class Compare, class Allocator>
struct Codec<std::multimap<Key, T, Compare, Allocator>>
    : detail::OrderedMapCodec<std::multimap<Key, T, Compare, Allocator>> {
  static void describe(std::string& schema) {
    detail::describe_composite<Key, T>(schema, "multimap");
  }
};

}  // namespace picocache

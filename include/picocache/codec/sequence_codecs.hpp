// Codecs for std::vector, std::deque and std::list: the count, then the elements in order.
#pragma once

#include <picocache/codec/container_support.hpp>

#include <cstddef>
#include <deque>
#include <list>
#include <string>
#include <vector>

namespace picocache {

template <class T, class Allocator>
struct Codec<std::vector<T, Allocator>> {
  using Vector = std::vector<T, Allocator>;

  static void encode(Encoder& e, const Vector& value) { detail::encode_elements(e, value); }
  static constexpr std::size_t kMinEncodedSize = 1;

  static Vector decode(Decoder& d) {
    const std::size_t count = detail::read_element_count<T>(d);
    Vector value;
    detail::reserve_for_decode(value, count);
    for (std::size_t i = 0; i < count && !d.failed(); ++i) value.push_back(d.read<T>());
    return value;
  }
  static void skip(Decoder& d) { detail::skip_elements<T>(d); }
  static void describe(std::string& schema) { detail::describe_composite<T>(schema, "vec"); }
};

template <class T, class Allocator>
struct Codec<std::deque<T, Allocator>> {
  using Deque = std::deque<T, Allocator>;

  static void encode(Encoder& e, const Deque& value) { detail::encode_elements(e, value); }
  static constexpr std::size_t kMinEncodedSize = 1;

  static Deque decode(Decoder& d) {
    const std::size_t count = detail::read_element_count<T>(d);
    Deque value;
    for (std::size_t i = 0; i < count && !d.failed(); ++i) value.push_back(d.read<T>());
    return value;
  }
  static void skip(Decoder& d) { detail::skip_elements<T>(d); }
  static void describe(std::string& schema) { detail::describe_composite<T>(schema, "deque"); }
};

template <class T, class Allocator>
struct Codec<std::list<T, Allocator>> {
  using List = std::list<T, Allocator>;

  static void encode(Encoder& e, const List& value) { detail::encode_elements(e, value); }
  static constexpr std::size_t kMinEncodedSize = 1;

  static List decode(Decoder& d) {
    const std::size_t count = detail::read_element_count<T>(d);
    List value;
    for (std::size_t i = 0; i < count && !d.failed(); ++i) value.push_back(d.read<T>());
    return value;
  }
  static void skip(Decoder& d) { detail::skip_elements<T>(d); }
  static void describe(std::string& schema) { detail::describe_composite<T>(schema, "list"); }
};

}  // namespace picocache

// Fuzz target: record codecs shaped like the ones picocache-gen writes (see
// tests/lit/gen/codecs.cpp): members read in order through read_into, a base class, nested
// records, an enum, std::optional, std::variant, containers of records and a recursive type.
#include "fuzz_check.hpp"

#include <picocache/codec.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace inventory {

enum class Unit : std::uint8_t { piece, kilogram };

struct Money {
  std::int64_t cents = 0;
  std::string currency = "EUR";
};

struct Entity {
  std::uint32_t id = 0;
};

struct Item : Entity {
  std::string name;
  Money price;
  Unit unit = Unit::piece;
};

// A recursive record: a category holds its subcategories.
struct Category {
  std::string label;
  std::vector<Category> children;
};

struct Order {
  std::vector<Item> items;
  std::map<std::string, Money> discounts;
  std::optional<Item> gift;
  std::pair<int, Unit> priority{0, Unit::piece};
  std::variant<std::monostate, Money, std::string> payment;
  Category category;
};

}  // namespace inventory

namespace picocache_generated {
namespace {
template <class T>
void read_into(::picocache::Decoder& decoder, T& member) {
  member = decoder.read<T>();
}
}  // namespace
}  // namespace picocache_generated

namespace picocache {

template <>
struct Codec<::inventory::Money> {
  static void encode(Encoder& encoder, const ::inventory::Money& value) {
    encoder.write(value.cents);
    encoder.write(value.currency);
  }
  static ::inventory::Money decode(Decoder& decoder) {
    ::inventory::Money value{};
    ::picocache_generated::read_into(decoder, value.cents);
    ::picocache_generated::read_into(decoder, value.currency);
    return value;
  }
  static void describe(std::string& schema) {
    schema += "rec<inventory::Money;cents:";
    ::picocache::detail::describe_into<std::int64_t>(schema);
    schema += ";currency:";
    ::picocache::detail::describe_into<std::string>(schema);
    schema += '>';
  }
};

template <>
struct Codec<::inventory::Entity> {
  static void encode(Encoder& encoder, const ::inventory::Entity& value) {
    encoder.write(value.id);
  }
  static ::inventory::Entity decode(Decoder& decoder) {
    ::inventory::Entity value{};
    ::picocache_generated::read_into(decoder, value.id);
    return value;
  }
  static void describe(std::string& schema) {
    schema += "rec<inventory::Entity;id:";
    ::picocache::detail::describe_into<std::uint32_t>(schema);
    schema += '>';
  }
};

template <>
struct Codec<::inventory::Item> {
  static void encode(Encoder& encoder, const ::inventory::Item& value) {
    encoder.write(static_cast<const ::inventory::Entity&>(value));
    encoder.write(value.name);
    encoder.write(value.price);
    encoder.write(value.unit);
  }
  static ::inventory::Item decode(Decoder& decoder) {
    ::inventory::Item value{};
    static_cast<::inventory::Entity&>(value) = decoder.read<::inventory::Entity>();
    ::picocache_generated::read_into(decoder, value.name);
    ::picocache_generated::read_into(decoder, value.price);
    ::picocache_generated::read_into(decoder, value.unit);
    return value;
  }
  static void describe(std::string& schema) {
    schema += "rec<inventory::Item;^";
    ::picocache::detail::describe_into<::inventory::Entity>(schema);
    schema += ";name:";
    ::picocache::detail::describe_into<std::string>(schema);
    schema += ";price:";
    ::picocache::detail::describe_into<::inventory::Money>(schema);
    schema += ";unit:";
    ::picocache::detail::describe_into<::inventory::Unit>(schema);
    schema += '>';
  }
};

template <>
struct Codec<::inventory::Category> {
  static void encode(Encoder& encoder, const ::inventory::Category& value) {
    encoder.write(value.label);
    encoder.write(value.children);
  }
  static ::inventory::Category decode(Decoder& decoder) {
    ::inventory::Category value{};
    ::picocache_generated::read_into(decoder, value.label);
    ::picocache_generated::read_into(decoder, value.children);
    return value;
  }
  static void describe(std::string& schema) {
    static thread_local bool active = false;  // a recursive type names itself where it recurs
    if (active) {
      schema += "rec<inventory::Category>";
      return;
    }
    active = true;
    schema += "rec<inventory::Category";
    schema += ";label:";
    ::picocache::detail::describe_into<std::string>(schema);
    schema += ";children:";
    ::picocache::detail::describe_into<std::vector<::inventory::Category>>(schema);
    schema += '>';
    active = false;
  }
};

template <>
struct Codec<::inventory::Order> {
  static void encode(Encoder& encoder, const ::inventory::Order& value) {
    encoder.write(value.items);
    encoder.write(value.discounts);
    encoder.write(value.gift);
    encoder.write(value.priority);
    encoder.write(value.payment);
    encoder.write(value.category);
  }
  static ::inventory::Order decode(Decoder& decoder) {
    ::inventory::Order value{};
    ::picocache_generated::read_into(decoder, value.items);
    ::picocache_generated::read_into(decoder, value.discounts);
    ::picocache_generated::read_into(decoder, value.gift);
    ::picocache_generated::read_into(decoder, value.priority);
    ::picocache_generated::read_into(decoder, value.payment);
    ::picocache_generated::read_into(decoder, value.category);
    return value;
  }
  static void describe(std::string& schema) {
    schema += "rec<inventory::Order;items:";
    ::picocache::detail::describe_into<std::vector<::inventory::Item>>(schema);
    schema += ";discounts:";
    ::picocache::detail::describe_into<std::map<std::string, ::inventory::Money>>(schema);
    schema += ";gift:";
    ::picocache::detail::describe_into<std::optional<::inventory::Item>>(schema);
    schema += ";priority:";
    ::picocache::detail::describe_into<std::pair<int, ::inventory::Unit>>(schema);
    schema += ";payment:";
    ::picocache::detail::describe_into<
        std::variant<std::monostate, ::inventory::Money, std::string>>(schema);
    schema += ";category:";
    ::picocache::detail::describe_into<::inventory::Category>(schema);
    schema += '>';
  }
};

}  // namespace picocache

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  picocache::fuzz::decode_and_reencode<inventory::Order>(bytes);
  picocache::fuzz::decode_and_reencode<inventory::Category>(bytes);
  picocache::fuzz::decode_and_reencode<std::vector<inventory::Item>>(bytes);
  return 0;
}

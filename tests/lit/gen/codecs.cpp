// Generated codecs for user records: public and private members (no friend needed), base classes,
// nested records, enums, records inside standard containers. The program at the end (compiled
// with -DDRIVER, against stand-ins for the runtime) round-trips values through the generated
// codecs and prints their schemas.
//
// RUN: %picocache-gen %s -o %t.cpp -- -std=c++17
// RUN: grep -v -e CHECK -e RUN %t.cpp | %FileCheck %s
// RUN: %cxx17 -DDRIVER -I%S/Inputs %t.cpp -o %t.gcc && %t.gcc | %FileCheck %s --check-prefix=OUT
// RUN: %clangxx17 -DDRIVER -I%S/Inputs %t.cpp -o %t.clang && %t.clang | %FileCheck %s --check-prefix=OUT
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
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

// A class with private members and a public base.
class Item : public Entity {
 public:
  Item() = default;
  Item(std::uint32_t item_id, std::string name, Money price, Unit unit) : name_(std::move(name)), price_(price), unit_(unit) {
    id = item_id;
  }
  const std::string& name() const { return name_; }
  const Money& price() const { return price_; }
  Unit unit() const { return unit_; }

 private:
  std::string name_;
  Money price_;  // a nested record
  Unit unit_ = Unit::piece;
};

struct Order {
  std::vector<Item> items;
  std::map<std::string, Money> discounts;
  std::optional<Item> gift;
  std::pair<int, Unit> priority{0, Unit::piece};
};

struct Empty {};

// Codecs come in dependency order, each once, before the first function that needs them.
// CHECK: struct Codec<::inventory::Entity> {
// Each codec starts with the tripwire: the layout picocache-gen saw, asserted where the compiler
// compiles it (offsets only for the public members of standard-layout types).
// CHECK: struct Codec<::inventory::Money> {
// CHECK-NEXT:   static_assert(sizeof(::inventory::Money) == 40, "picocache-gen saw another layout of inventory::Money: it parsed this file with other flags than the compiler");
// CHECK-NEXT:   static_assert(offsetof(::inventory::Money, cents) == 0, "picocache-gen saw another layout of inventory::Money: it parsed this file with other flags than the compiler");
// CHECK-NEXT:   static_assert(offsetof(::inventory::Money, currency) == 8, "picocache-gen saw another layout of inventory::Money: it parsed this file with other flags than the compiler");
// CHECK: template struct access<tag_0_{{[0-9a-f]+}}, decltype(&::inventory::Item::name_), &::inventory::Item::name_>;
// CHECK: template struct access<tag_1_{{[0-9a-f]+}}, decltype(&::inventory::Item::price_), &::inventory::Item::price_>;
// CHECK: template struct access<tag_2_{{[0-9a-f]+}}, decltype(&::inventory::Item::unit_), &::inventory::Item::unit_>;
// CHECK: struct Codec<::inventory::Item> {
// CHECK-NEXT:   static_assert(sizeof(::inventory::Item) == 88, "picocache-gen saw another layout of inventory::Item: it parsed this file with other flags than the compiler");
// CHECK-NEXT:   static void encode(Encoder& encoder, const ::inventory::Item& value) {
// CHECK-NEXT:     encoder.write(static_cast<const ::inventory::Entity&>(value));
// CHECK-NEXT:     encoder.write(value.*picocache_member(::picocache_generated::tag_0_{{[0-9a-f]+}}{}));
// CHECK-NEXT:     encoder.write(value.*picocache_member(::picocache_generated::tag_1_{{[0-9a-f]+}}{}));
// CHECK-NEXT:     encoder.write(value.*picocache_member(::picocache_generated::tag_2_{{[0-9a-f]+}}{}));
// CHECK-NEXT:   }
// CHECK-NEXT:   static ::inventory::Item decode(Decoder& decoder) {
// CHECK-NEXT:     ::inventory::Item value{};
// CHECK-NEXT:     static_cast<::inventory::Entity&>(value) = decoder.read<::inventory::Entity>();
// CHECK-NEXT:     ::picocache_generated::read_into(decoder, value.*picocache_member(::picocache_generated::tag_0_{{[0-9a-f]+}}{}));
// CHECK: struct Codec<::inventory::Order> {
// CHECK-NOT: struct Codec<::inventory::Item>
// CHECK: Order total_order(const Order& order, double rate)
[[picocache::cached]] Order total_order(const Order& order, double rate) {
  Order out = order;
  for (auto& [name, money] : out.discounts) money.cents = static_cast<std::int64_t>(money.cents * rate);
  return out;
}

// CHECK: struct Codec<::inventory::Empty> {
// CHECK: encoder.write_u8(0);
[[picocache::cached]] Empty nothing(Empty e) { return e; }

}  // namespace inventory

#ifdef DRIVER
#include "runtime_stubs.hpp"

#include <iostream>

template <class T>
T round_trip(const T& value) {
  std::string bytes;
  picocache::Encoder encoder(bytes);
  encoder.write(value);
  picocache::Decoder decoder(bytes);
  T back = decoder.read<T>();
  decoder.expect_end();
  return back;
}

int main() {
  using namespace inventory;
  Order order;
  order.items.push_back(Item(7, "flour", Money{250, "EUR"}, Unit::kilogram));
  order.items.push_back(Item(9, "egg", Money{30, "USD"}, Unit::piece));
  order.discounts["spring"] = Money{-50, "EUR"};
  order.gift = Item(1, "pen", Money{0, "EUR"}, Unit::piece);
  order.priority = {2, Unit::kilogram};
  const Order back = round_trip(order);
  // OUT: items 2 flour 7 250 EUR 1 egg 9 30 USD 0
  std::cout << "items " << back.items.size();
  for (const Item& item : back.items) {
    std::cout << ' ' << item.name() << ' ' << item.id << ' ' << item.price().cents << ' ' << item.price().currency << ' '
              << static_cast<int>(item.unit());
  }
  // OUT-NEXT: discount -50 gift pen priority 2 1
  std::cout << "\ndiscount " << back.discounts.at("spring").cents << " gift " << back.gift->name() << " priority "
            << back.priority.first << ' ' << static_cast<int>(back.priority.second) << '\n';
  // The wrapper runs the body (the stand-in store always misses).
  // OUT-NEXT: cached call 2 -25
  const Order discounted = total_order(order, 0.5);
  std::cout << "cached call " << discounted.items.size() << ' ' << discounted.discounts.at("spring").cents << '\n';
  // Schemas name every member with its type, bases and nested records included.
  // OUT-NEXT: rec<inventory::Item;^rec<inventory::Entity;id:u>;name_:s;price_:rec<inventory::Money;cents:i;currency:s>;unit_:enum<u8;piece=0,kilogram=1>>
  std::cout << picocache::schema_of<Item>() << '\n';
  // OUT-NEXT: rec<inventory::Order;items:vec<rec<inventory::Item;{{.*}}>>;discounts:map<s,rec<inventory::Money;cents:i;currency:s>>;gift:opt<rec<inventory::Item;{{.*}}>>;priority:pair<i,enum<u8;piece=0,kilogram=1>>>
  std::cout << picocache::schema_of<Order>() << '\n';
  // OUT-NEXT: rec<inventory::Empty> 1
  std::string bytes;
  picocache::Encoder encoder(bytes);
  encoder.write(round_trip(Empty{}));
  std::cout << picocache::schema_of<Empty>() << ' ' << bytes.size() << '\n';
  return nothing(Empty{}), 0;
}
#endif

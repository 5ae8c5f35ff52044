// Fuzz target: the Decoder and every standard codec. The first byte picks the type, the rest is
// decoded as a stored value of it; a decoded value must re-encode canonically.
#include "fuzz_check.hpp"

#include <picocache/codec.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <variant>
#include <vector>

namespace {

enum class Colour : std::uint8_t { red, green, blue };
enum Plain : int { kPlainA = -3, kPlainB = 7 };

using Nested = std::vector<std::optional<std::map<int, std::variant<std::string, double>>>>;

template <class... Ts>
struct TypeList {};

using Types =
    TypeList<bool, char, signed char, unsigned char, std::int16_t, std::uint16_t, std::int32_t,
             std::uint32_t, std::int64_t, std::uint64_t, float, double, std::string, Colour, Plain,
             std::vector<int>, std::vector<std::string>, std::vector<bool>, std::deque<double>,
             std::list<std::int64_t>, std::array<std::uint16_t, 3>, std::set<std::string>,
             std::multiset<int>, std::map<std::string, int>, std::multimap<int, std::string>,
             std::unordered_set<int>, std::unordered_multiset<std::string>,
             std::unordered_map<std::string, std::vector<int>>, std::unordered_multimap<int, int>,
             std::pair<int, std::string>, std::tuple<>, std::tuple<bool, double, std::string>,
             std::optional<std::string>, std::variant<std::monostate, int, std::string>,
             std::variant<int, unsigned, double>, std::chrono::milliseconds,
             std::chrono::duration<double, std::ratio<1, 3>>, Nested>;

template <class... Ts>
void decode_one(std::size_t selector, std::string_view bytes, TypeList<Ts...>) {
  std::size_t index = 0;
  // Exactly one alternative runs: the one whose index is `selector`.
  ((index++ == selector ? static_cast<void>(picocache::fuzz::decode_and_reencode<Ts>(bytes))
                        : static_cast<void>(0)),
   ...);
}

template <class... Ts>
constexpr std::size_t count(TypeList<Ts...>) {
  return sizeof...(Ts);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  decode_one(data[0] % count(Types{}), bytes, Types{});
  return 0;
}

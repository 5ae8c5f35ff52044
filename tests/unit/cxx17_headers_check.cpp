// Compiled, never run: the public headers must build as C++17 without warnings in users'
// projects, so this instantiates their templates under -std=c++17 -Werror (see CMakeLists.txt),
// with and without -fno-exceptions -fno-rtti.
#include <picocache/codec.hpp>
#include <picocache/key.hpp>
#include <picocache/memoize.hpp>
#include <picocache/picocache.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <variant>
#include <vector>

namespace picocache_cxx17_check {

enum class Mode : unsigned char { fast, exact };

using Everything =
    std::tuple<bool, char, signed char, unsigned char, wchar_t, char16_t, char32_t, short, int,
               long, long long, unsigned short, unsigned, unsigned long, unsigned long long, float,
               double, Mode, std::string, std::vector<int>, std::vector<bool>, std::deque<double>,
               std::list<std::string>, std::array<int, 4>, std::set<int>, std::multiset<int>,
               std::map<std::string, int>, std::multimap<int, int>, std::unordered_set<std::string>,
               std::unordered_multiset<int>, std::unordered_map<int, std::vector<float>>,
               std::unordered_multimap<int, int>, std::pair<int, std::string>, std::tuple<>,
               std::optional<std::optional<int>>,
               std::variant<std::monostate, int, double, std::string, std::vector<int>>,
               std::chrono::milliseconds, std::chrono::duration<double>>;

std::string encode_everything(const Everything& value, std::string_view view) {
  std::string bytes;
  picocache::Encoder encoder(bytes, picocache::EncodeMode::key);
  encoder.write(value);
  encoder.write(view);
  return bytes;
}

Everything decode_everything(std::string_view bytes) {
  picocache::Decoder decoder(bytes);
  Everything value = decoder.read<Everything>();
  decoder.expect_end();
  return value;
}

// As memoize stores and reads results, and within limits of one's own.
std::optional<Everything> through_store(const Everything& value) {
  const std::optional<std::string> stored = picocache::detail::encode_value(value);
  if (!stored) return std::nullopt;
  return picocache::detail::decode_value<Everything>(*stored);
}

bool decodes_within(std::string_view bytes, const picocache::CodecLimits& limits) {
  picocache::Decoder decoder(bytes, limits);
  static_cast<void>(decoder.read<Everything>());
  decoder.expect_end();
  return !decoder.failed();
}

std::string describe_everything() { return picocache::schema_of<Everything>(); }

std::uint64_t fingerprint_everything() { return picocache::schema_fingerprint<Everything>(); }

std::string key_hex(std::string_view bytes) { return picocache::hash_key(bytes).to_hex(); }

}  // namespace picocache_cxx17_check

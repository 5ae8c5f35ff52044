// store_call_bound() and its parser: see store_timeouts.hpp.
#include "stores/store_timeouts.hpp"

#include <charconv>
#include <cstdlib>

namespace picocache::detail {

std::optional<std::chrono::milliseconds> parse_store_timeout(std::string_view text) {
  std::int64_t number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc{} || end == text.data() || number <= 0) return std::nullopt;
  const std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  if (unit == "ms") return std::chrono::milliseconds(number);
  if (unit.empty() || unit == "s") return std::chrono::seconds(number);
  if (unit == "min") return std::chrono::minutes(number);
  return std::nullopt;
}

std::chrono::milliseconds store_call_bound() {
  static const std::chrono::milliseconds kBound = [] {
    const char* text = std::getenv("PICOCACHE_STORE_TIMEOUT");
    const auto parsed = text ? parse_store_timeout(text) : std::nullopt;
    return parsed.value_or(std::chrono::seconds(1));
  }();
  return kBound;
}

}  // namespace picocache::detail

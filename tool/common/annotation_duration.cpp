// Parses the duration grammar of annotation keys; see annotation_duration.hpp.
#include "annotation_duration.hpp"

#include <cstdint>
#include <limits>

namespace picocache::tooling {
namespace {

// Digits with optional ' separators (C++14 digit separators), as a non-negative count, or
// nullopt on anything else or overflow.
std::optional<std::uint64_t> parse_count(std::string_view digits) {
  if (digits.empty() || digits.front() == '\'' || digits.back() == '\'') return std::nullopt;
  std::uint64_t value = 0;
  bool any = false;
  for (char c : digits) {
    if (c == '\'') continue;
    if (c < '0' || c > '9') return std::nullopt;
    if (value > (std::numeric_limits<std::uint64_t>::max() - 9) / 10) return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
    any = true;
  }
  if (!any) return std::nullopt;
  return value;
}

std::optional<std::chrono::milliseconds> scaled(std::uint64_t count, std::uint64_t unit_ms) {
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (count > kMax / unit_ms) return std::nullopt;
  return std::chrono::milliseconds(static_cast<std::int64_t>(count * unit_ms));
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_annotation_duration(std::string_view spelling) {
  if (spelling.size() < 2 || spelling.front() != '"' || spelling.back() != '"') {
    // An integer literal: seconds. A leading 0 would be octal in C++: only "0" itself.
    if (spelling.size() > 1 && spelling.front() == '0') return std::nullopt;
    std::optional<std::uint64_t> seconds = parse_count(spelling);
    return seconds ? scaled(*seconds, 1000) : std::nullopt;
  }
  const std::string_view text = spelling.substr(1, spelling.size() - 2);
  std::size_t digits = 0;
  while (digits < text.size() &&
         ((text[digits] >= '0' && text[digits] <= '9') || text[digits] == '\''))
    ++digits;
  std::optional<std::uint64_t> count = parse_count(text.substr(0, digits));
  if (!count) return std::nullopt;
  const std::string_view unit = text.substr(digits);
  struct Unit {
    std::string_view name;
    std::uint64_t ms;
  };
  for (const Unit& known : {Unit{"ms", 1}, Unit{"s", 1000}, Unit{"min", 60'000},
                            Unit{"h", 3'600'000}, Unit{"d", 86'400'000}}) {
    if (unit == known.name) return scaled(*count, known.ms);
  }
  return std::nullopt;
}

}  // namespace picocache::tooling

// The one duration grammar of picocache::cached's keys (`lock_timeout`, `ttl`):
// an integer is seconds (`30`, `1'000`), a string is an integer with a unit (`"250ms"`, `"90s"`,
// `"15min"`, `"12h"`, `"7d"`). Zero is not a duration: each key says what it would mean instead.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace picocache::tooling {

// The duration `spelling` (one token as written: digits, or a string literal with its quotes)
// denotes, or nullopt when it is not one or does not fit in 64-bit milliseconds. Zero parses.
std::optional<std::chrono::milliseconds> parse_annotation_duration(std::string_view spelling);

// The hint shown under a bad duration: the grammar with examples.
inline constexpr std::string_view kDurationGrammar =
    "a duration is an integer number of seconds (30) or a string with a unit: \"250ms\", "
    "\"90s\", \"15min\", \"12h\", \"7d\"";

}  // namespace picocache::tooling

// Fuzz target: the store registry's URL checks (every registered kind's parser) and
// redact_store_url. Any input parses or throws picocache::Error;
// and a URL built with a known password never shows that password, neither redacted nor in the
// message of the error it raises.
#include "fuzz_check.hpp"
#include "stores/store_registry.hpp"
#include "stores/store_url.hpp"

#include <picocache/picocache.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace {

using picocache::fuzz::check;

// The password's marker; '~' is removed from the fuzzed parts, so only the password holds it.
constexpr std::string_view kMarker = "~K~";
constexpr std::string_view kSchemes[] = {"redis://", "REDIS://", "unix://", "rediss://", "x://"};

std::string without_tilde(std::string_view text) {
  std::string out(text);
  out.erase(std::remove(out.begin(), out.end(), '~'), out.end());
  return out;
}

// The parse's error message, or nullopt when the URL parsed (then *redis holds its parts when it
// is a Redis URL).
std::optional<std::string> parse(std::string_view url, std::optional<picocache::RedisUrl>* redis) {
  try {
    redis->reset();
    const picocache::StoreKind kind = picocache::store_kind_for(url);
    if (kind.name == "redis") {
      *redis = picocache::parse_redis_url(url);
    } else {
      kind.check_url(url);
    }
    return std::nullopt;
  } catch (const picocache::Error& error) {
    return std::string(error.what());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::optional<picocache::RedisUrl> parsed;
  parse(input, &parsed);  // must not crash, hang or throw anything else
  const std::string redacted = picocache::redact_store_url(input);
  // Each mask (the authority's secret, each password= parameter) may replace an empty secret by
  // "***", so the URL grows by at most 3 bytes a mask.
  std::size_t masks = 1;
  for (std::size_t at = input.find("password="); at != std::string_view::npos;
       at = input.find("password=", at + 1)) {
    ++masks;
  }
  check(redacted.size() <= input.size() + 3 * masks, "redaction grew the URL by more than '***'s");

  if (size == 0) return 0;
  // scheme + ":" + marker + password + "@" + rest, the split taken from the input's first byte.
  const std::string_view body = input.substr(1);
  const std::size_t split = std::min<std::size_t>(data[0] >> 3, body.size());
  const std::string_view scheme = kSchemes[(data[0] & 7) % std::size(kSchemes)];
  const std::string password = std::string(kMarker) + without_tilde(body.substr(0, split));
  const std::string url =
      std::string(scheme) + ":" + password + "@" + without_tilde(body.substr(split));

  check(picocache::redact_store_url(url).find(kMarker) == std::string::npos,
        "redact_store_url showed the password");
  if (const std::optional<std::string> error = parse(url, &parsed)) {
    check(error->find(kMarker) == std::string::npos, "an error message showed the password");
  } else if (const std::optional<picocache::RedisUrl>& redis = parsed) {
    check(redis->password.substr(0, kMarker.size()) == kMarker,
          "a parsed URL lost the start of its password");
    check(redis->host.find('~') == std::string::npos, "a parsed host holds part of the password");
  }
  return 0;
}

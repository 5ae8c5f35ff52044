// Fuzz target: the stored-value header (detail::value_payload) and detail::decode_value, what
// memoize() runs on every byte string a shared store hands back.
#include "fuzz_check.hpp"

#include <picocache/memoize.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace {

using picocache::fuzz::check;

template <class R>
void decode_stored(std::string_view stored) {
  const std::optional<R> result = picocache::detail::decode_value<R>(stored);
  const std::optional<std::string_view> payload =
      picocache::detail::value_payload(stored, picocache::schema_fingerprint<R>());
  if (!payload) {
    check(!result, "decode_value accepted a value whose header does not match");
    return;
  }
  check(payload->size() + picocache::detail::value_header_size == stored.size(),
        "value_payload returned a payload of the wrong size");
  if (!result) return;
  // What decoded must be stored again as the same bytes and decode again.
  const std::optional<std::string> encoded_again = picocache::detail::encode_value(*result);
  check(encoded_again.has_value(), "a decoded value is beyond the codec limits");
  const std::string& again = *encoded_again;
  check(picocache::detail::decode_value<R>(again).has_value(), "a re-encoded value is a miss");
  check(again.substr(0, picocache::detail::value_header_size) ==
            stored.substr(0, picocache::detail::value_header_size),
        "a re-encoded value has another header");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view stored(reinterpret_cast<const char*>(data), size);
  decode_stored<long>(stored);
  decode_stored<std::string>(stored);
  decode_stored<std::vector<double>>(stored);
  decode_stored<std::map<std::string, std::optional<int>>>(stored);
  // Any payload behind a header written for a fingerprint is found again, unchanged.
  std::string framed;
  picocache::detail::append_value_header(framed, picocache::schema_fingerprint<long>());
  framed.append(stored);
  const std::optional<std::string_view> payload =
      picocache::detail::value_payload(framed, picocache::schema_fingerprint<long>());
  check(payload && *payload == stored, "value_payload lost a payload after a matching header");
  check(!picocache::detail::value_payload(framed, picocache::schema_fingerprint<std::string>()),
        "value_payload accepted another type's fingerprint");
  return 0;
}

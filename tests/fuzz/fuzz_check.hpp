// What the fuzz targets share: a check that aborts (so libFuzzer reports the input) with a
// message, and the re-encoding property every decodable type must have.
#pragma once

#include <picocache/codec.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace picocache::fuzz {

// Aborts with `what` when `condition` is false: a finding, not a rejected input.
inline void check(bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "fuzz check failed: %s\n", what);
  std::abort();
}

template <class T>
std::string encode_as_value(const T& value) {
  std::string bytes;
  Encoder encoder(bytes, EncodeMode::value);
  encoder.write(value);
  return bytes;
}

// Decodes `bytes` as a T; when that succeeds, encoding the result and decoding that must give
// back the same bytes (the encoding is canonical: what decodes re-encodes to a fixed point).
// Returns whether `bytes` decoded.
template <class T>
bool decode_and_reencode(std::string_view bytes) {
  std::string first;
  try {
    Decoder decoder(bytes);
    const T value = decoder.read<T>();
    decoder.expect_end();
    first = encode_as_value(value);
  } catch (const DecodeError&) {
    return false;  // rejected: what untrusted bytes should get
  }
  Decoder again(first);
  T value{};
  try {
    value = again.read<T>();
    again.expect_end();
  } catch (const DecodeError&) {
    check(false, "a value the encoder wrote does not decode");
  }
  check(encode_as_value(value) == first, "decode(encode(x)) does not re-encode to the same bytes");
  return true;
}

}  // namespace picocache::fuzz

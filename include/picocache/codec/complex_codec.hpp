// Codec for std::complex<float> and std::complex<double>: the real part, then the imaginary part,
// each as its floating codec writes it (so complex<float> and complex<double> give the same key,
// as float and double do). std::complex<long double> has no codec, as long double has none.
#pragma once

#include <picocache/codec/decoder.hpp>
#include <picocache/codec/encoder.hpp>
#include <picocache/codec/floating_codecs.hpp>

#include <complex>
#include <cstddef>
#include <string>
#include <type_traits>

namespace picocache {

template <class T>
struct Codec<std::complex<T>,
             std::enable_if_t<std::is_same_v<T, float> || std::is_same_v<T, double>>> {
  static constexpr std::size_t kMinEncodedSize = 16;

  static void encode(Encoder& e, const std::complex<T>& value) {
    e.write(value.real());
    e.write(value.imag());
  }
  static std::complex<T> decode(Decoder& d) {
    const T real = d.read<T>();
    const T imag = d.read<T>();
    return {real, imag};
  }
  static void describe(std::string& schema) { detail::describe_composite<T>(schema, "cplx"); }
};

}  // namespace picocache

// Codec for std::span parameters (C++20): encoded by its elements, the count then each element,
// the same bytes as a std::vector of them, so a parameter that changes from
// `const std::vector<T>&` to `std::span<const T>` keeps its keys. Encode only: a span cannot be
// a result (it would point into the store's buffer). Defined only where <span> is (C++20); the
// header itself compiles as C++17.
#pragma once

#include <picocache/codec/encoder.hpp>

#if __has_include(<version>)
#include <version>
#endif

#if defined(__cpp_lib_span)
#include <cstddef>
#include <span>
#include <string>
#include <type_traits>

namespace picocache {

template <class T, std::size_t Extent>
struct Codec<std::span<T, Extent>> {
  static void encode(Encoder& e, const std::span<T, Extent>& value) {
    e.write_varint(value.size());
    for (const T& element : value) e.write(static_cast<const std::remove_cv_t<T>&>(element));
  }
  static void describe(std::string& schema) {
    detail::describe_composite<std::remove_cv_t<T>>(schema, "vec");
  }
};

}  // namespace picocache
#endif  // __cpp_lib_span

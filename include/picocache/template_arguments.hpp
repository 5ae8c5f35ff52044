// How a cached function template's instantiation names its template arguments in its identity
// (issue #18): canonically, so that GCC and Clang builds, and platforms where the types have the
// same range, share entries. Generated code builds the qualified name at run time, e.g.
// "geo::scale<int32, 3>" for geo::scale<int, 3>, from these. C++17, header-only.
//
//   - integer types by width, as signatures spell them: int8..int64, uint8..uint64 (bool and
//     char keep their names); other types with a codec by their codec schema (schema_of<T>(),
//     "vec<s>" for std::vector<std::string>);
//   - a type without a codec (a comparator, an allocator) by the compiler's spelling of it
//     ("std::less<int>"), which GCC and Clang agree on for ordinary class types;
//   - a non-type argument by value: an integer or enumerator as decimal digits, bool as
//     true/false.
#pragma once

#include <picocache/codec.hpp>

#include <climits>
#include <string>
#include <string_view>
#include <type_traits>

namespace picocache {
namespace detail {

// T as the compiler's function signature shows it: the text after "T = " in
// __PRETTY_FUNCTION__ (GCC "[with T = X; ...]", Clang "[T = X]").
template <class T>
std::string compiler_spelling() {
  const std::string_view text = __PRETTY_FUNCTION__;
  const std::size_t start = text.find("T = ");
  if (start == std::string_view::npos) return std::string(text);
  std::size_t end = start + 4;
  int depth = 0;
  for (; end < text.size(); ++end) {
    const char c = text[end];
    if (c == '<' || c == '(' || c == '[') ++depth;
    if (c == '>' || c == ')') --depth;
    if (c == ']' && depth-- == 0) break;
    if (c == ';' && depth == 0) break;
  }
  return std::string(text.substr(start + 4, end - start - 4));
}

}  // namespace detail

// The canonical name of the type template argument T (see the top of this file).
template <class T>
std::string template_argument() {
  if constexpr (std::is_same_v<T, bool>) {
    return "bool";
  } else if constexpr (std::is_same_v<T, char>) {
    return "char";
  } else if constexpr (std::is_same_v<T, wchar_t>) {
    return "wchar_t";
  } else if constexpr (std::is_same_v<T, char16_t>) {
    return "char16_t";
  } else if constexpr (std::is_same_v<T, char32_t>) {
    return "char32_t";
  } else if constexpr (std::is_same_v<T, float>) {
    return "float";
  } else if constexpr (std::is_same_v<T, double>) {
    return "double";
  } else if constexpr (std::is_same_v<T, long double>) {
    return "long double";
  } else if constexpr (std::is_integral_v<T>) {
    return (std::is_signed_v<T> ? "int" : "uint") + std::to_string(sizeof(T) * CHAR_BIT);
  } else if constexpr (detail::has_describe<T>::value) {
    return schema_of<T>();
  } else {
    return detail::compiler_spelling<T>();
  }
}

// The canonical text of the non-type template argument V: its value.
template <auto V>
std::string template_value() {
  using Type = decltype(V);
  if constexpr (std::is_same_v<Type, bool>) {
    return V ? "true" : "false";
  } else if constexpr (std::is_enum_v<Type>) {
    return std::to_string(static_cast<std::underlying_type_t<Type>>(V));
  } else {
    static_assert(std::is_integral_v<Type>,
                  "picocache: a cached template's non-type arguments must be integers, enumerators "
                  "or bool");
    return std::to_string(V);
  }
}

}  // namespace picocache

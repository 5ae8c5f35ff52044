// picocache-member-state: a cached const member function whose class has state the cache key
// cannot capture. The key of a const member function encodes *this with the arguments, so
//   - a mutable field is state the function may change behind its const: that change happens on
//     a miss only, and the value it had is part of the key;
//   - a field that is or holds a pointer, a reference or a handle would be encoded as an
//     address: equal objects at other addresses miss, and changed data behind the same pointer
//     hits with a stale result.
// A class with its own picocache::Codec specialization decides what is encoded; only its
// mutable fields are reported.
#pragma once

#include "annotated_function_check.hpp"

namespace picocache::tidy {

class MemberStateCheck : public AnnotatedFunctionCheck {
 public:
  using AnnotatedFunctionCheck::AnnotatedFunctionCheck;
  void registerMatchers(clang::ast_matchers::MatchFinder* finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult& result) override;
};

}  // namespace picocache::tidy

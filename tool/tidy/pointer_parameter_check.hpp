// picocache-pointer-parameter: a cached function's parameter that is or holds a pointer (or a
// handle). The cache key encodes the argument, so it would hold the address, not the data
// behind it: equal data at another address misses, and changed data at the same address hits
// with a stale result.
//
// Documentation: docs/checks/picocache-pointer-parameter.md.
#pragma once

#include "annotated_function_check.hpp"

namespace picocache::tidy {

class PointerParameterCheck : public AnnotatedFunctionCheck {
 public:
  using AnnotatedFunctionCheck::AnnotatedFunctionCheck;
  void registerMatchers(clang::ast_matchers::MatchFinder* finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult& result) override;
};

}  // namespace picocache::tidy

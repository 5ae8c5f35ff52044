// picocache-non-const-reference-parameter: a cached function's parameter that is a reference to
// non-const. Whatever the body writes through it happens on a miss only: on a hit the wrapper
// returns the stored result without running the body, so the caller's object is left unchanged.
//
// Documentation: docs/checks/picocache-non-const-reference-parameter.md.
#pragma once

#include "annotated_function_check.hpp"

namespace picocache::tidy {

class NonConstReferenceParameterCheck : public AnnotatedFunctionCheck {
 public:
  using AnnotatedFunctionCheck::AnnotatedFunctionCheck;
  void registerMatchers(clang::ast_matchers::MatchFinder* finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult& result) override;
};

}  // namespace picocache::tidy

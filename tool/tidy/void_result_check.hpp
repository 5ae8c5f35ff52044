// picocache-void-result: a cached function that returns void. There is no result to store, so
// a hit only skips the body: whatever the function is for (its side effects) stops happening.
// The warning carries a FixIt that removes the annotation.
//
// Documentation: docs/checks/picocache-void-result.md.
#pragma once

#include "annotated_function_check.hpp"

namespace picocache::tidy {

class VoidResultCheck : public AnnotatedFunctionCheck {
 public:
  using AnnotatedFunctionCheck::AnnotatedFunctionCheck;
  void registerMatchers(clang::ast_matchers::MatchFinder* finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult& result) override;
};

}  // namespace picocache::tidy

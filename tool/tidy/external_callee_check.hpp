// picocache-external-callee: a cached function that calls a project function (not one of a
// system header) whose definition this translation unit cannot see, directly or through helpers
// defined here. picocache-gen's code fingerprint covers the definitions the translation unit
// sees, so an edit of that function (in another .cpp) does not invalidate the cached results:
// they keep what the old code returned. Silent when the annotation has `version`, which says the
// project manages invalidation itself.
//
// Documentation: docs/checks/picocache-external-callee.md.
#pragma once

#include "annotated_function_check.hpp"

namespace picocache::tidy {

class ExternalCalleeCheck : public AnnotatedFunctionCheck {
 public:
  using AnnotatedFunctionCheck::AnnotatedFunctionCheck;
  void registerMatchers(clang::ast_matchers::MatchFinder* finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult& result) override;
};

}  // namespace picocache::tidy

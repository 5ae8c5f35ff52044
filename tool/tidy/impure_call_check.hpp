// picocache-impure-call: a cached function whose body reads the clock, randomness, the
// environment, files or sockets, directly or through one call into a function defined in the
// same translation unit. Its result depends on more than its arguments, so the cache would
// replay the first call's answer (the time, the random value, the file's old contents), and on
// a hit the I/O would not happen at all.
//
// Random engines are different: std::mt19937 is deterministic, so drawing from an engine that
// is a local variable of the function is pure; its seed is what matters, and a seed from
// std::random_device or the clock is reported where it is read. Drawing from an engine that
// lives outside the call (a global, a member, a parameter) is reported.
#pragma once

#include "annotated_function_check.hpp"

namespace picocache::tidy {

class ImpureCallCheck : public AnnotatedFunctionCheck {
 public:
  using AnnotatedFunctionCheck::AnnotatedFunctionCheck;
  void registerMatchers(clang::ast_matchers::MatchFinder* finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult& result) override;
};

}  // namespace picocache::tidy

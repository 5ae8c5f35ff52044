// picocache-mutable-global: a cached function that reads or writes a mutable variable with
// static storage: a namespace-scope or static member variable, or a function-local static.
// The cache key holds only the arguments, so a result computed from such a variable is replayed
// after the variable changes, and a write to it happens on a miss only.
//
// Variables declared in system headers are left to picocache-impure-call (std::cout, environ).
#pragma once

#include "annotated_function_check.hpp"

#include <set>
#include <tuple>

namespace picocache::tidy {

class MutableGlobalCheck : public AnnotatedFunctionCheck {
 public:
  using AnnotatedFunctionCheck::AnnotatedFunctionCheck;
  void registerMatchers(clang::ast_matchers::MatchFinder* finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult& result) override;
  void onEndOfTranslationUnit() override { reported_.clear(); }

 private:
  // (function, variable, written): each variable is reported once per function for reading
  // and once for writing.
  std::set<std::tuple<const clang::Decl*, const clang::Decl*, bool>> reported_;
};

}  // namespace picocache::tidy

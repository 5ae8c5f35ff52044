// picocache-mutable-global: a cached function that reads or writes a mutable variable with
// static storage: a namespace-scope or static member variable, or a function-local static.
// The cache key holds only the arguments, so a result computed from such a variable is replayed
// after the variable changes, and a write to it happens on a miss only.
//
// Variables declared in system headers are left to picocache-impure-call (std::cout, environ).
//
// Option IgnoredVariables: a `;`-separated list of qualified variable names ("app::hits") the
// project accepts in cached functions, such as a statistics counter that may count misses only.
//
// Documentation: docs/checks/picocache-mutable-global.md.
#pragma once

#include "annotated_function_check.hpp"

#include <set>
#include <string>
#include <tuple>

namespace picocache::tidy {

class MutableGlobalCheck : public AnnotatedFunctionCheck {
 public:
  MutableGlobalCheck(llvm::StringRef name, clang::tidy::ClangTidyContext* context);
  void storeOptions(clang::tidy::ClangTidyOptions::OptionMap& options) override;
  void registerMatchers(clang::ast_matchers::MatchFinder* finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult& result) override;
  void onEndOfTranslationUnit() override { reported_.clear(); }

 private:
  const std::string ignored_variables_;  // the IgnoredVariables option as given
  // (function, variable, written): each variable is reported once per function for reading
  // and once for writing.
  std::set<std::tuple<const clang::Decl*, const clang::Decl*, bool>> reported_;
};

}  // namespace picocache::tidy

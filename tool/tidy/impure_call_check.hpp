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
//
// Option ImpureFunctions: a `;`-separated list of qualified function names ("app::now;
// app::read_sensor") the project knows to be impure, reported like the built-in ones.
//
// Documentation: docs/checks/picocache-impure-call.md.
#pragma once

#include "annotated_function_check.hpp"

#include <string>

namespace picocache::tidy {

class ImpureCallCheck : public AnnotatedFunctionCheck {
 public:
  ImpureCallCheck(llvm::StringRef name, clang::tidy::ClangTidyContext* context);
  void storeOptions(clang::tidy::ClangTidyOptions::OptionMap& options) override;
  void registerMatchers(clang::ast_matchers::MatchFinder* finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult& result) override;

 private:
  const std::string impure_functions_;  // the ImpureFunctions option as given
  // What an impure expression is, with the listed functions; built once from the option.
  const clang::ast_matchers::StatementMatcher impure_expression_;
};

}  // namespace picocache::tidy

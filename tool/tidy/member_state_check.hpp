// picocache-member-state: a cached const member function whose class has state the cache key
// cannot capture. The key of a const member function encodes *this with the arguments, so
//   - a mutable field is state the function may change behind its const: that change happens on
//     a miss only, and the value it had is part of the key;
//   - a field that is or holds a pointer, a reference or a handle would be encoded as an
//     address: equal objects at other addresses miss, and changed data behind the same pointer
//     hits with a stale result.
// A class with its own picocache::Codec specialization decides what is encoded; only its
// mutable fields are reported.
//
// Option IgnoredMutableTypes: a `;`-separated list of qualified type names ("std::mutex;
// std::shared_mutex") whose mutable fields are not state (a lock taken by the const function);
// such a field is still checked as a field of *this, like any other.
//
// Documentation: docs/checks/picocache-member-state.md.
#pragma once

#include "annotated_function_check.hpp"

#include <string>
#include <vector>

namespace picocache::tidy {

class MemberStateCheck : public AnnotatedFunctionCheck {
 public:
  MemberStateCheck(llvm::StringRef name, clang::tidy::ClangTidyContext* context);
  void storeOptions(clang::tidy::ClangTidyOptions::OptionMap& options) override;
  void registerMatchers(clang::ast_matchers::MatchFinder* finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult& result) override;

 private:
  bool is_ignored_mutable(const clang::FieldDecl& field) const;

  const std::string ignored_mutable_types_;   // the IgnoredMutableTypes option as given
  std::vector<std::string> ignored_mutable_;  // parsed, without a leading "::"
};

}  // namespace picocache::tidy

// picocache-pointer-result: a cached function whose result is or holds a pointer, a reference,
// a view or a handle (raw pointers, weak_ptr and other non-owning smart pointers, FILE*,
// std::string_view, records with pointer fields, std containers of those). std::unique_ptr and
// std::shared_ptr results are not reported: they are stored by the object they own. The stored
// value is decoded later, maybe in another process: an address there points at nothing, and a
// handle names a resource that is gone.
//
// Documentation: docs/checks/picocache-pointer-result.md.
#pragma once

#include "annotated_function_check.hpp"

namespace picocache::tidy {

class PointerResultCheck : public AnnotatedFunctionCheck {
 public:
  using AnnotatedFunctionCheck::AnnotatedFunctionCheck;
  void registerMatchers(clang::ast_matchers::MatchFinder* finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult& result) override;
};

}  // namespace picocache::tidy

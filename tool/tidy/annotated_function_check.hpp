// Base of the picocache-* checks: each looks only at functions annotated [[picocache::cached]].
#pragma once

#include "translation_unit_annotations.hpp"

#include <clang-tidy/ClangTidyCheck.h>
#include <clang/ASTMatchers/ASTMatchers.h>

namespace picocache::tidy {

// True for the one declaration of a [[picocache::cached]] function a check reports on: its
// definition, or, when the TU has none, the declaration that carries the annotation. The
// annotation may sit on any redeclaration (a header's declaration counts for the definition).
bool is_reported_cached_function(const clang::FunctionDecl& function,
                                 const clang::ASTContext& context);

// Matcher form of is_reported_cached_function.
AST_MATCHER(clang::FunctionDecl, isCachedFunction) {
  (void)Builder;
  return is_reported_cached_function(Node, Finder->getASTContext());
}

// Registers the annotation tracking every picocache-* check relies on.
class AnnotatedFunctionCheck : public clang::tidy::ClangTidyCheck {
 public:
  using ClangTidyCheck::ClangTidyCheck;

  bool isLanguageVersionSupported(const clang::LangOptions& lang) const override {
    return lang.CPlusPlus;
  }
  void registerPPCallbacks(const clang::SourceManager& sm, clang::Preprocessor* preprocessor,
                           clang::Preprocessor* module_expander) override;
};

}  // namespace picocache::tidy

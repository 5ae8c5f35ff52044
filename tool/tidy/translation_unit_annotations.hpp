// The [[picocache::cached]] annotations of the translation unit clang-tidy is checking, shared by
// every picocache-* check.
//
// Clang drops the attribute from the AST ("unknown attribute 'cached' ignored"), so the checks
// find annotated functions through the same raw-lexer index picocache-gen uses
// (tool/common/cached_annotation.hpp). Building it lexes the TU's own files once; this cache
// makes that happen once per TU however many checks are enabled.
//
// Lifetime: every check calls track() from registerPPCallbacks, before the TU is parsed. The
// first call installs PPCallbacks that collect the ranges skipped by #if (annotations there do
// not count) and, being owned by the Preprocessor, drop the TU's entry when it goes away, so a
// later TU whose SourceManager reuses the address starts clean. The index itself is built on
// first use, from the matchers, when the whole TU has been parsed.
#pragma once

#include "cached_annotation.hpp"

namespace clang {
class ASTContext;
class FunctionDecl;
class Preprocessor;
class SourceManager;
}  // namespace clang

namespace picocache::tidy {

class TranslationUnitAnnotations {
 public:
  // Starts tracking the TU of `sm` (once, however many checks call it).
  static void track(const clang::SourceManager& sm, clang::Preprocessor& preprocessor);

  // The index of the TU `context` belongs to; built on the first call.
  static const tooling::AnnotationIndex& index(const clang::ASTContext& context);
};

// The annotation on `function` or any of its redeclarations, or null. Template instantiations
// have none: their pattern (the template as written) is what the checks look at.
const tooling::CachedAnnotation* find_cached_annotation(const clang::FunctionDecl& function,
                                                        const clang::ASTContext& context);

}  // namespace picocache::tidy

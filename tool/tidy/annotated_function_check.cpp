// Which declarations the picocache-* checks report on; see annotated_function_check.hpp.
#include "annotated_function_check.hpp"

#include <clang/AST/Decl.h>

namespace picocache::tidy {

bool is_reported_cached_function(const clang::FunctionDecl& function,
                                 const clang::ASTContext& context) {
  if (function.isImplicit() || !find_cached_annotation(function, context)) return false;
  if (function.isThisDeclarationADefinition()) return true;
  return !function.isDefined() &&
         TranslationUnitAnnotations::index(context).find(function) != nullptr;
}

void AnnotatedFunctionCheck::registerPPCallbacks(const clang::SourceManager& sm,
                                                 clang::Preprocessor* preprocessor,
                                                 clang::Preprocessor* /*module_expander*/) {
  TranslationUnitAnnotations::track(sm, *preprocessor);
}

}  // namespace picocache::tidy

// What each [[picocache::cached]] annotation appertains to.
//
// AnnotationIndex (tool/common) finds the annotations in the text; this walks the AST of the
// translation unit's non-system code and ties each annotation to its declaration. An annotation
// on a lambda, a variable, a class or anything but a function declaration is an error, and so is
// one that belongs to nothing at all (for example written on a statement).
#pragma once

#include "diagnostics.hpp"

#include <cached_annotation.hpp>
#include <vector>

namespace clang {
class ASTContext;
class FunctionDecl;
}  // namespace clang

namespace picocache::gen {

struct AnnotatedDeclaration {
  const clang::FunctionDecl* function;  // the declaration the annotation is on
  const tooling::CachedAnnotation* annotation;
};

std::vector<AnnotatedDeclaration> match_annotations(clang::ASTContext& context,
                                                    const tooling::AnnotationIndex& index,
                                                    Reporter& reporter);

}  // namespace picocache::gen

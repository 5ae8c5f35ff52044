// picocache-void-result; see void_result_check.hpp.
#include "void_result_check.hpp"

#include <clang/AST/Decl.h>
#include <clang/Basic/SourceManager.h>
#include <llvm/ADT/SmallPtrSet.h>

using namespace clang::ast_matchers;

namespace picocache::tidy {
namespace {

// The text the FixIt removes for `annotation`: its own removal range and, when that is a whole
// `[[...]]`, the blanks after it, so `[[picocache::cached]] void f();` becomes `void f();`.
clang::CharSourceRange removal_of(const tooling::CachedAnnotation& annotation,
                                  const clang::SourceManager& sm) {
  const clang::CharSourceRange range = annotation.removal;
  bool invalid = false;
  const char* begin = sm.getCharacterData(range.getBegin(), &invalid);
  if (invalid || begin[0] != '[' || begin[1] != '[') return range;
  const char* end = sm.getCharacterData(range.getEnd(), &invalid);
  if (invalid) return range;
  unsigned blanks = 0;  // the buffer ends in a NUL, so this stops
  while (end[blanks] == ' ' || end[blanks] == '\t') ++blanks;
  return clang::CharSourceRange::getCharRange(range.getBegin(),
                                              range.getEnd().getLocWithOffset(blanks));
}

}  // namespace

void VoidResultCheck::registerMatchers(MatchFinder* finder) {
  // Constructors and destructors have no result type to speak of; picocache-gen rejects them.
  finder->addMatcher(functionDecl(isCachedFunction(), returns(voidType()),
                                  unless(anyOf(cxxConstructorDecl(), cxxDestructorDecl())))
                         .bind("function"),
                     this);
}

void VoidResultCheck::check(const MatchFinder::MatchResult& result) {
  const auto* function = result.Nodes.getNodeAs<clang::FunctionDecl>("function");
  const clang::ASTContext& context = *result.Context;
  const tooling::AnnotationIndex& index = TranslationUnitAnnotations::index(context);
  // Removing the annotation is safe: a void function has nothing to cache, and without it every
  // call runs the body, which is what its callers expect. Every redeclaration's annotation goes,
  // or the next run would warn again.
  llvm::SmallPtrSet<const tooling::CachedAnnotation*, 2> annotations;
  for (const clang::FunctionDecl* redeclaration : function->redecls()) {
    if (const tooling::CachedAnnotation* annotation = index.find(*redeclaration))
      annotations.insert(annotation);
  }
  {
    auto warning = diag(function->getLocation(),
                        "cached function %0 returns void: there is no result to store, and every "
                        "cache hit would skip its side effects")
                   << function;
    for (const tooling::CachedAnnotation* annotation : annotations)
      warning << clang::FixItHint::CreateRemoval(removal_of(*annotation, *result.SourceManager));
  }
  const tooling::CachedAnnotation* shown = find_cached_annotation(*function, context);
  diag(shown ? shown->location : function->getLocation(),
       "remove [[picocache::cached]], or return the value the caller needs",
       clang::DiagnosticIDs::Note);
}

}  // namespace picocache::tidy

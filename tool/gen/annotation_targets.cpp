// Tying annotations to declarations; see annotation_targets.hpp.
#include "annotation_targets.hpp"

#include <clang/AST/ASTContext.h>
#include <clang/AST/DeclCXX.h>
#include <clang/AST/ExprCXX.h>
#include <clang/AST/RecursiveASTVisitor.h>
#include <clang/Basic/SourceManager.h>
#include <llvm/ADT/DenseMap.h>
#include <llvm/ADT/DenseSet.h>

namespace picocache::gen {
namespace {

using tooling::CachedAnnotation;

class Matcher : public clang::RecursiveASTVisitor<Matcher> {
 public:
  Matcher(clang::ASTContext& context, const tooling::AnnotationIndex& index)
      : sources_(context.getSourceManager()), index_(index) {}

  bool shouldVisitTemplateInstantiations() const { return false; }
  bool shouldVisitImplicitCode() const { return false; }

  bool TraverseDecl(clang::Decl* decl) {
    if (decl && !llvm::isa<clang::TranslationUnitDecl>(decl) && decl->getLocation().isValid() &&
        sources_.isInSystemHeader(sources_.getExpansionLoc(decl->getLocation()))) {
      return true;
    }
    return RecursiveASTVisitor::TraverseDecl(decl);
  }

  bool VisitDecl(clang::Decl* decl) {
    if (llvm::isa<clang::FunctionTemplateDecl>(decl)) return true;  // its FunctionDecl is visited
    if (const auto* method = llvm::dyn_cast<clang::CXXMethodDecl>(decl);
        method && method->getParent()->isLambda()) {
      return true;
    }
    if (const CachedAnnotation* annotation = index_.find(*decl)) {
      if (seen_.insert({annotation, decl}).second) targets_.push_back({annotation, decl});
    }
    return true;
  }

  bool VisitLambdaExpr(clang::LambdaExpr* lambda) {
    const clang::SourceLocation begin = sources_.getExpansionLoc(lambda->getBeginLoc());
    const clang::SourceLocation body = sources_.getExpansionLoc(lambda->getBody()->getBeginLoc());
    for (const CachedAnnotation& annotation : index_.annotations()) {
      if (sources_.isBeforeInTranslationUnit(begin, annotation.location) &&
          sources_.isBeforeInTranslationUnit(annotation.location, body)) {
        on_lambda_.insert(&annotation);
      }
    }
    return true;
  }

  struct Target {
    const CachedAnnotation* annotation;
    const clang::Decl* decl;
  };
  std::vector<Target> targets_;
  llvm::DenseSet<std::pair<const CachedAnnotation*, const clang::Decl*>> seen_;
  llvm::DenseSet<const CachedAnnotation*> on_lambda_;

 private:
  const clang::SourceManager& sources_;
  const tooling::AnnotationIndex& index_;
};

constexpr llvm::StringLiteral kFunctionHint =
    "write [[picocache::cached]] (or [[picocache::cached(maxsize = N, typed = true)]]) at the "
    "start of a "
    "function's declaration or definition";

}  // namespace

std::vector<AnnotatedDeclaration> match_annotations(clang::ASTContext& context,
                                                    const tooling::AnnotationIndex& index,
                                                    Reporter& reporter) {
  Matcher matcher(context, index);
  matcher.TraverseDecl(context.getTranslationUnitDecl());

  // A function written through a macro expands at the annotation's position with its parameters:
  // the annotation is the function's (eligibility reports the macro), not theirs.
  llvm::DenseSet<const CachedAnnotation*> on_function;
  for (const Matcher::Target& target : matcher.targets_) {
    if (llvm::isa<clang::FunctionDecl>(target.decl)) on_function.insert(target.annotation);
  }

  std::vector<AnnotatedDeclaration> functions;
  llvm::DenseSet<const CachedAnnotation*> matched;
  for (const Matcher::Target& target : matcher.targets_) {
    matched.insert(target.annotation);
    const clang::Decl* decl = target.decl;
    if (!llvm::isa<clang::FunctionDecl>(decl) && decl->getLocation().isMacroID() &&
        on_function.contains(target.annotation)) {
      continue;
    }
    if (const auto* function = llvm::dyn_cast<clang::FunctionDecl>(decl)) {
      functions.push_back({function, target.annotation});
      continue;
    }
    const auto* variable = llvm::dyn_cast<clang::VarDecl>(decl);
    const clang::Expr* init = variable ? variable->getInit() : nullptr;
    if (init && llvm::isa<clang::LambdaExpr>(init->IgnoreImplicit())) {
      reporter.error(target.annotation->location,
                     "'picocache::cached' cannot be applied to a lambda");
      reporter.hint("cache a named function and call it from the lambda");
      continue;
    }
    std::string what = "a declaration of kind '" + std::string(decl->getDeclKindName()) + "'";
    if (variable) what = "variable '" + variable->getNameAsString() + "'";
    if (llvm::isa<clang::ParmVarDecl>(decl)) what = "a parameter";
    if (llvm::isa<clang::FieldDecl>(decl)) what = "a data member";
    if (llvm::isa<clang::TagDecl>(decl)) what = "a type";
    reporter.error(target.annotation->location, "'picocache::cached' cannot be applied to " + what +
                                                    "; it applies to functions");
    reporter.hint(kFunctionHint);
  }
  for (const CachedAnnotation& annotation : index.annotations()) {
    if (matched.contains(&annotation)) continue;
    if (matcher.on_lambda_.contains(&annotation)) {
      reporter.error(annotation.location, "'picocache::cached' cannot be applied to a lambda");
      reporter.hint("cache a named function and call it from the lambda");
      continue;
    }
    reporter.error(annotation.location,
                   "'picocache::cached' does not appertain to a function declaration here");
    reporter.hint(kFunctionHint);
  }
  return functions;
}

}  // namespace picocache::gen

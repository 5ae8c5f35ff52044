// picocache-external-callee; see external_callee_check.hpp.
#include "external_callee_check.hpp"

#include <clang/AST/ASTContext.h>
#include <clang/AST/ExprCXX.h>
#include <clang/AST/RecursiveASTVisitor.h>
#include <clang/Basic/SourceManager.h>
#include <llvm/ADT/DenseSet.h>

#include <utility>
#include <vector>

using namespace clang::ast_matchers;

namespace picocache::tidy {
namespace {

// The calls in one body (lambdas in it included), with the function each one calls.
class Calls : public clang::RecursiveASTVisitor<Calls> {
 public:
  bool shouldVisitTemplateInstantiations() const { return true; }

  bool VisitCallExpr(clang::CallExpr* call) {
    if (const clang::FunctionDecl* callee = call->getDirectCallee())
      found.push_back({call, callee});
    return true;
  }
  bool VisitCXXConstructExpr(clang::CXXConstructExpr* construct) {
    found.push_back({construct, construct->getConstructor()});
    return true;
  }

  std::vector<std::pair<const clang::Expr*, const clang::FunctionDecl*>> found;
};

// The first call of a project function without a definition here that `callee` makes (itself
// included), and the function making that call; visited functions are skipped (recursion).
struct External {
  const clang::FunctionDecl* function = nullptr;  // what has no definition here
  const clang::Expr* inner_call = nullptr;        // the call of it, in a helper (or null)
  const clang::FunctionDecl* helper = nullptr;    // the helper that makes it (or null)
};

class Search {
 public:
  explicit Search(const clang::SourceManager& sources) : sources_(sources) {}

  // Whether calling `callee` runs project code this translation unit cannot see; fills `out`.
  bool external(const clang::FunctionDecl& callee, External& out) {
    if (callee.getBuiltinID() != 0 || callee.isDeleted() || callee.isDefaulted()) return false;
    if (callee.isImplicit()) return false;  // the compiler's: its parts are checked where used
    if (sources_.isInSystemHeader(sources_.getExpansionLoc(callee.getLocation()))) return false;
    const clang::FunctionDecl* definition = nullptr;
    if (!callee.hasBody(definition) || !definition) {
      if (callee.isPureVirtual()) return false;  // an interface: its implementations are unknown
      out.function = &callee;
      return true;
    }
    if (!visited_.insert(definition).second) return false;
    Calls calls;
    calls.TraverseStmt(definition->getBody());
    for (const auto& [call, inner] : calls.found) {
      External deeper;
      if (!external(*inner, deeper)) continue;
      out.function = deeper.function;
      out.inner_call = deeper.inner_call ? deeper.inner_call : call;
      out.helper = deeper.helper ? deeper.helper : definition;
      return true;
    }
    return false;
  }

  void visit(const clang::FunctionDecl* function) { visited_.insert(function); }

 private:
  const clang::SourceManager& sources_;
  llvm::DenseSet<const clang::FunctionDecl*> visited_;
};

}  // namespace

void ExternalCalleeCheck::registerMatchers(MatchFinder* finder) {
  finder->addMatcher(functionDecl(isCachedFunction(), isDefinition()).bind("function"), this);
}

void ExternalCalleeCheck::check(const MatchFinder::MatchResult& result) {
  const auto* function = result.Nodes.getNodeAs<clang::FunctionDecl>("function");
  if (!function || !function->hasBody()) return;
  const tooling::CachedAnnotation* annotation = find_cached_annotation(*function, *result.Context);
  if (!annotation || annotation->version) return;  // the project versions it by hand

  Search search(*result.SourceManager);
  search.visit(function);
  Calls calls;
  calls.TraverseStmt(function->getBody());
  llvm::DenseSet<const clang::FunctionDecl*> reported;
  for (const auto& [call, callee] : calls.found) {
    External external;
    if (!search.external(*callee, external) || !reported.insert(external.function).second) {
      continue;
    }
    if (!external.helper) {
      diag(call->getBeginLoc(),
           "call to %0, which is not defined in this translation unit: editing it will not "
           "invalidate the cached results of %1")
          << external.function << function;
    } else {
      diag(call->getBeginLoc(),
           "call to %0 calls %1, which is not defined in this translation unit: editing it will "
           "not invalidate the cached results of %2")
          << external.helper << external.function << function;
      diag(external.inner_call->getBeginLoc(), "%0 called here", clang::DiagnosticIDs::Note)
          << external.function;
    }
    diag(call->getBeginLoc(),
         "add version = \"1\" to the annotation and change it when %0 changes what it returns, "
         "or define %0 in a header this file includes",
         clang::DiagnosticIDs::Note)
        << external.function;
  }
}

}  // namespace picocache::tidy

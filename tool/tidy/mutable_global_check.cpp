// picocache-mutable-global; see mutable_global_check.hpp.
#include "mutable_global_check.hpp"

#include <clang-tidy/utils/OptionsUtils.h>
#include <clang/AST/ASTContext.h>
#include <clang/AST/ExprCXX.h>
#include <clang/AST/ParentMapContext.h>

#include <vector>

using namespace clang::ast_matchers;

namespace picocache::tidy {
namespace {

bool is_mutable(const clang::VarDecl& variable, const clang::ASTContext& context) {
  if (variable.isConstexpr()) return false;
  clang::QualType type = variable.getType();
  // A reference to const data cannot be written through; one to non-const can.
  if (type->isReferenceType()) type = type.getNonReferenceType();
  return !type.isConstant(context) && !type.isConstQualified();
}

// True when `argument` (one of the call's arguments, as written) binds to a reference to
// non-const: the callee may change it (std::shuffle(b, e, engine), std::swap(a, b)).
bool passed_to_non_const_reference(const clang::CallExpr& call, const clang::Expr* argument) {
  const clang::FunctionDecl* callee = call.getDirectCallee();
  if (!callee) return false;
  // A member operator's object is its argument 0 but not a parameter.
  const unsigned offset =
      llvm::isa<clang::CXXOperatorCallExpr>(call) && llvm::isa<clang::CXXMethodDecl>(callee);
  for (unsigned i = offset; i < call.getNumArgs(); ++i) {
    if (call.getArg(i) != argument) continue;
    if (i - offset >= callee->getNumParams()) return false;
    clang::QualType type = callee->getParamDecl(i - offset)->getType();
    return type->isReferenceType() && !type.getNonReferenceType().isConstQualified();
  }
  return false;
}

// True when `reference` names the object an assignment, increment, non-const member function
// or non-const reference parameter changes (also through a field or an element: `g.count = 1`,
// `table[i]++`, `g.items.push_back(x)`).
bool is_written(const clang::DeclRefExpr& reference, clang::ASTContext& context) {
  const clang::Expr* current = &reference;
  while (true) {
    clang::DynTypedNodeList parents = context.getParents(*current);
    if (parents.empty()) return false;
    const auto* parent = parents[0].get<clang::Expr>();
    if (!parent) return false;
    if (const auto* cast = llvm::dyn_cast<clang::ImplicitCastExpr>(parent)) {
      if (cast->getCastKind() == clang::CK_LValueToRValue) return false;
    } else if (const auto* member = llvm::dyn_cast<clang::MemberExpr>(parent)) {
      if (member->getBase() != current) return false;
      // `g.f()`: a call of a member function changes g unless the function is const.
      if (const auto* method = llvm::dyn_cast<clang::CXXMethodDecl>(member->getMemberDecl())) {
        return !method->isStatic() && !method->isConst();
      }
    } else if (const auto* subscript = llvm::dyn_cast<clang::ArraySubscriptExpr>(parent)) {
      if (subscript->getBase()->IgnoreParenImpCasts() != current->IgnoreParenImpCasts())
        return false;
    } else if (const auto* binary = llvm::dyn_cast<clang::BinaryOperator>(parent)) {
      return binary->isAssignmentOp() && binary->getLHS() == current;
    } else if (const auto* unary = llvm::dyn_cast<clang::UnaryOperator>(parent)) {
      return unary->isIncrementDecrementOp();
    } else if (const auto* operator_call = llvm::dyn_cast<clang::CXXOperatorCallExpr>(parent)) {
      // `g = x`, `g += x`, `g[i] = x` on a class type, `engine()`: the object is argument 0.
      const auto* method =
          llvm::dyn_cast_or_null<clang::CXXMethodDecl>(operator_call->getCalleeDecl());
      if (method && operator_call->getNumArgs() > 0 && operator_call->getArg(0) == current) {
        return !method->isConst();
      }
      return passed_to_non_const_reference(*operator_call, current);
    } else if (const auto* call = llvm::dyn_cast<clang::CallExpr>(parent)) {
      return passed_to_non_const_reference(*call, current);
    } else if (!llvm::isa<clang::ParenExpr>(parent)) {
      return false;
    }
    current = parent;
  }
}

llvm::StringRef kind_of(const clang::VarDecl& variable) {
  if (variable.isStaticLocal()) return "function-local static";
  if (variable.isStaticDataMember()) return "static data member";
  if (variable.getTLSKind() != clang::VarDecl::TLS_None) return "thread-local variable";
  return "global variable";
}

// 'Config::limit' for a static data member, else the plain name.
std::string quoted_name(const clang::VarDecl& variable) {
  if (const auto* record = llvm::dyn_cast<clang::CXXRecordDecl>(variable.getDeclContext())) {
    return "'" + record->getName().str() + "::" + variable.getName().str() + "'";
  }
  return "'" + variable.getName().str() + "'";
}

}  // namespace

MutableGlobalCheck::MutableGlobalCheck(llvm::StringRef name, clang::tidy::ClangTidyContext* context)
    : AnnotatedFunctionCheck(name, context),
      ignored_variables_(Options.get("IgnoredVariables", "")) {}

void MutableGlobalCheck::storeOptions(clang::tidy::ClangTidyOptions::OptionMap& options) {
  Options.store(options, "IgnoredVariables", ignored_variables_);
}

void MutableGlobalCheck::registerMatchers(MatchFinder* finder) {
  const std::vector<llvm::StringRef> ignored =
      clang::tidy::utils::options::parseStringList(ignored_variables_);
  const auto ignored_variable =
      ignored.empty() ? varDecl(unless(anything())) : varDecl(hasAnyName(ignored));
  const auto static_variable =
      varDecl(hasGlobalStorage(), unless(isExpansionInSystemHeader()), unless(ignored_variable));
  finder->addMatcher(
      functionDecl(
          isCachedFunction(), isDefinition(),
          forEachDescendant(declRefExpr(to(static_variable.bind("variable"))).bind("reference")))
          .bind("function"),
      this);
}

void MutableGlobalCheck::check(const MatchFinder::MatchResult& result) {
  const auto* function = result.Nodes.getNodeAs<clang::FunctionDecl>("function");
  const auto* variable = result.Nodes.getNodeAs<clang::VarDecl>("variable");
  const auto* reference = result.Nodes.getNodeAs<clang::DeclRefExpr>("reference");
  if (!is_mutable(*variable, *result.Context)) return;
  const bool written = is_written(*reference, *result.Context);
  if (!reported_.insert({function, variable->getCanonicalDecl(), written}).second) return;
  if (written) {
    diag(reference->getLocation(),
         "%0 %1 is written by a cached function: the write happens on a cache miss only, not when "
         "the result comes from the cache")
        << kind_of(*variable) << quoted_name(*variable);
    diag(reference->getLocation(),
         "return the new value instead, or keep the state outside the cached function",
         clang::DiagnosticIDs::Note);
  } else {
    diag(reference->getLocation(),
         "%0 %1 is mutable and read by a cached function: the cached result would not follow its "
         "changes")
        << kind_of(*variable) << quoted_name(*variable);
    diag(reference->getLocation(), "pass its value in as a parameter, or make it const",
         clang::DiagnosticIDs::Note);
  }
}

}  // namespace picocache::tidy

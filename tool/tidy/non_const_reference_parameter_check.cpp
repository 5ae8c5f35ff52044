// picocache-non-const-reference-parameter; see non_const_reference_parameter_check.hpp.
#include "non_const_reference_parameter_check.hpp"

#include "parameter_names.hpp"

using namespace clang::ast_matchers;

namespace picocache::tidy {
namespace {

// Rvalue references (and forwarding references) do not count: the caller gave the object up.
auto non_const_lvalue_reference() {
  return lValueReferenceType(pointee(unless(isConstQualified())));
}

}  // namespace

void NonConstReferenceParameterCheck::registerMatchers(MatchFinder* finder) {
  finder->addMatcher(
      functionDecl(isCachedFunction(), hasAnyParameter(hasType(non_const_lvalue_reference())))
          .bind("function"),
      this);
}

void NonConstReferenceParameterCheck::check(const MatchFinder::MatchResult& result) {
  const auto* function = result.Nodes.getNodeAs<clang::FunctionDecl>("function");
  const auto is_non_const_reference = parmVarDecl(hasType(non_const_lvalue_reference()));
  for (const clang::ParmVarDecl* parameter : function->parameters()) {
    if (match(is_non_const_reference, *parameter, *result.Context).empty()) continue;
    diag(parameter_location(*parameter),
         "%0 is a non-const reference: changes the body makes through it are not replayed when "
         "the result comes from the cache")
        << parameter_name(*parameter);
    diag(parameter_location(*parameter),
         "return the new value instead, or take the parameter by value or by const reference",
         clang::DiagnosticIDs::Note);
  }
}

}  // namespace picocache::tidy

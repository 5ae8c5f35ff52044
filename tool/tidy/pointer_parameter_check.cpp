// picocache-pointer-parameter; see pointer_parameter_check.hpp.
#include "pointer_parameter_check.hpp"

#include "address_holders.hpp"
#include "parameter_names.hpp"

using namespace clang::ast_matchers;

namespace picocache::tidy {

void PointerParameterCheck::registerMatchers(MatchFinder* finder) {
  finder->addMatcher(
      functionDecl(isCachedFunction(), hasAnyParameter(parmVarDecl())).bind("function"), this);
}

void PointerParameterCheck::check(const MatchFinder::MatchResult& result) {
  const auto* function = result.Nodes.getNodeAs<clang::FunctionDecl>("function");
  for (const clang::ParmVarDecl* parameter : function->parameters()) {
    std::optional<tooling::AddressHolder> holder = tooling::find_address_holder(
        parameter->getType(), tooling::Usage::Argument, *result.Context);
    if (!holder) continue;
    const std::string name = parameter_name(*parameter);
    const clang::SourceLocation location = parameter_location(*parameter);
    if (holder->kind == tooling::HolderKind::Handle) {
      diag(location, "%0 holds %1: a handle names a resource, not data the cache key could encode")
          << name << tooling::describe(*holder);
      diag(location, "pass the data it gives access to instead", clang::DiagnosticIDs::Note);
      continue;
    }
    if (holder->direct) {
      diag(location, "%0 is %1: the cache key would be the address, not the data it points to")
          << name << tooling::holder_noun(holder->kind);
      diag(location, "pass the data by value or by const reference", clang::DiagnosticIDs::Note);
      continue;
    }
    diag(location, "%0 holds %1: the cache key would be the address, not the data it points to")
        << name << tooling::describe(*holder);
    // A codec for the parameter's type decides what is encoded, and silences this check.
    diag(location,
         "pass the data by value or by const reference, or write a picocache::Codec for the "
         "parameter's type",
         clang::DiagnosticIDs::Note);
  }
}

}  // namespace picocache::tidy

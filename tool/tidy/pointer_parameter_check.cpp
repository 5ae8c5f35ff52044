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
    if (holder->kind == tooling::HolderKind::Handle) {
      diag(parameter_location(*parameter),
           "%0 holds %1: a handle names a resource, not data the cache key could encode; pass the "
           "data it gives access to instead")
          << name << tooling::describe(*holder);
    } else if (holder->direct) {
      diag(parameter_location(*parameter),
           "%0 is %1: the cache key would be the address, not the data it points to; pass by value "
           "or const reference")
          << name << tooling::holder_noun(holder->kind);
    } else {
      diag(parameter_location(*parameter),
           "%0 holds %1: the cache key would be the address, not the data it points to; pass the "
           "data by value or const reference")
          << name << tooling::describe(*holder);
    }
  }
}

}  // namespace picocache::tidy

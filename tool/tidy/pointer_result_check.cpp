// picocache-pointer-result; see pointer_result_check.hpp.
#include "pointer_result_check.hpp"

#include "address_holders.hpp"

using namespace clang::ast_matchers;

namespace picocache::tidy {

void PointerResultCheck::registerMatchers(MatchFinder* finder) {
  finder->addMatcher(functionDecl(isCachedFunction(), unless(returns(voidType()))).bind("function"),
                     this);
}

void PointerResultCheck::check(const MatchFinder::MatchResult& result) {
  const auto* function = result.Nodes.getNodeAs<clang::FunctionDecl>("function");
  std::optional<tooling::AddressHolder> holder = tooling::find_address_holder(
      function->getReturnType(), tooling::Usage::Result, *result.Context);
  if (!holder) return;
  llvm::StringRef verb = holder->direct ? "is" : "holds";
  llvm::StringRef why;
  llvm::StringRef remedy;
  switch (holder->kind) {
    case tooling::HolderKind::Pointer:
    case tooling::HolderKind::Reference:
      why =
          "the cache would store an address, which points at nothing when the value is read back "
          "in a later call or another process";
      remedy = "return the data by value";
      break;
    case tooling::HolderKind::View:
      why =
          "a view refers to memory of the call that produced it, which is gone when the value is "
          "read back from the cache";
      remedy = "return an owning type such as std::string or std::vector";
      break;
    case tooling::HolderKind::Handle:
      why = "a handle names a resource, not data the cache could store and read back";
      remedy = "return the data itself by value";
      break;
  }
  diag(function->getLocation(), "the result of cached function %0 %1 %2: %3")
      << function << verb << tooling::describe(*holder) << why;
  diag(function->getLocation(), remedy, clang::DiagnosticIDs::Note);
}

}  // namespace picocache::tidy

// picocache-void-result; see void_result_check.hpp.
#include "void_result_check.hpp"

using namespace clang::ast_matchers;

namespace picocache::tidy {

void VoidResultCheck::registerMatchers(MatchFinder* finder) {
  // Constructors and destructors have no result type to speak of; picocache-gen rejects them.
  finder->addMatcher(functionDecl(isCachedFunction(), returns(voidType()),
                                  unless(anyOf(cxxConstructorDecl(), cxxDestructorDecl())))
                         .bind("function"),
                     this);
}

void VoidResultCheck::check(const MatchFinder::MatchResult& result) {
  const auto* function = result.Nodes.getNodeAs<clang::FunctionDecl>("function");
  diag(function->getLocation(),
       "cached function %0 returns void: there is no result to store, and every cache hit would "
       "skip its side effects; remove [[picocache::cached]] or return the value the caller needs")
      << function;
}

}  // namespace picocache::tidy

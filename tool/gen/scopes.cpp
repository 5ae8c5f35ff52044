// Leaving and re-entering namespaces; see scopes.hpp.
#include "scopes.hpp"

#include <clang/AST/Decl.h>
#include <clang/AST/DeclCXX.h>

#include <vector>

namespace picocache::gen {

Scopes scopes_around(const clang::DeclContext* context) {
  std::vector<const clang::DeclContext*> chain;  // innermost first
  for (; context && !context->isTranslationUnit(); context = context->getLexicalParent())
    chain.push_back(context);

  std::vector<std::string> groups;  // outermost first
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    if (const auto* ns = llvm::dyn_cast<clang::NamespaceDecl>(*it)) {
      const std::string name = ns->isAnonymousNamespace() ? std::string() : ns->getNameAsString();
      if (ns->isNested() && !groups.empty()) {
        // `namespace a::b {`: extend the group "namespace a {" to "namespace a::b {".
        std::string& group = groups.back();
        group.erase(group.size() - 2);
        group += ns->isInline() ? "::inline " + name : "::" + name;
        group += " {";
        continue;
      }
      groups.push_back(std::string(ns->isInline() ? "inline " : "") + "namespace" +
                       (name.empty() ? "" : " " + name) + " {");
    } else if (const auto* linkage = llvm::dyn_cast<clang::LinkageSpecDecl>(*it)) {
      if (!linkage->hasBraces()) continue;
      groups.push_back(linkage->getLanguage() == clang::LinkageSpecLanguageIDs::C
                           ? "extern \"C\" {"
                           : "extern \"C++\" {");
    }
  }
  Scopes scopes;
  for (std::size_t i = 0; i < groups.size(); ++i)
    scopes.close += "}  // picocache-gen: to global scope\n";
  for (const std::string& group : groups) scopes.reopen += group + "  // picocache-gen: back\n";
  return scopes;
}

}  // namespace picocache::gen

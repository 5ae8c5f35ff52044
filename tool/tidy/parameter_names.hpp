// How the picocache-* checks name a parameter in a message: "parameter 'n'", or
// "parameter 2" when it has no name, and where they point at it.
#pragma once

#include <clang/AST/Decl.h>

#include <string>

namespace picocache::tidy {

inline std::string parameter_name(const clang::ParmVarDecl& parameter) {
  if (parameter.getName().empty())
    return "parameter " + std::to_string(parameter.getFunctionScopeIndex() + 1);
  return "parameter '" + parameter.getName().str() + "'";
}

inline clang::SourceLocation parameter_location(const clang::ParmVarDecl& parameter) {
  return parameter.getName().empty() ? parameter.getBeginLoc() : parameter.getLocation();
}

}  // namespace picocache::tidy

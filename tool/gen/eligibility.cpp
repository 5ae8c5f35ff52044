// Which functions can be cached; see eligibility.hpp.
#include "eligibility.hpp"

#include <clang/AST/Decl.h>
#include <clang/AST/DeclCXX.h>
#include <clang/AST/DeclTemplate.h>
#include <clang/AST/StmtCXX.h>
#include <clang/Basic/SourceManager.h>

#include <string>
#include <vector>

namespace picocache::gen {
namespace {

std::string quoted(const clang::FunctionDecl& function) {
  return "'" + function.getQualifiedNameAsString() + "'";
}

bool refuse(Reporter& reporter, clang::SourceLocation at, const std::string& message,
            const std::string& hint) {
  reporter.error(at, message);
  reporter.hint(hint);
  return false;
}

// What keeps a template's instantiations from being named canonically at run time: a parameter
// pack, a template template parameter, a non-type parameter that is not an integer, enumerator
// or bool, a class template partial specialization around it; "" when nothing does.
std::string unsupported_template_parameter(const clang::FunctionDecl& function) {
  std::vector<const clang::TemplateParameterList*> lists;
  if (const clang::FunctionTemplateDecl* described = function.getDescribedFunctionTemplate())
    lists.push_back(described->getTemplateParameters());
  for (const clang::DeclContext* context = function.getDeclContext(); context;
       context = context->getParent()) {
    const auto* record = llvm::dyn_cast<clang::CXXRecordDecl>(context);
    if (!record) continue;
    if (llvm::isa<clang::ClassTemplatePartialSpecializationDecl>(record))
      return "it is a member of a class template partial specialization";
    if (const clang::ClassTemplateDecl* described = record->getDescribedClassTemplate())
      lists.push_back(described->getTemplateParameters());
  }
  for (const clang::TemplateParameterList* list : lists) {
    for (const clang::NamedDecl* parameter : *list) {
      if (parameter->isTemplateParameterPack()) return "a template parameter pack";
      if (!parameter->getIdentifier()) return "an unnamed template parameter";
      if (llvm::isa<clang::TemplateTemplateParmDecl>(parameter))
        return "a template template parameter";
      if (const auto* value = llvm::dyn_cast<clang::NonTypeTemplateParmDecl>(parameter)) {
        const clang::QualType type = value->getType();
        if (!type->isIntegralOrEnumerationType() && !type->isDependentType())
          return "non-type template parameter '" + value->getNameAsString() +
                 "' is not an integer, enumerator or bool";
      }
    }
  }
  return "";
}

}  // namespace

bool check_declaration(const clang::FunctionDecl& function, clang::SourceLocation at,
                       Reporter& reporter) {
  const std::string name = quoted(function);
  const auto* method = llvm::dyn_cast<clang::CXXMethodDecl>(&function);
  if (llvm::isa<clang::CXXConstructorDecl>(function)) {
    return refuse(
        reporter, at, "'picocache::cached' cannot be applied to constructor " + name,
        "a constructor returns no value to cache; cache a function that computes the object's "
        "state and construct from its result");
  }
  if (llvm::isa<clang::CXXDestructorDecl>(function)) {
    return refuse(reporter, at, "'picocache::cached' cannot be applied to destructor " + name,
                  "a destructor returns no value to cache; remove the annotation");
  }
  if (llvm::isa<clang::CXXConversionDecl>(function)) {
    return refuse(reporter, at,
                  "'picocache::cached' cannot be applied to conversion function " + name,
                  "cache a named const member function and call it from the conversion");
  }
  if (method && method->isVirtual()) {
    return refuse(
        reporter, at, "'picocache::cached' cannot be applied to virtual function " + name,
        "a call through the base class would run whichever override the object has; cache a "
        "non-virtual function that the override calls");
  }
  if (method && !method->isStatic() && !method->isConst()) {
    return refuse(
        reporter, at, "'picocache::cached' cannot be applied to non-const member function " + name,
        "the key must include everything the result depends on: make the function const (the "
        "key then includes the encoded object) or static, or make it a free function");
  }
  if (method && method->getParent()->isLocalClass()) {
    return refuse(
        reporter, at,
        "'picocache::cached' cannot be applied to member function " + name + " of a local class",
        "the generated helpers could not name it; move the class to namespace scope");
  }
  if (function.getFriendObjectKind() != clang::Decl::FOK_None) {
    return refuse(reporter, at, "'picocache::cached' cannot be applied to friend function " + name,
                  "declare the function at namespace scope (it may still be a friend)");
  }
  if (function.isVariadic()) {
    return refuse(reporter, at,
                  "'picocache::cached' cannot be applied to variadic function " + name,
                  "the arguments passed through '...' cannot be encoded into a key; take them as a "
                  "std::vector or std::tuple parameter");
  }
  // A function template, a member of a class template (or both): each instantiation is its own
  // cached function, named by its template arguments (function_rewriter.cpp).
  const clang::FunctionDecl::TemplatedKind kind = function.getTemplatedKind();
  if (kind != clang::FunctionDecl::TK_NonTemplate &&
      kind != clang::FunctionDecl::TK_FunctionTemplate) {
    return refuse(reporter, at,
                  "'picocache::cached' cannot be applied to template specialization " + name +
                      " (not supported yet)",
                  "annotate the primary template, or a non-template function that calls this one");
  }
  if (function.isTemplated()) {
    if (const std::string problem = unsupported_template_parameter(function); !problem.empty()) {
      return refuse(reporter, at,
                    "'picocache::cached' cannot be applied to template " + name + ": " + problem,
                    "give the template named type parameters and integer, enumerator or bool "
                    "non-type parameters, or cache a non-template function that calls it");
    }
  }
  if (function.isDeleted() || function.isExplicitlyDefaulted()) {
    return refuse(reporter, at,
                  "'picocache::cached' cannot be applied to deleted or defaulted function " + name,
                  "remove the annotation");
  }
  if (function.isConstexpr()) {
    return refuse(
        reporter, at, "'picocache::cached' cannot be applied to constexpr function " + name,
        "the cache exists only at run time: remove constexpr, or cache a non-constexpr function "
        "that calls this one");
  }
  if (function.isMain()) {
    return refuse(reporter, at, "'picocache::cached' cannot be applied to 'main'",
                  "remove the annotation");
  }
  const clang::QualType result = function.getReturnType();
  if (result->isVoidType()) {
    return refuse(reporter, at,
                  "cached function " + name + " returns void: there is no result to cache",
                  "return the computed value, or remove the annotation");
  }
  if (result->isReferenceType()) {
    return refuse(reporter, at,
                  "cached function " + name + " returns a reference, which cannot be stored",
                  "return the value (by value)");
  }
  return true;
}

bool check_definition(const clang::FunctionDecl& definition, clang::SourceLocation at,
                      const clang::SourceManager& sources, Reporter& reporter) {
  const std::string name = quoted(definition);
  const clang::Stmt* body = definition.getBody();
  if (llvm::isa_and_nonnull<clang::CoroutineBodyStmt>(body)) {
    return refuse(reporter, at, "'picocache::cached' cannot be applied to coroutine " + name,
                  "a coroutine's result is a handle to a computation, not a value; cache a plain "
                  "function that the coroutine calls");
  }
  // A function-try-block's try block is rewritten as a body is; its handlers stay after it.
  if (const auto* try_block = llvm::dyn_cast_or_null<clang::CXXTryStmt>(body))
    body = try_block->getTryBlock();
  const auto* compound = llvm::dyn_cast_or_null<clang::CompoundStmt>(body);
  if (!compound) return false;
  const clang::SourceLocation open = compound->getLBracLoc(), close = compound->getRBracLoc();
  if (definition.getLocation().isMacroID()) {
    reporter.error(at, "cached function " + name + " is defined through a macro");
    reporter.note(sources.getSpellingLoc(definition.getBeginLoc()), "the macro defines it here");
    reporter.hint(
        "write the definition in the source file, not in a macro (picocache-gen rewrites the "
        "source's text)");
    return false;
  }
  if (open.isMacroID() || close.isMacroID()) {
    return refuse(reporter, at,
                  "the body of cached function " + name + " is written through a macro",
                  "write the function's braces in the source file, not in a macro");
  }
  if (!sources.isWrittenInMainFile(open) || !sources.isWrittenInMainFile(close)) {
    reporter.error(at, "cached function " + name + " is defined in '" +
                           sources.getFilename(sources.getSpellingLoc(open)).str() +
                           "', but picocache-gen rewrites only the source file it runs on");
    reporter.note(definition.getLocation(), "defined here");
    reporter.hint(
        "define the function in a source file (.cpp) and keep only its declaration in the header");
    return false;
  }
  return true;
}

}  // namespace picocache::gen

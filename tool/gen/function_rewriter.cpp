// How a cached function is rewritten.
//
// A free function (in a namespace, static, in an anonymous namespace, defined out of line) keeps
// its definition where it is, which becomes the *body function*: the same unqualified name and
// signature in a namespace of its own inside the function's namespace. The wrapper, defined right
// after it, has the function's name, signature and linkage and calls picocache::memoize with the
// body function. For
//
//     namespace geo {
//     [[picocache::cached(maxsize = 256)]] long fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n
//     - 2); }
//     }
//
// picocache-gen writes (the annotation blanked, the user's lines at their original numbers):
//
//     }  // picocache-gen: to global scope
//     namespace { ::picocache::CachedFunction& picocache_fn_0_<unit>(); }
//     namespace geo {  // picocache-gen: back
//     long fib(int n);                                  // only when nothing declared it before
//     namespace picocache_body_0_<unit> {
//     long fib(int n);                                  // unless the return type is deduced
//     #line 2 "fib.cpp"
//                                          long fib(int n) { return n < 2 ? n : ::geo::fib(n - 1) +
//                                          ::geo::fib(n - 2); }
//     }  // namespace picocache_body_0_<unit>
//     long fib(int n) { return ::picocache::memoize<long>(::picocache_fn_0_<unit>(),
//         [&](::picocache::Encoder& picocache_encoder) { picocache_encoder.write(n); },
//         [&]() -> long { return ::geo::picocache_body_0_<unit>::fib(::std::move(n)); }); }
//     }  // picocache-gen: to global scope
//     namespace { ::picocache::CachedFunction& picocache_fn_0_<unit>() { ... } }
//     namespace geo {  // picocache-gen: back
//
// Why a function and not a lambda: the body keeps its context. `__func__` is the function's name,
// a by-value parameter is the body's own (implicit move on `return v;`, move-only parameters
// work: the wrapper moves each by-value parameter into the body after the key is encoded), and a
// `static` local is the body function's (one per function). `__PRETTY_FUNCTION__` shows the body
// namespace ("long geo::picocache_body_0_<unit>::fib(int)"). Inside the body namespace the body
// function's name hides the wrapper, so the body's unqualified references to a function of that
// name (itself or an overload) are qualified (`::geo::fib`): recursion still goes through the
// cache, a cached `fib` hits at every level. A qualifier in the definition (`long geo::fib(...)`
// at global scope) is blanked, since the body function is defined inside `geo`.
//
// Member functions keep the earlier shape: the body becomes the body of a lambda that the member
// passes to picocache::memoize (a lambda inside a member function captures `this`, so member
// access and private members keep working without adding a declaration to a class that may be
// defined in a header picocache-gen does not rewrite). There `__func__` names the lambda's
// operator() and by-value parameters are the wrapper's (no implicit move on `return v;`).
//
// Why an accessor with a function-local static: the CachedFunction exists before its first use
// even when another file's static initializer calls the cached function; the `_registered`
// reference constructs it at start-up so cache_info() knows the function before any call. It is
// allocated with `new` and never destroyed (as the runtime's registry and store session), so a
// static destructor or a thread still running at exit can call the function; a reference held
// by a static is reachable, so LeakSanitizer does not report it.
// Parameters without a name are not part of the key: the body cannot read them.
#include "function_rewriter.hpp"

#include "scopes.hpp"
#include "type_names.hpp"

#include <clang/AST/ASTContext.h>
#include <clang/AST/Decl.h>
#include <clang/AST/DeclCXX.h>
#include <clang/AST/RecursiveASTVisitor.h>
#include <clang/Basic/SourceManager.h>
#include <clang/Lex/Lexer.h>

namespace picocache::gen {
namespace {

// The body's references to functions named like the cached one, unqualified, written in the main
// file (not through a macro): the body function's name would hide them.
class SameNameReferences : public clang::RecursiveASTVisitor<SameNameReferences> {
 public:
  SameNameReferences(const clang::FunctionDecl& function, const clang::SourceManager& sources)
      : name_(function.getDeclName()), sources_(sources) {}

  bool VisitDeclRefExpr(clang::DeclRefExpr* reference) {
    const auto* target = llvm::dyn_cast<clang::FunctionDecl>(reference->getDecl());
    if (!target || reference->hasQualifier() || target->getDeclName() != name_) return true;
    const clang::SourceLocation at = reference->getLocation();
    if (!at.isFileID() || !sources_.isWrittenInMainFile(at)) return true;
    found.push_back({at, target});
    return true;
  }

  struct Found {
    clang::SourceLocation location;
    const clang::FunctionDecl* target;
  };
  std::vector<Found> found;

 private:
  clang::DeclarationName name_;
  const clang::SourceManager& sources_;
};

// Whether the function can take the body-function shape (see the top of this file).
bool takes_body_function(const clang::FunctionDecl& function) {
  if (llvm::isa<clang::CXXMethodDecl>(function) || function.isExternC()) return false;
  if (!function.getDeclName().isIdentifier()) return false;  // operators keep the lambda
  if (function.getLocation().isMacroID()) return false;
  if (!llvm::isa<clang::NamespaceDecl, clang::TranslationUnitDecl>(function.getDeclContext()))
    return false;
  // A declaration with a deduced return type would need the wrapper to deduce it too.
  for (const clang::FunctionDecl* previous = function.getPreviousDecl(); previous;
       previous = previous->getPreviousDecl()) {
    if (previous->getReturnType()->getContainedDeducedType()) return false;
  }
  return true;
}

// "R name(T a, U b) noexcept": the wrapper's declarator; `defaults` copies the default arguments
// from the definition's text.
std::string wrapper_declarator(const clang::FunctionDecl& function,
                               const std::vector<std::string>& names, bool defaults,
                               const clang::ASTContext& context) {
  const clang::SourceManager& sources = context.getSourceManager();
  std::string out =
      code_type(code_result_type(function), context) + " " + function.getNameAsString() + "(";
  for (unsigned i = 0; i < function.getNumParams(); ++i) {
    const clang::ParmVarDecl* parameter = function.getParamDecl(i);
    if (i > 0) out += ", ";
    out += code_type(parameter->getType(), context) + " " + names[i];
    if (defaults && parameter->hasDefaultArg() && !parameter->hasUninstantiatedDefaultArg()) {
      const clang::CharSourceRange range =
          clang::CharSourceRange::getTokenRange(parameter->getDefaultArgRange());
      out += " = " + clang::Lexer::getSourceText(range, sources, context.getLangOpts()).str();
    }
  }
  if (function.isVariadic()) out += function.getNumParams() > 0 ? ", ..." : "...";
  out += ")";
  const auto* prototype = function.getType()->castAs<clang::FunctionProtoType>();
  if (prototype->isNothrow()) out += " noexcept";
  return out;
}

// Whether code at global scope can name the member function (it and its classes are public).
bool nameable_from_outside(const clang::FunctionDecl& function) {
  const clang::Decl* decl = &function;
  while (const auto* record = llvm::dyn_cast<clang::CXXRecordDecl>(decl->getDeclContext())) {
    if (decl->getAccess() != clang::AS_public) return false;
    decl = record;
  }
  return true;
}

void write_body_function(const CachedFunctionInfo& info, const std::string& accessor,
                         const std::string& result, const std::string& encode,
                         FunctionRewrite& rewrite, clang::ASTContext& context) {
  const clang::FunctionDecl& function = *info.definition;
  const clang::SourceManager& sources = context.getSourceManager();
  const std::string body_namespace = "picocache_body_" + std::to_string(info.id) + info.unit;
  const Scopes semantic = scopes_around(function.getDeclContext());
  rewrite.body_function = true;

  std::vector<std::string> names;
  std::string arguments;
  for (unsigned i = 0; i < function.getNumParams(); ++i) {
    const clang::ParmVarDecl* parameter = function.getParamDecl(i);
    names.push_back(parameter->getIdentifier() ? parameter->getNameAsString()
                                               : "picocache_unnamed_" + std::to_string(i));
    if (i > 0) arguments += ", ";
    // Each by-value parameter is moved into the body: the key is already encoded.
    arguments += parameter->getType()->isLValueReferenceType()
                     ? names.back()
                     : "::std::move(" + names.back() + ")";
  }

  rewrite.open_body = semantic.reopen;
  if (!function.getPreviousDecl()) {
    // The body's calls of itself name the wrapper: it must be declared before the body.
    std::string specifiers;
    if (function.getStorageClass() == clang::SC_Static) specifiers += "static ";
    if (function.isInlineSpecified()) specifiers += "inline ";
    rewrite.open_body += specifiers + wrapper_declarator(function, names, true, context) + ";\n";
  }
  rewrite.open_body += "namespace " + body_namespace + " {\n";
  if (!function.getDeclaredReturnType()->getContainedDeducedType()) {
    // A declaration before the definition (-Wmissing-declarations is on in some builds).
    rewrite.open_body += (function.getStorageClass() == clang::SC_Static ? "static " : "") +
                         wrapper_declarator(function, names, false, context) + ";\n";
  }

  rewrite.close_body = "}  // namespace " + body_namespace + "\n" +
                       wrapper_declarator(function, names, false, context) +
                       " {\n  return ::picocache::memoize<" + result + ">(::" + accessor + "(), " +
                       encode + ", [&]() -> " + result + " { return " + body_namespace +
                       "::" + function.getNameAsString() + "(" + arguments + "); });\n}\n" +
                       semantic.close;

  auto offset = [&](clang::SourceLocation location) { return sources.getFileOffset(location); };
  if (const clang::NestedNameSpecifierLoc qualifier = function.getQualifierLoc()) {
    const clang::SourceRange range = qualifier.getSourceRange();
    const unsigned begin = offset(range.getBegin());
    const unsigned end = offset(
        clang::Lexer::getLocForEndOfToken(range.getEnd(), 0, sources, context.getLangOpts()));
    rewrite.replacements.push_back({begin, end - begin, std::string(end - begin, ' ')});
  }
  SameNameReferences references(function, sources);
  references.TraverseStmt(function.getBody());
  const unsigned name_length = static_cast<unsigned>(function.getNameAsString().size());
  for (const SameNameReferences::Found& found : references.found) {
    rewrite.replacements.push_back({offset(found.location), name_length, code_name(*found.target)});
  }
}

// The CachedFunction constructor's sixth argument, or "" when the annotation keeps the defaults
// (so code generated before the single-flight keys existed reads the same).
std::string function_options(const tooling::CachedAnnotation& options) {
  if (!options.has_function_options()) return "";
  std::string text = ",\n      ::picocache::FunctionOptions{";
  text += options.single_flight ? "true, " : "false, ";
  // Both fields: -Wmissing-field-initializers would warn about the second one left out.
  text += options.lock_timeout
              ? "::std::chrono::milliseconds(" + std::to_string(options.lock_timeout->count()) + ")"
              : "::picocache::kDefaultLockTimeout";
  return text + "}";
}

}  // namespace

FunctionRewrite rewrite_function(const CachedFunctionInfo& info, CodecWriter& writer,
                                 clang::ASTContext& context) {
  const clang::FunctionDecl& function = *info.definition;
  const std::string accessor = "picocache_fn_" + std::to_string(info.id) + info.unit;
  const std::string result = code_type(code_result_type(function), context);
  FunctionRewrite rewrite;

  std::vector<std::string> encoded;
  if (const auto* method = llvm::dyn_cast<clang::CXXMethodDecl>(&function);
      method && !method->isStatic()) {
    encoded.push_back("*this");
  }
  for (const clang::ParmVarDecl* parameter : function.parameters()) {
    if (!parameter->getIdentifier()) continue;
    encoded.push_back(parameter->getNameAsString());
  }
  std::string encode = encoded.empty() ? "[](::picocache::Encoder&) {}"
                                       : "[&](::picocache::Encoder& picocache_encoder) {";
  if (!encoded.empty()) {
    for (const std::string& value : encoded) encode += " picocache_encoder.write(" + value + ");";
    encode += " }";
  }
  if (takes_body_function(function)) {
    write_body_function(info, accessor, result, encode, rewrite, context);
  } else {
    rewrite.body_open = " return ::picocache::memoize<" + result + ">(::" + accessor + "(), " +
                        encode + ", [&]() -> " + result + " {";
    rewrite.body_close = "});";
  }

  rewrite.before =
      "namespace {\n::picocache::CachedFunction& " + accessor + "();\n}  // namespace\n";

  std::string address;
  if (nameable_from_outside(function)) {
    // The explicit template argument picks the overload, without a cast (-Wuseless-cast).
    address = "::picocache::address_of<" + code_function_pointer_type(function, context) + ">(&" +
              code_name(function) + ")";
  } else {
    address =
        "::picocache::address_of(" + writer.member_function_pointer(function, rewrite.after) + ")";
  }
  const tooling::CachedAnnotation& options = *info.options;
  const std::string maxsize =
      options.unbounded ? "::picocache::unbounded" : std::to_string(options.maxsize) + "ULL";
  rewrite.after +=
      "namespace {\n::picocache::CachedFunction& " + accessor + "() {\n" +
      "  // Never destroyed: static destructors and threads still running at exit may call it.\n" +
      "  static ::picocache::CachedFunction& function = *new ::picocache::CachedFunction{\n      " +
      address + ",\n      " + cpp_string_literal(info.store_name) + ", " +
      cpp_string_literal(signature_text(function, context)) + ", " + maxsize + ", " +
      (options.typed ? "true" : "false") + function_options(options) +
      "};\n  return function;\n}\n" +
      "// Constructed at start-up, so cache_info() knows the function before its first call.\n" +
      "[[maybe_unused]] ::picocache::CachedFunction& " + accessor + "_registered = " + accessor +
      "();\n}  // namespace\n";
  return rewrite;
}

}  // namespace picocache::gen

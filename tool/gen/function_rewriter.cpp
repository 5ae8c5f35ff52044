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
// A member function (const or static, in its class or out of line) gets no new declaration in
// its class, which may sit in a header picocache-gen does not rewrite. Its definition stays the
// wrapper; the body becomes the body of a static member function of the same name in a local
// class of the member, which has the member's access (private members work) and whose names are
// looked up from the member's scope (the class's types, enumerators and static members). For
//
//     double Poly::scaled(double k) const { return area() * k; }
//
// picocache-gen writes (the body's `{` at its original line and column):
//
//     double Poly::scaled(double k) const { struct picocache_body_2_<unit> {
//         static double scaled(const ::Poly * picocache_self, double k)
//     #line 7 "poly.cpp"
//                                           { return picocache_self->area() * k; } };
//       return ::picocache::memoize<double>(::picocache_fn_2_<unit>(), <encode *this, k>,
//           [&]() -> double { return picocache_body_2_<unit>::scaled(this, ::std::move(k)); }); }
//
// (the text after the body's `}` is on the body's last line). The body's edits, from its AST:
// `this` becomes `picocache_self` (also in a `[this]` capture), an implicit member use gets
// `picocache_self->` (`picocache_self->Base::f()` for a qualified one), a lambda that captured
// `this` through a `[&]` default gets `[&, picocache_self]` (the pointer by copy, as `this` was),
// and an unqualified call of a static member of the member's name is qualified (`::C::m(..)`:
// the body function's name hides it). So a call of the member itself, `scaled(..)`, becomes
// `picocache_self->scaled(..)` (`::Poly::scaled(..)` for a static member): the wrapper, so
// recursion goes through the cache. `__func__` is the member's name; `__PRETTY_FUNCTION__` names
// the local class: GCC "static double Poly::scaled(double) const::picocache_body_2_<unit>::
// scaled(const Poly*, double)", Clang the same without the member's `const` and with the types as
// the generated code spells them ("const ::Poly *"). A column after an edit on the same line
// moves by the inserted text; lines do not. A parameter the body does not read is
// [[maybe_unused]] in the body function (the key reads it).
//
// A member keeps the lambda shape (its body runs in a lambda passed to memoize: `__func__` reads
// `operator()`, by-value parameters are the wrapper's) when the body function cannot express it:
// an operator (a local class cannot declare a static operator before C++23), a volatile member,
// an edit point written through a macro (`this` or a member use in a macro's expansion or
// argument: the macro's text cannot be edited), `[*this]`, `[=, this]` (C++20), an implicit
// member use the AST keeps dependent (in a generic lambda), code in an `#if` branch the tool did
// not see (it could not edit it, and the file may be compiled with other flags). Free functions
// that are `extern "C"`, operators or declared with a deduced return type keep it too.
//
// Why an accessor with a function-local static: the CachedFunction exists before its first use
// even when another file's static initializer calls the cached function; the `_registered`
// reference constructs it at start-up so cache_info() knows the function before any call. It is
// allocated with `new` and never destroyed (as the runtime's registry and store session), so a
// static destructor or a thread still running at exit can call the function; a reference held
// by a static is reachable, so LeakSanitizer does not report it.
// Parameters without a name are not part of the key: the body cannot read them.
//
// Functions defined in a project header (inline functions, members defined in their class) are
// rewritten in a copy of the header (picocache-gen --header), which picocache_generate() puts
// ahead of the original on the target's include path. The copy's accessor is an inline function
// at global scope, its name unique to the header's path (not in an anonymous namespace), and
// `_registered` a C++17 inline variable: every translation unit that includes the copy shares
// one CachedFunction per program, as the language guarantees for a function-local static of an
// inline function.
#include "function_rewriter.hpp"

#include "scopes.hpp"
#include "type_names.hpp"

#include <clang/AST/ASTContext.h>
#include <clang/AST/Decl.h>
#include <clang/AST/DeclCXX.h>
#include <clang/AST/DeclTemplate.h>
#include <clang/AST/RecursiveASTVisitor.h>
#include <clang/Basic/SourceManager.h>
#include <clang/Lex/Lexer.h>
#include <llvm/ADT/DenseSet.h>
#include <llvm/ADT/StringExtras.h>

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

// The edits that move a member function's body into a static member function of a local class
// (see the top of this file): explicit `this` becomes `picocache_self`, each implicit member
// access gets `picocache_self->` (a qualified one too: `picocache_self->Base::f()`), a lambda
// that captures `this` through a `[&]` default also captures `picocache_self` by copy (as it
// captured `this`), and unqualified references to static members named like the member are
// qualified (the body function's name would hide them). fits() is false when an edit cannot be
// made (a macro, `[*this]`, a static member's body using an object, a dependent implicit access
// in a generic lambda): the member then keeps the lambda shape.
class MemberBodyEdits : public clang::RecursiveASTVisitor<MemberBodyEdits> {
 public:
  MemberBodyEdits(const clang::CXXMethodDecl& method, const clang::SourceManager& sources)
      : method_(method), sources_(sources) {}

  bool fits() const {
    if (!fits_) return false;
    for (const clang::CXXThisExpr* expression : implicit_this_) {
      if (!covered_this_.count(expression)) return false;  // an implicit use this shape missed
    }
    return true;
  }
  const std::vector<Replacement>& replacements() const { return replacements_; }

  // A class declared in the body: its members' `this` is its own; names are still looked up
  // from inside the body function, so references to the member's name are still qualified.
  bool TraverseCXXRecordDecl(clang::CXXRecordDecl* record) {
    if (record->isLambda()) return RecursiveASTVisitor::TraverseCXXRecordDecl(record);
    ++local_classes_;
    const bool result = RecursiveASTVisitor::TraverseCXXRecordDecl(record);
    --local_classes_;
    return result;
  }

  bool TraverseLambdaExpr(clang::LambdaExpr* lambda) {
    if (local_classes_ > 0) return RecursiveASTVisitor::TraverseLambdaExpr(lambda);
    for (const clang::LambdaCapture& capture : lambda->captures()) {
      if (!capture.capturesThis()) continue;
      if (capture.getCaptureKind() == clang::LCK_StarThis) {
        fits_ = false;  // [*this]
      } else if (capture.isExplicit()) {
        // [=, this] is C++20; its rewrite [=, picocache_self] would not compile.
        if (lambda->getCaptureDefault() == clang::LCD_ByCopy) fits_ = false;
        edit(capture.getLocation(), 4, "picocache_self");
      } else if (lambda->getCaptureDefault() == clang::LCD_ByRef) {
        // `this` was captured by copy even under [&]: so is picocache_self. ([=] copies it.)
        edit(lambda->getCaptureDefaultLoc().getLocWithOffset(1), 0, ", picocache_self");
      }
    }
    return RecursiveASTVisitor::TraverseLambdaExpr(lambda);
  }

  bool VisitCXXThisExpr(clang::CXXThisExpr* expression) {
    if (local_classes_ > 0) return true;
    if (expression->isImplicit()) {
      implicit_this_.push_back(expression);
    } else {
      edit(expression->getLocation(), 4, "picocache_self");
    }
    return true;
  }

  bool VisitMemberExpr(clang::MemberExpr* expression) {
    if (local_classes_ > 0 || !expression->isImplicitAccess()) return true;
    covered_this_.insert(expression->getBase()->IgnoreParenImpCasts());
    // (An anonymous union's member is reached through an implicit member at the same place.)
    edit(expression->getBeginLoc(), 0, "picocache_self->");
    return true;
  }

  // Only generic lambdas have these in a non-template member; their implicit form is not handled.
  bool VisitUnresolvedMemberExpr(clang::UnresolvedMemberExpr* expression) {
    if (local_classes_ == 0 && expression->isImplicitAccess()) fits_ = false;
    return true;
  }
  bool VisitCXXDependentScopeMemberExpr(clang::CXXDependentScopeMemberExpr* expression) {
    if (local_classes_ == 0 && expression->isImplicitAccess()) fits_ = false;
    return true;
  }
  bool VisitUnresolvedLookupExpr(clang::UnresolvedLookupExpr* expression) {
    if (!expression->getQualifier() && expression->getName() == method_.getDeclName())
      fits_ = false;
    return true;
  }

  bool VisitDeclRefExpr(clang::DeclRefExpr* reference) {
    const auto* target = llvm::dyn_cast<clang::FunctionDecl>(reference->getDecl());
    if (!target || reference->hasQualifier() || target->getDeclName() != method_.getDeclName())
      return true;
    // A function of a class declared in the body is found before the body function's name.
    const auto* record = llvm::dyn_cast<clang::CXXRecordDecl>(target->getDeclContext());
    if (!record || record->isLocalClass()) return true;
    edit(reference->getLocation(), static_cast<unsigned>(method_.getNameAsString().size()),
         code_name(*target));
    return true;
  }

 private:
  // Replaces `length` characters at `at` with `text`, where the user wrote them.
  void edit(clang::SourceLocation at, unsigned length, std::string text) {
    if (!at.isFileID() || !sources_.isWrittenInMainFile(at)) {
      fits_ = false;
      return;
    }
    const unsigned offset = sources_.getFileOffset(at);
    // `this` in `[this]` is also the capture's initializer: one edit.
    if (!edited_.insert(offset).second) return;
    if (method_.isStatic() && text.rfind("picocache_self", 0) == 0) fits_ = false;  // no object
    replacements_.push_back({offset, length, std::move(text)});
  }

  const clang::CXXMethodDecl& method_;
  const clang::SourceManager& sources_;
  bool fits_ = true;
  int local_classes_ = 0;
  std::vector<const clang::CXXThisExpr*> implicit_this_;
  llvm::DenseSet<const clang::Expr*> covered_this_;
  llvm::DenseSet<unsigned> edited_;  // offsets
  std::vector<Replacement> replacements_;
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

  // A header's inline function stays inline (its copy is included by many translation units).
  rewrite.close_body =
      "}  // namespace " + body_namespace + "\n" + (function.isInlineSpecified() ? "inline " : "") +
      wrapper_declarator(function, names, false, context) + " {\n  return ::picocache::memoize<" +
      result + ">(::" + accessor + "(), " + encode + ", [&]() -> " + result + " { return " +
      body_namespace + "::" + function.getNameAsString() + "(" + arguments + "); });\n}\n" +
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

// The CachedFunction constructor's last (eighth) argument, or "" when the annotation keeps the
// defaults (so code generated before the single-flight keys existed reads the same).
std::string function_options(const tooling::CachedAnnotation& options) {
  if (!options.has_function_options()) return "";
  std::string text = ",\n      ::picocache::FunctionOptions{";
  text += options.single_flight ? "true, " : "false, ";
  // Every field: -Wmissing-field-initializers would warn about one left out.
  text += options.lock_timeout
              ? "::std::chrono::milliseconds(" + std::to_string(options.lock_timeout->count()) + ")"
              : "::picocache::kDefaultLockTimeout";
  text += ", ";
  text += options.ttl ? "::std::chrono::milliseconds(" + std::to_string(options.ttl->count()) + ")"
                      : "::picocache::kNoTtl";
  return text + "}";
}

// The member body-function shape (see the top of this file); false, with nothing written, when
// the member keeps the lambda shape.
bool write_member_body_function(const CachedFunctionInfo& info, const std::string& accessor,
                                const std::string& result, const std::string& encode,
                                FunctionRewrite& rewrite, clang::ASTContext& context) {
  const auto& method = llvm::cast<clang::CXXMethodDecl>(*info.definition);
  // Operators: a local class cannot declare a static operator before C++23.
  if (!method.getDeclName().isIdentifier() || method.getLocation().isMacroID()) return false;
  if (method.isVolatile()) return false;  // `this` would be a pointer to volatile: rare, untested
  if (info.body_has_skipped_code) return false;
  MemberBodyEdits edits(method, context.getSourceManager());
  edits.TraverseStmt(method.getBody());
  if (!edits.fits()) return false;

  const std::string name = method.getNameAsString();
  const std::string body_class = "picocache_body_" + std::to_string(info.id) + info.unit;
  std::vector<std::string> parameters;
  std::vector<std::string> arguments;
  if (!method.isStatic()) {
    parameters.push_back(code_type(method.getThisType(), context) + " picocache_self");
    arguments.push_back("this");
  }
  for (const clang::ParmVarDecl* parameter : method.parameters()) {
    if (!parameter->getIdentifier()) continue;  // the body cannot read it
    const std::string parameter_name = parameter->getNameAsString();
    // A parameter only the key reads was used by the wrapper's encoder in the lambda shape.
    parameters.push_back((parameter->isReferenced() ? "" : "[[maybe_unused]] ") +
                         code_type(parameter->getType(), context) + " " + parameter_name);
    // Each by-value parameter is moved into the body: the key is already encoded.
    arguments.push_back(parameter->getType()->isLValueReferenceType()
                            ? parameter_name
                            : "::std::move(" + parameter_name + ")");
  }
  rewrite.member_body_function = true;
  rewrite.before_body = "{ struct " + body_class + " { static " + result + " " + name + "(" +
                        llvm::join(parameters, ", ") + ")";
  rewrite.after_body = " }; return ::picocache::memoize<" + result + ">(::" + accessor + "(), " +
                       encode + ", [&]() -> " + result + " { return " + body_class + "::" + name +
                       "(" + llvm::join(arguments, ", ") + "); }); }";
  rewrite.replacements = edits.replacements();
  return true;
}

// The template parameter lists around a templated function, outermost first, each with the
// record or function it belongs to (eligibility.cpp refused what these cannot name).
struct TemplateScope {
  const clang::NamedDecl* owner;
  const clang::TemplateParameterList* parameters;  // null for a record that is not a template
};
std::vector<TemplateScope> template_scopes(const clang::FunctionDecl& function) {
  std::vector<TemplateScope> scopes;
  for (const clang::DeclContext* context = function.getDeclContext(); context;
       context = context->getParent()) {
    const auto* record = llvm::dyn_cast<clang::CXXRecordDecl>(context);
    if (!record) continue;
    const clang::ClassTemplateDecl* described = record->getDescribedClassTemplate();
    scopes.insert(scopes.begin(),
                  {record, described ? described->getTemplateParameters() : nullptr});
  }
  const clang::FunctionTemplateDecl* described = function.getDescribedFunctionTemplate();
  scopes.push_back({&function, described ? described->getTemplateParameters() : nullptr});
  return scopes;
}

// "<T, N>" as code, or "" for a scope that is not a template.
std::string template_parameters_code(const clang::TemplateParameterList* parameters) {
  if (!parameters) return "";
  std::vector<std::string> names;
  for (const clang::NamedDecl* parameter : *parameters)
    names.push_back(parameter->getNameAsString());
  return "<" + llvm::join(names, ", ") + ">";
}

// The qualified name of a templated function's instantiation, as an expression that builds it at
// run time with the template arguments spelled canonically (picocache/template_arguments.hpp):
// "geo::Box<" + template_argument<T>() + ">::area<" + template_value<N>() + ">".
std::string template_name_expression(const clang::FunctionDecl& function,
                                     const std::string& store_name) {
  const std::vector<TemplateScope> scopes = template_scopes(function);
  std::string suffix;
  for (const TemplateScope& scope : scopes) {
    if (!suffix.empty()) suffix += "::";
    suffix += scope.owner->getNameAsString();
  }
  std::string text =
      store_name.size() >= suffix.size() &&
              store_name.compare(store_name.size() - suffix.size(), suffix.size(), suffix) == 0
          ? store_name.substr(0, store_name.size() - suffix.size())
          : std::string();
  std::string expression = "(::std::string(";
  bool first = true;
  for (const TemplateScope& scope : scopes) {
    if (!first) text += "::";
    first = false;
    text += scope.owner->getNameAsString();
    if (!scope.parameters) continue;
    text += "<";
    expression += cpp_string_literal(text) + ")";
    text.clear();
    bool first_argument = true;
    for (const clang::NamedDecl* parameter : *scope.parameters) {
      if (!first_argument) expression += " + \", \"";
      first_argument = false;
      const std::string name = parameter->getNameAsString();
      expression += llvm::isa<clang::NonTypeTemplateParmDecl>(parameter)
                        ? " + ::picocache::template_value<" + name + ">()"
                        : " + ::picocache::template_argument<" + name + ">()";
    }
    text = ">";
    expression += " + ::std::string(";
  }
  return expression + cpp_string_literal(text) + ")).c_str()";
}

// How generated code names the templated function itself, from inside its body: "&::geo::f<T>",
// "&::geo::Box<T>::area" (access is the body's).
std::string template_address_code(const clang::FunctionDecl& function) {
  std::string name = code_name(function);
  if (const clang::FunctionTemplateDecl* described = function.getDescribedFunctionTemplate())
    name += template_parameters_code(described->getTemplateParameters());
  return "&" + name;
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
  // A templated function (a function template, a member of a class template) keeps the lambda
  // shape, with its CachedFunction a static local of the function: one per instantiation, per
  // program (an instantiation is an inline definition), constructed at its first call.
  const bool templated = function.isTemplated();
  const std::string handle = templated ? "picocache_function" : "::" + accessor + "()";
  if (!templated && takes_body_function(function)) {
    write_body_function(info, accessor, result, encode, rewrite, context);
  } else if (templated || !llvm::isa<clang::CXXMethodDecl>(function) ||
             !write_member_body_function(info, accessor, result, encode, rewrite, context)) {
    rewrite.body_open = " return ::picocache::memoize<" + result + ">(" + handle + ", " + encode +
                        ", [&]() -> " + result + " {";
    rewrite.body_close = "});";
  }

  // In a source file the accessor has internal linkage; in a header's copy it is inline (one per
  // program however many translation units include the header), and so is `_registered`.
  const std::string open = info.in_header ? "" : "namespace {\n";
  const std::string close = info.in_header ? "" : "}  // namespace\n";
  const std::string linkage = info.in_header ? "inline " : "";
  rewrite.before = open + linkage + "::picocache::CachedFunction& " + accessor + "();\n" + close;

  std::string address;
  std::string name = cpp_string_literal(info.store_name);
  if (templated) {
    address = "::picocache::address_of<" + code_function_pointer_type(function, context) + ">(" +
              template_address_code(function) + ")";
    name = template_name_expression(function, info.store_name);
  } else if (nameable_from_outside(function)) {
    // The explicit template argument picks the overload, without a cast (-Wuseless-cast).
    address = "::picocache::address_of<" + code_function_pointer_type(function, context) + ">(&" +
              code_name(function) + ")";
  } else {
    address =
        "::picocache::address_of(" + writer.member_function_pointer(function, rewrite.after) + ")";
  }
  // The key's types, decayed as key_schema decays them: the class of a non-static member first.
  std::vector<std::string> key_types;
  if (const auto* method = llvm::dyn_cast<clang::CXXMethodDecl>(&function);
      method && !method->isStatic()) {
    key_types.push_back(code_record(*method->getParent(), context));
  }
  for (const clang::ParmVarDecl* parameter : function.parameters()) {
    if (!parameter->getIdentifier()) continue;  // not part of the key
    key_types.push_back(
        code_type(parameter->getType().getNonReferenceType().getUnqualifiedType(), context));
  }
  const tooling::CachedAnnotation& options = *info.options;
  const std::string maxsize =
      options.unbounded ? "::picocache::unbounded" : std::to_string(options.maxsize) + "ULL";
  // Never destroyed: static destructors and threads still running at exit may call it.
  const std::string construction =
      "*new ::picocache::CachedFunction{\n      " + address + ",\n      " + name + ", " +
      cpp_string_literal(signature_text(function, context)) + ", " +
      cpp_string_literal(info.code_version) + ", ::picocache::key_schema<" +
      llvm::join(key_types, ", ") + ">(), " + maxsize + ", " + (options.typed ? "true" : "false") +
      function_options(options) + "}";
  if (templated) {
    rewrite.before = "#include <picocache/template_arguments.hpp>\n";
    rewrite.body_open =
        " static ::picocache::CachedFunction& picocache_function = " + construction + ";" +
        rewrite.body_open;
    return rewrite;
  }
  rewrite.after +=
      open + linkage + "::picocache::CachedFunction& " + accessor + "() {\n" +
      "  // Never destroyed: static destructors and threads still running at exit may call it.\n" +
      "  static ::picocache::CachedFunction& function = " + construction +
      ";\n  return function;\n}\n" +
      "// Constructed at start-up, so cache_info() knows the function before its first call.\n" +
      "[[maybe_unused]] " + linkage + "::picocache::CachedFunction& " + accessor +
      "_registered = " + accessor + "();\n" + close;
  return rewrite;
}

}  // namespace picocache::gen

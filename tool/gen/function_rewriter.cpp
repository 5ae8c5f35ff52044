// How a cached function is rewritten.
//
// The body stays where it is and becomes the body of a lambda that the function passes to
// picocache::memoize; the function keeps its name, signature, linkage, specifiers, default
// arguments and (for members) its class. For
//
//     [[picocache::cached(maxsize = 256)]] long fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n
//     - 2); }
//
// picocache-gen writes (the annotation blanked, the user's lines at their original numbers):
//
//     namespace { ::picocache::CachedFunction& picocache_fn_0(); }     // before the function
//                                          long fib(int n) { return ::picocache::memoize<long>(
//         ::picocache_fn_0(), [&](::picocache::Encoder& picocache_encoder) {
//         picocache_encoder.write(n); },
//         [&]() -> long {
//     #line 1 "fib.cpp"
//                                                            return n < 2 ? n : fib(n - 1) + fib(n
//                                                            - 2); });}
//     namespace {                                                      // after the function
//     ::picocache::CachedFunction& picocache_fn_0() {
//       static ::picocache::CachedFunction& function = *new ::picocache::CachedFunction{
//           ::picocache::address_of<long (*)(int)>(&::fib), "fib", "long (int)", 256ULL, false};
//       return function;
//     }
//     [[maybe_unused]] ::picocache::CachedFunction& picocache_fn_0_registered = picocache_fn_0();
//     }
//
// Why the body becomes a lambda rather than a renamed function:
//   - it works the same for free functions, static members and const members (a lambda inside a
//     member function captures `this`, so member access and private members keep working), for
//     members defined inside or outside their class, without adding declarations to a class that
//     may be defined in a header picocache-gen does not rewrite;
//   - recursion goes through the wrapper by itself: `fib` in the body still names the function;
//   - the user's text is not copied or moved, so every line keeps its number and `#line` only has
//     to frame what is inserted.
//   Visible differences: `__func__` in the body names the lambda's operator(), and a `static`
//   local in the body belongs to the lambda (still one per function).
// Why an accessor with a function-local static: the CachedFunction exists before its first use
// even when another file's static initializer calls the cached function; the `_registered`
// reference constructs it at start-up so cache_info() knows the function before any call. It is
// allocated with `new` and never destroyed (as the runtime's registry and store session), so a
// static destructor or a thread still running at exit can call the function; a reference held
// by a static is reachable, so LeakSanitizer does not report it.
// Parameters without a name are not part of the key: the body cannot read them.
#include "function_rewriter.hpp"

#include "type_names.hpp"

#include <clang/AST/ASTContext.h>
#include <clang/AST/Decl.h>
#include <clang/AST/DeclCXX.h>

namespace picocache::gen {
namespace {

// Whether code at global scope can name the member function (it and its classes are public).
bool nameable_from_outside(const clang::FunctionDecl& function) {
  const clang::Decl* decl = &function;
  while (const auto* record = llvm::dyn_cast<clang::CXXRecordDecl>(decl->getDeclContext())) {
    if (decl->getAccess() != clang::AS_public) return false;
    decl = record;
  }
  return true;
}

}  // namespace

FunctionRewrite rewrite_function(const CachedFunctionInfo& info, CodecWriter& writer,
                                 const clang::ASTContext& context) {
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
  rewrite.body_open = " return ::picocache::memoize<" + result + ">(::" + accessor + "(), " +
                      encode + ", [&]() -> " + result + " {";
  rewrite.body_close = "});";

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
      (options.typed ? "true" : "false") + "};\n  return function;\n}\n" +
      "// Constructed at start-up, so cache_info() knows the function before its first call.\n" +
      "[[maybe_unused]] ::picocache::CachedFunction& " + accessor + "_registered = " + accessor +
      "();\n}  // namespace\n";
  return rewrite;
}

}  // namespace picocache::gen

// The rewrite of one cached function; see function_rewriter.cpp for the shape and why.
#pragma once

#include "codec_writer.hpp"

#include <cached_annotation.hpp>
#include <string>
#include <vector>

namespace clang {
class ASTContext;
class FunctionDecl;
}  // namespace clang

namespace picocache::gen {

// A text replacement in the user's source (offsets in the main file).
struct Replacement {
  unsigned offset;
  unsigned length;
  std::string text;
};

struct FunctionRewrite {
  std::string before;  // global scope, before the function (or its class): declares the accessor
  std::string after;   // global scope, after the function (or its class): defines the accessor

  // Free functions: the user's definition becomes the body function, in its own namespace inside
  // the function's namespace, and the wrapper is defined after it.
  bool body_function = false;
  std::string open_body;   // after `before`, at global scope: enters the function's namespace,
                           // declares the wrapper if nothing did, opens the body's namespace
  std::string close_body;  // right after the body's `}`: closes the body's namespace, defines
                           // the wrapper, back to global scope (then `after`)
  std::vector<Replacement> replacements;  // the qualifier blanked, the body's calls of itself

  // Member functions that take the body-function shape: the body becomes the body of a static
  // member function of a local class of the member, the wrapper (see function_rewriter.cpp).
  bool member_body_function = false;
  std::string before_body;  // right before the body's `{`, which then keeps its line and column
  std::string after_body;   // right after the body's `}`, on the same line
  // (member_body_function also uses `replacements`: `this` and the body's implicit member uses)

  // The other member functions (operators, extern "C", what the shape cannot handle): the body
  // becomes a lambda's.
  std::string body_open;   // inserted right after the body's `{`
  std::string body_close;  // inserted right before the body's `}`
};

struct CachedFunctionInfo {
  const clang::FunctionDecl* definition;
  const tooling::CachedAnnotation* options;
  unsigned id;               // picocache_fn_<id><unit>
  std::string unit;          // unique per generated file: "_" and 8 hex digits
  std::string store_name;    // "geo::area"
  std::string code_version;  // "fp:<32 hex>" (code_fingerprint.hpp) or "v:<annotation's version>"
  // Code in the body that the preprocessor skipped (an #if branch not taken): the rewrite cannot
  // see it, so a member keeps the lambda shape (the branch may be compiled with other flags).
  bool body_has_skipped_code = false;
  // Rewritten into a header's copy (see function_rewriter.cpp): the accessor is an inline
  // function, unique per program, registered at start-up through an inline variable.
  bool in_header = false;
};

FunctionRewrite rewrite_function(const CachedFunctionInfo& function, CodecWriter& writer,
                                 clang::ASTContext& context);

}  // namespace picocache::gen

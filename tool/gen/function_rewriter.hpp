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

  // Member functions: the body becomes a lambda's.
  std::string body_open;   // inserted right after the body's `{`
  std::string body_close;  // inserted right before the body's `}`
};

struct CachedFunctionInfo {
  const clang::FunctionDecl* definition;
  const tooling::CachedAnnotation* options;
  unsigned id;             // picocache_fn_<id><unit>
  std::string unit;        // unique per generated file: "_" and 8 hex digits
  std::string store_name;  // "geo::area"
};

FunctionRewrite rewrite_function(const CachedFunctionInfo& function, CodecWriter& writer,
                                 clang::ASTContext& context);

}  // namespace picocache::gen

// The rewrite of one cached function; see function_rewriter.cpp for the shape and why.
#pragma once

#include "codec_writer.hpp"

#include <cached_annotation.hpp>
#include <string>

namespace clang {
class ASTContext;
class FunctionDecl;
}  // namespace clang

namespace picocache::gen {

struct FunctionRewrite {
  std::string before;     // global scope, before the function (or its class): declares the accessor
  std::string after;      // global scope, after the function (or its class): defines the accessor
  std::string body_open;  // inserted right after the body's `{`
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
                                 const clang::ASTContext& context);

}  // namespace picocache::gen

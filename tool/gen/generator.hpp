// The frontend action that parses one translation unit and produces its rewritten text.
#pragma once

#include "diagnostics.hpp"

#include <clang/Tooling/Tooling.h>

#include <memory>
#include <string>
#include <vector>

namespace picocache::gen {

struct GenerateRequest {
  std::string original_name;  // the name `#line` gives the source (absolute)
  std::string output_name;    // the name `#line` gives generated blocks (the output file)
  // The source is a project header, rewritten into a copy that every translation unit of the
  // target includes instead (see function_rewriter.cpp): accessors are inline, one per program,
  // and cached functions defined in other headers are left to those headers' own copies.
  bool header = false;
  // The project's directories, its source directory first (--project-root): which headers the
  // code fingerprint follows, and the root the path of a file-local function is relative to.
  std::vector<std::string> project_roots;
};

struct GenerateResult {
  bool done = false;                      // the consumer ran to the end without errors
  std::string output;                     // the rewritten source (or the original, unchanged)
  std::vector<std::string> dependencies;  // the source and every non-system header it read
};

std::unique_ptr<clang::tooling::FrontendActionFactory> make_generate_factory(
    const GenerateRequest& request, GenerateResult& result, GenDiagnosticConsumer& diagnostics);

}  // namespace picocache::gen

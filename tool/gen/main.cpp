// picocache-gen: rewrites the [[picocache::cached]] functions of one C++ source file.
//
//   picocache-gen <source> -o <output> [--depfile <file>] -- <compile flags>
//   picocache-gen <source> -o <output> [--depfile <file>] -p <build directory>
//   picocache-gen <header> --header -o <copy> [--depfile <file>] -- <compile flags>
//   (and --project-root <dir>, repeatable: the project's source directory, then its binary one)
//
// Writes the rewritten source to <output> only when the source compiles and every annotation is
// valid; otherwise prints clang-style errors, writes nothing and exits with 1. A source without
// annotations is copied unchanged. --depfile writes "<output>: <source> <headers...>" (every
// header that is not a system header), for build systems to re-run the tool when one changes.
#include "compile_flags.hpp"
#include "diagnostics.hpp"
#include "generator.hpp"
#include "output_files.hpp"

#include <clang/Tooling/CommonOptionsParser.h>
#include <clang/Tooling/Tooling.h>
#include <llvm/Support/CommandLine.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/raw_ostream.h>

namespace {

llvm::cl::OptionCategory category("picocache-gen options");

llvm::cl::opt<std::string> output_option("o",
                                         llvm::cl::desc("Write the rewritten source to <file>"),
                                         llvm::cl::value_desc("file"), llvm::cl::Required,
                                         llvm::cl::cat(category));
llvm::cl::opt<std::string> depfile_option(
    "depfile",
    llvm::cl::desc("Write a Make-style depfile listing the source and "
                   "the headers it includes"),
    llvm::cl::value_desc("file"), llvm::cl::cat(category));

llvm::cl::opt<bool> header_option(
    "header",
    llvm::cl::desc("The source is a project header: write its rewritten copy, whose accessors are "
                   "inline (one per program), and leave other headers' functions to their copies"),
    llvm::cl::cat(category));

llvm::cl::list<std::string> project_root_option(
    "project-root",
    llvm::cl::desc("A directory of the project (repeatable; the source directory first): the "
                   "code fingerprint follows definitions in headers under these, and a static "
                   "function is named by its path relative to the first. Default: the source's "
                   "directory"),
    llvm::cl::value_desc("dir"), llvm::cl::cat(category));

llvm::cl::extrahelp more_help(R"(
Rewrites each function annotated [[picocache::cached]] or
[[picocache::cached(maxsize = N|none, typed = true|false, ttl = <duration>|none,
version = "<text>"|N, single_flight = true|false, lock_timeout = <duration>)]] into a wrapper that calls the PicoCache runtime, generates codecs for the user types its key and result need, and keeps every line of the
user's code at its original file and line through #line directives.

Usually run by picocache_generate() in CMake, with the target's own flags after "--".
)");

void print_version(llvm::raw_ostream& out) {
  out << "picocache-gen " PICOCACHE_VERSION " (Clang 19)\n";
}

}  // namespace

int main(int argc, const char** argv) {
  llvm::cl::SetVersionPrinter(print_version);
  const std::vector<std::string> args =
      picocache::gen::expand_shell_options(std::vector<std::string>(argv, argv + argc));
  std::vector<const char*> expanded;
  for (const std::string& arg : args) expanded.push_back(arg.c_str());
  int expanded_count = static_cast<int>(expanded.size());
  llvm::Expected<clang::tooling::CommonOptionsParser> parser =
      clang::tooling::CommonOptionsParser::create(expanded_count, expanded.data(), category,
                                                  llvm::cl::Required);
  if (!parser) {
    llvm::errs() << llvm::toString(parser.takeError());
    return 2;
  }
  const std::vector<std::string>& sources = parser->getSourcePathList();
  if (sources.size() != 1) {
    llvm::errs() << "picocache-gen: error: expected exactly one source file, got " << sources.size()
                 << "\n";
    return 2;
  }

  clang::tooling::ClangTool tool(parser->getCompilations(), sources);
  tool.appendArgumentsAdjuster(
      picocache::gen::compile_flags_adjuster(PICOCACHE_CLANG_RESOURCE_DIR));
  if (header_option) {
    // A header parsed on its own: `#pragma once` in the main file is expected there.
    tool.appendArgumentsAdjuster(clang::tooling::getInsertArgumentAdjuster(
        "-Wno-pragma-once-outside-header", clang::tooling::ArgumentInsertPosition::END));
  }
  picocache::gen::GenDiagnosticConsumer diagnostics(llvm::errs());
  tool.setDiagnosticConsumer(&diagnostics);
  tool.setPrintErrorMessage(false);  // the diagnostics say what went wrong

  picocache::gen::GenerateRequest request;
  request.original_name = picocache::gen::absolute_path(sources.front());
  request.output_name = picocache::gen::absolute_path(output_option);
  for (const std::string& root : project_root_option) {
    request.project_roots.push_back(picocache::gen::absolute_path(root));
  }
  if (request.project_roots.empty()) {
    request.project_roots.push_back(llvm::sys::path::parent_path(request.original_name).str());
  }
  request.header = header_option;
  picocache::gen::GenerateResult result;
  const std::unique_ptr<clang::tooling::FrontendActionFactory> factory =
      picocache::gen::make_generate_factory(request, result, diagnostics);
  const int status = tool.run(factory.get());
  if (status != 0 || !result.done) return 1;

  std::string error;
  if (!depfile_option.empty()) {
    const std::string depfile = picocache::gen::depfile_text(output_option, result.dependencies);
    if (!picocache::gen::write_atomically(depfile_option, depfile, error)) {
      llvm::errs() << "picocache-gen: error: " << error << "\n";
      return 1;
    }
  }
  if (!picocache::gen::write_atomically(output_option, result.output, error)) {
    llvm::errs() << "picocache-gen: error: " << error << "\n";
    return 1;
  }
  return 0;
}

// Making the target's compile flags acceptable to Clang; see compile_flags.hpp.
#include "compile_flags.hpp"

#include <clang/Driver/Options.h>
#include <llvm/ADT/StringRef.h>
#include <llvm/Option/ArgList.h>
#include <llvm/Option/OptTable.h>
#include <llvm/Option/Option.h>
#include <llvm/Support/CommandLine.h>
#include <llvm/Support/StringSaver.h>
#include <llvm/Support/raw_ostream.h>

#include <algorithm>
#include <memory>
#include <vector>

namespace picocache::gen {
namespace {

using clang::tooling::CommandLineArguments;

// Drops the options Clang's driver does not know (they would be errors), appending them to
// `dropped`.
CommandLineArguments strip_unknown_options(const CommandLineArguments& args,
                                           std::vector<std::string>& dropped) {
  if (args.size() < 2) return args;
  std::vector<const char*> argv;
  for (std::size_t i = 1; i < args.size(); ++i) argv.push_back(args[i].c_str());
  unsigned missing_index = 0, missing_count = 0;
  const llvm::opt::OptTable& table = clang::driver::getDriverOptTable();
  llvm::opt::InputArgList parsed =
      table.ParseArgs(argv, missing_index, missing_count,
                      llvm::opt::Visibility(clang::driver::options::ClangOption));
  std::vector<bool> drop(args.size(), false);
  for (const llvm::opt::Arg* arg : parsed) {
    if (arg->getOption().getKind() == llvm::opt::Option::UnknownClass)
      drop[arg->getIndex() + 1] = true;
  }
  CommandLineArguments kept;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (!drop[i]) {
      kept.push_back(args[i]);
    } else if (std::find(dropped.begin(), dropped.end(), args[i]) == dropped.end()) {
      dropped.push_back(args[i]);
    }
  }
  return kept;
}

bool drops_diagnostics(llvm::StringRef arg) {
  // -Werror and friends would turn the warnings picocache-gen relies on into errors; -w would
  // hide them.
  return arg == "-w" || arg == "-Werror" || arg.starts_with("-Werror=") ||
         arg == "-pedantic-errors" || arg == "-Wfatal-errors";
}

}  // namespace

clang::tooling::ArgumentsAdjuster compile_flags_adjuster(std::string resource_dir) {
  // The note names the dropped options once per run, however often the adjuster runs.
  auto noted = std::make_shared<bool>(false);
  clang::tooling::ArgumentsAdjuster own = [resource_dir, noted](const CommandLineArguments& args,
                                                                llvm::StringRef) {
    CommandLineArguments adjusted;
    bool has_resource_dir = false;
    std::vector<std::string> dropped;
    const CommandLineArguments known = strip_unknown_options(args, dropped);
    if (!dropped.empty() && !*noted) {
      *noted = true;
      llvm::errs() << "picocache-gen: note: ignoring option" << (dropped.size() > 1 ? "s" : "")
                   << " Clang does not accept (the compiler still gets them):";
      for (const std::string& option : dropped) llvm::errs() << " " << option;
      llvm::errs() << "\n";
    }
    for (const std::string& arg : known) {
      if (drops_diagnostics(arg)) continue;
      if (llvm::StringRef(arg).starts_with("-resource-dir")) has_resource_dir = true;
      adjusted.push_back(arg);
    }
    // Insert before the source file (the last argument) so that a trailing "--" stays valid.
    std::vector<std::string> extra = {"-Wno-everything", "-Wunknown-attributes",
                                      "-Wno-unknown-warning-option"};
    if (!has_resource_dir) extra.push_back("-resource-dir=" + resource_dir);
    auto position = adjusted.end();
    for (auto it = adjusted.begin(); it != adjusted.end(); ++it) {
      if (*it == "--") {
        position = it;
        break;
      }
    }
    adjusted.insert(position, extra.begin(), extra.end());
    return adjusted;
  };
  return clang::tooling::combineAdjusters(clang::tooling::getStripPluginsAdjuster(), own);
}

std::vector<std::string> expand_shell_options(const std::vector<std::string>& args) {
  std::vector<std::string> expanded;
  for (const std::string& arg : args) {
    const llvm::StringRef text(arg);
    if (!text.starts_with("SHELL:")) {
      expanded.push_back(arg);
      continue;
    }
    llvm::BumpPtrAllocator allocator;
    llvm::StringSaver saver(allocator);
    llvm::SmallVector<const char*, 4> words;
    llvm::cl::TokenizeGNUCommandLine(text.drop_front(6), saver, words);
    for (const char* word : words) expanded.emplace_back(word);
  }
  return expanded;
}

}  // namespace picocache::gen

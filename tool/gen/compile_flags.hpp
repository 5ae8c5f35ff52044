// The compile flags picocache-gen parses with: the target's own flags, made acceptable to Clang.
//
// Build systems pass flags meant for the user's compiler, often GCC. picocache-gen
//   - drops options Clang's driver does not know (GCC-only ones such as
//     -fconcepts-diagnostics-depth=2), naming them once in a note on stderr, and plugin options;
//   - adds -resource-dir for Clang's builtin headers when the flags lack one, so users never
//     pass it (the standard library, libstdc++, is found as clang++ finds it);
//   - turns off warnings (the user's compiler reports them on the generated file) except the
//     "unknown attribute" warning, which is how Clang shows the annotations it ignored.
#pragma once

#include <clang/Tooling/ArgumentsAdjusters.h>

#include <string>
#include <vector>

namespace picocache::gen {

clang::tooling::ArgumentsAdjuster compile_flags_adjuster(std::string resource_dir);

// `args` with each CMake "SHELL:-opt value" option (target_compile_options) replaced by the words
// it stands for. Done on the command line before it is parsed: the flags after "--" are read as a
// compile command, which would take "SHELL:..." for an input file and drop it.
std::vector<std::string> expand_shell_options(const std::vector<std::string>& args);

}  // namespace picocache::gen

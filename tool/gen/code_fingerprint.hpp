// The code fingerprint: 128 bits that change when the code a cached function runs changes, part
// of the function's identity in the store (the "fp:" code version, see memoize.hpp).
//
// What it covers: the tokens of the function's definition, signature included (not comments,
// whitespace, line or column numbers, the file's path, nor the [[picocache::cached]] annotation,
// whose options have their own place), and transitively the definitions the body references that
// this translation unit can see in project files (ProjectFiles): functions, methods, the
// constructors of the types it constructs and their default member initialisers, variables and
// constants with their initialisers, enumerations. Each reached definition enters with its
// qualified name and its tokens, in the order the walk meets them; each enters once, so
// recursion and cycles end.
//
// Macros: an identifier naming a macro defined in a project file enters as the macro's
// definition (its parameters and replacement tokens, recursively for project macros those use;
// each macro once). Builtin macros (__FILE__, __LINE__, __DATE__, __TIME__, ...), macros of
// system headers (assert) and of files outside the project enter as written, by name: a moved
// function, or a Debug and a Release build of one body, keep the fingerprint. Macros defined on
// the command line (-DNAME=...) enter as defined.
//
// Not seen: definitions in other translation units (a callee defined in another .cpp, a
// library's code), and code in system headers. The annotation's `version` replaces the
// fingerprint for functions whose results must outlive such edits or survive trivial ones.
#pragma once

#include "project_files.hpp"

#include <string>

namespace clang {
class ASTContext;
class FunctionDecl;
class Preprocessor;
}  // namespace clang

namespace picocache::gen {

// 32 lowercase hex digits: the fingerprint of `definition` (a function definition in the main
// file, its body parsed). Call at the end of the translation unit (macro history complete).
std::string code_fingerprint(const clang::FunctionDecl& definition, clang::ASTContext& context,
                             clang::Preprocessor& preprocessor, const ProjectFiles& project);

}  // namespace picocache::gen

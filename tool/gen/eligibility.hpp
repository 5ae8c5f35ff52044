// Which functions [[picocache::cached]] may appear on. Each refusal is an error at the
// annotation with a hint, never a silent skip:
//   - constructors, destructors, conversion functions, virtual functions, non-const non-static
//     member functions, members of local classes, friend functions defined in a class, C variadic
//     functions, templates, deleted or defaulted functions, constexpr/consteval functions, main;
//   - results that cannot be cached: void, references;
//   - for the definition being rewritten: coroutines, a definition outside
//     the source file being rewritten (a header), a body whose braces come from a macro.
#pragma once

#include "diagnostics.hpp"

#include <clang/Basic/SourceLocation.h>

namespace clang {
class FunctionDecl;
class SourceManager;
}  // namespace clang

namespace picocache::gen {

// Checks what any declaration of `function` tells; reports at `annotation`.
bool check_declaration(const clang::FunctionDecl& function, clang::SourceLocation annotation,
                       Reporter& reporter);

// Checks the definition picocache-gen is about to rewrite; reports at `annotation`.
bool check_definition(const clang::FunctionDecl& definition, clang::SourceLocation annotation,
                      const clang::SourceManager& sources, Reporter& reporter);

}  // namespace picocache::gen

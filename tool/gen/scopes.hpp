// Leaving and re-entering the namespaces around a point of the source, so that generated code
// that must live at global scope (codec specializations, the objects behind cached functions) can
// be inserted anywhere a declaration can.
//
// `namespace a::b {` is one brace group (closed by one `}`), so it is left with one `}` and
// re-entered as `namespace a::b {`; anonymous and inline namespaces and `extern "C" {` blocks are
// re-entered as they were written (re-opening an anonymous namespace names the same one).
#pragma once

#include <string>

namespace clang {
class DeclContext;
}

namespace picocache::gen {

struct Scopes {
  std::string close;   // "}\n" per brace group, innermost first; empty at global scope
  std::string reopen;  // the groups' openings, outermost first
};

// The scopes around a declaration whose lexical context is `context` (a namespace, a linkage
// specification or the translation unit).
Scopes scopes_around(const clang::DeclContext* context);

}  // namespace picocache::gen

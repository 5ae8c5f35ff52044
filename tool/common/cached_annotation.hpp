// Finds `[[picocache::cached(...)]]` annotations in source text and ties them to declarations.
//
// Why not the AST: Clang drops attributes it does not know ("unknown attribute 'cached'
// ignored"), and `maxsize=256` is no expression, so the annotation never reaches the AST.
//
// How it works:
//   1. AnnotationIndex::build() raw-lexes (clang::Lexer, no preprocessing) every non-system file
//      of the translation unit whose text contains "cached", plus the main file. It recognises
//      each attribute-specifier `[[ ... ]]`, including `[[using picocache: cached]]` and lists
//      such as `[[nodiscard, picocache::cached(maxsize = 8)]]`, and parses the arguments itself
//      (keys `maxsize` = non-negative integer or `none`, `typed` = `true`/`false`,
//      `single_flight` = `true`/`false`, `lock_timeout` = a duration, annotation_duration.hpp,
//      `ttl` = a duration or `none`,
//      `version` = a non-empty string or a non-negative integer, kept as text: "2" for both).
//   2. Each annotation remembers the attribute-specifier-seq it sits in: the token after the
//      whole sequence and the token before it.
//   3. find(decl) returns the annotation that appertains to `decl`: the one whose sequence ends
//      right before the first token of the declaration (`[[...]] int f();`), or, for a function,
//      right after its name (`int f [[...]] (int);`).
//
// Limits (each one is reported, never skipped silently, by the tools that use this index):
//   - an annotation written through a macro is invisible to the raw lexer (the text of
//     preprocessor directives, such as a #define's body, is skipped); compare with the
//     "unknown attribute" diagnostics (is_known_annotation_location) to catch it;
//   - text in `#if 0` regions is lexed too: pass the skipped ranges
//   (PPCallbacks::SourceRangeSkipped)
//     so annotations there are ignored;
//   - a file included several times without a guard gets one FileID per inclusion and is lexed
//     once per FileID, so every inclusion has its own annotations with their own locations.
#pragma once

#include <clang/Basic/SourceLocation.h>
#include <llvm/ADT/ArrayRef.h>
#include <llvm/ADT/DenseMap.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace clang {
class Decl;
class FunctionDecl;
class LangOptions;
class SourceManager;
}  // namespace clang

namespace picocache::tooling {

// One `picocache::cached` attribute, with its parsed arguments.
struct CachedAnnotation {
  static constexpr std::uint64_t kDefaultMaxsize = 128;

  clang::SourceLocation location;           // `picocache` (or `cached` after `using picocache:`)
  clang::CharSourceRange removal;           // text to blank out to drop the annotation: the whole
                                            // `[[...]]`, or the attribute and one comma in a list
  clang::SourceLocation sequence_begin;     // first `[` of the attribute-specifier-seq
  clang::SourceLocation next_token;         // first token after the sequence
  clang::SourceLocation previous_token;     // last token before the sequence
  std::uint64_t maxsize = kDefaultMaxsize;  // meaningless when unbounded
  bool unbounded = false;                   // maxsize=none
  bool typed = false;
  std::optional<std::chrono::milliseconds> ttl;           // nullopt: ttl=none (never expires)
  bool single_flight = true;                              // concurrent misses of a key run it once
  std::optional<std::chrono::milliseconds> lock_timeout;  // nullopt: the runtime's default
  std::optional<std::string> version;  // `version = "2"` or `2`: replaces the code fingerprint
  bool valid = true;                   // false when its arguments had errors

  // "maxsize=128, typed=false" (and ttl and the single-flight keys when given): the effective
  // options, for comments and messages.
  std::string options_text() const;
  bool same_options(const CachedAnnotation& other) const {
    return unbounded == other.unbounded && typed == other.typed &&
           (unbounded || maxsize == other.maxsize) && single_flight == other.single_flight &&
           lock_timeout == other.lock_timeout && ttl == other.ttl && version == other.version;
  }
  // Whether the generated code must pass FunctionOptions (anything but their defaults).
  bool has_function_options() const {
    return !single_flight || lock_timeout.has_value() || ttl.has_value();
  }
};

// A malformed annotation: reported by the caller as an error at `location`, with an optional
// note (at `note_location` when it is valid, else without a location, as a hint).
struct AnnotationProblem {
  clang::SourceLocation location;
  std::string message;
  std::string note;
  clang::SourceLocation note_location;
};

class AnnotationIndex {
 public:
  // Lexes the TU's non-system files (see the file comment). `skipped` are preprocessor-skipped
  // ranges; annotations inside them are ignored.
  static AnnotationIndex build(const clang::SourceManager& sm, const clang::LangOptions& lang,
                               llvm::ArrayRef<clang::SourceRange> skipped = {});

  // The annotation that appertains to exactly this declaration, or null.
  const CachedAnnotation* find(const clang::Decl& decl) const;
  // The annotation on `function` or on any of its redeclarations (a header's declaration
  // counts for the definition in a .cpp), or null.
  const CachedAnnotation* find_on_any_redeclaration(const clang::FunctionDecl& function) const;

  llvm::ArrayRef<CachedAnnotation> annotations() const { return annotations_; }
  llvm::ArrayRef<AnnotationProblem> problems() const { return problems_; }

  // The start of the attribute-specifier-seq (`[[...]] [[...]]`) written right before
  // `begin`, or `begin` itself: where a declaration really starts in the text.
  clang::SourceLocation declaration_start(clang::SourceLocation begin) const;

  // True when `location` (a file location) lies inside an annotation this index found. A
  // Clang "unknown attribute 'cached'" diagnostic outside every annotation means one this index
  // cannot see, for example one written in a macro's body.
  bool is_known_annotation_location(clang::SourceLocation location) const;

 private:
  AnnotationIndex(const clang::SourceManager& sm) : sm_(&sm) {}
  void lex_file(clang::FileID file, const clang::LangOptions& lang,
                llvm::ArrayRef<clang::SourceRange> skipped);

  const clang::SourceManager* sm_;
  std::vector<CachedAnnotation> annotations_;
  std::vector<AnnotationProblem> problems_;
  // Raw encodings of file locations -> index into annotations_.
  llvm::DenseMap<clang::SourceLocation::UIntTy, std::vector<unsigned>> by_next_token_;
  llvm::DenseMap<clang::SourceLocation::UIntTy, std::vector<unsigned>> by_previous_token_;
  // Every attribute-specifier-seq (also ones without our attribute): token after it -> its start.
  llvm::DenseMap<clang::SourceLocation::UIntTy, clang::SourceLocation> sequence_start_;
};

}  // namespace picocache::tooling

// How picocache-gen talks to the user: clang's own diagnostic format for everything.
//
// GenDiagnosticConsumer sits between the parser and clang's TextDiagnosticPrinter:
//   - it prints errors (and their notes) exactly as clang does;
//   - it drops warnings: the user's compiler sees the same code and reports them itself;
//   - it keeps the "unknown attribute 'cached' ignored" warnings aside: each one marks an
//     annotation as Clang saw it, which the generator compares with what the raw-lexer index
//     found (an annotation written through a macro shows up only here).
#pragma once

#include <clang/Basic/Diagnostic.h>
#include <clang/Basic/DiagnosticOptions.h>
#include <clang/Basic/SourceLocation.h>
#include <clang/Basic/SourceManager.h>
#include <clang/Frontend/TextDiagnosticPrinter.h>
#include <llvm/ADT/ArrayRef.h>
#include <llvm/ADT/IntrusiveRefCntPtr.h>
#include <llvm/Support/raw_ostream.h>

#include <memory>
#include <string>
#include <vector>

namespace picocache::gen {

class GenDiagnosticConsumer : public clang::DiagnosticConsumer {
 public:
  // An ignored attribute named `cached` (of any scope), as Clang reported it.
  struct IgnoredAttribute {
    clang::SourceLocation location;  // may be a macro location
    clang::SourceRange range;
  };

  explicit GenDiagnosticConsumer(llvm::raw_ostream& out);

  void BeginSourceFile(const clang::LangOptions& lang, const clang::Preprocessor* pp) override;
  void EndSourceFile() override;
  void HandleDiagnostic(clang::DiagnosticsEngine::Level level,
                        const clang::Diagnostic& info) override;
  void finish() override;

  llvm::ArrayRef<IgnoredAttribute> ignored_cached_attributes() const { return ignored_; }

 private:
  llvm::IntrusiveRefCntPtr<clang::DiagnosticOptions> options_;
  std::unique_ptr<clang::TextDiagnosticPrinter> printer_;
  std::vector<IgnoredAttribute> ignored_;
  bool forwarding_notes_ = false;
};

// picocache-gen's own errors and notes, printed by flush() in source order (an error with the
// notes reported after it), through the DiagnosticsEngine, so they look exactly like Clang's.
class Reporter {
 public:
  Reporter(clang::DiagnosticsEngine& diagnostics, const clang::SourceManager& sources)
      : diagnostics_(diagnostics), sources_(sources) {}
  ~Reporter() { flush(); }
  Reporter(const Reporter&) = delete;
  Reporter& operator=(const Reporter&) = delete;

  void error(clang::SourceLocation location, llvm::StringRef message);
  // A note at `location` for the last error; with an invalid location, a hint printed as
  // "note: ..." alone.
  void note(clang::SourceLocation location, llvm::StringRef message);
  void hint(llvm::StringRef message) { note(clang::SourceLocation(), message); }

  unsigned errors() const { return errors_; }
  void flush();

 private:
  struct Message {
    clang::SourceLocation location;
    std::string text;
  };
  struct Group {
    Message error;
    std::vector<Message> notes;
  };
  clang::DiagnosticsEngine& diagnostics_;
  const clang::SourceManager& sources_;
  std::vector<Group> pending_;
  unsigned errors_ = 0;
};

}  // namespace picocache::gen

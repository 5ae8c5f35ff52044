// Diagnostics filtering and picocache-gen's own errors; see diagnostics.hpp.
#include "diagnostics.hpp"

#include <clang/Basic/DiagnosticIDs.h>
#include <clang/Basic/DiagnosticSema.h>
#include <clang/Basic/IdentifierTable.h>

#include <algorithm>

namespace picocache::gen {

GenDiagnosticConsumer::GenDiagnosticConsumer(llvm::raw_ostream& out)
    : options_(new clang::DiagnosticOptions()) {
  options_->ShowColors = out.has_colors();
  printer_ = std::make_unique<clang::TextDiagnosticPrinter>(out, options_.get());
}

void GenDiagnosticConsumer::BeginSourceFile(const clang::LangOptions& lang,
                                            const clang::Preprocessor* pp) {
  printer_->BeginSourceFile(lang, pp);
}

void GenDiagnosticConsumer::EndSourceFile() { printer_->EndSourceFile(); }

void GenDiagnosticConsumer::finish() { printer_->finish(); }

void GenDiagnosticConsumer::HandleDiagnostic(clang::DiagnosticsEngine::Level level,
                                             const clang::Diagnostic& info) {
  if (level == clang::DiagnosticsEngine::Note) {
    if (forwarding_notes_) {
      DiagnosticConsumer::HandleDiagnostic(level, info);
      printer_->HandleDiagnostic(level, info);
    }
    return;
  }
  if (level == clang::DiagnosticsEngine::Error || level == clang::DiagnosticsEngine::Fatal) {
    forwarding_notes_ = true;
    DiagnosticConsumer::HandleDiagnostic(level, info);  // counts errors
    printer_->HandleDiagnostic(level, info);
    return;
  }
  forwarding_notes_ = false;
  if (info.getID() == clang::diag::warn_unknown_attribute_ignored && info.getNumArgs() > 0 &&
      info.getArgKind(0) == clang::DiagnosticsEngine::ak_identifierinfo &&
      info.getArgIdentifier(0) && info.getArgIdentifier(0)->getName() == "cached") {
    clang::SourceRange range =
        info.getNumRanges() > 0 ? info.getRange(0).getAsRange() : clang::SourceRange();
    ignored_.push_back({info.getLocation(), range});
  }
}

void Reporter::error(clang::SourceLocation location, llvm::StringRef message) {
  ++errors_;
  pending_.push_back({{location, message.str()}, {}});
}

void Reporter::note(clang::SourceLocation location, llvm::StringRef message) {
  if (pending_.empty()) return;
  pending_.back().notes.push_back({location, message.str()});
}

void Reporter::flush() {
  std::stable_sort(pending_.begin(), pending_.end(), [&](const Group& a, const Group& b) {
    const clang::SourceLocation left = a.error.location, right = b.error.location;
    if (left.isInvalid() || right.isInvalid()) return left.isInvalid() && right.isValid();
    return sources_.isBeforeInTranslationUnit(sources_.getExpansionLoc(left),
                                              sources_.getExpansionLoc(right));
  });
  const unsigned error_id = diagnostics_.getCustomDiagID(clang::DiagnosticsEngine::Error, "%0");
  const unsigned note_id = diagnostics_.getCustomDiagID(clang::DiagnosticsEngine::Note, "%0");
  for (const Group& group : pending_) {
    diagnostics_.Report(group.error.location, error_id) << group.error.text;
    for (const Message& note : group.notes)
      diagnostics_.Report(note.location, note_id) << note.text;
  }
  pending_.clear();
}

}  // namespace picocache::gen

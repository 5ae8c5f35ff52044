// One AnnotationIndex per translation unit, shared by the picocache-* checks; see the header.
#include "translation_unit_annotations.hpp"

#include <clang/AST/ASTContext.h>
#include <clang/AST/Decl.h>
#include <clang/Basic/SourceManager.h>
#include <clang/Lex/PPCallbacks.h>
#include <clang/Lex/Preprocessor.h>
#include <llvm/ADT/DenseMap.h>

#include <memory>
#include <optional>
#include <vector>

namespace picocache::tidy {
namespace {

struct TranslationUnitState {
  bool tracked = false;  // a SkippedRangeCollector owns this entry's lifetime
  std::vector<clang::SourceRange> skipped;
  std::optional<tooling::AnnotationIndex> index;
};

// clang-tidy checks one TU at a time on one thread; the map holds the TUs in flight (one).
llvm::DenseMap<const clang::SourceManager*, TranslationUnitState>& states() {
  static llvm::DenseMap<const clang::SourceManager*, TranslationUnitState> map;
  return map;
}

class SkippedRangeCollector : public clang::PPCallbacks {
 public:
  explicit SkippedRangeCollector(const clang::SourceManager& sm) : sm_(&sm) {}
  ~SkippedRangeCollector() override { states().erase(sm_); }

  void SourceRangeSkipped(clang::SourceRange range, clang::SourceLocation /*endif*/) override {
    states()[sm_].skipped.push_back(range);
  }

 private:
  const clang::SourceManager* sm_;
};

}  // namespace

void TranslationUnitAnnotations::track(const clang::SourceManager& sm,
                                       clang::Preprocessor& preprocessor) {
  TranslationUnitState& state = states()[&sm];
  if (state.tracked) return;
  // An untracked entry can only be a leftover of an earlier TU at the same address.
  state = TranslationUnitState{};
  state.tracked = true;
  preprocessor.addPPCallbacks(std::make_unique<SkippedRangeCollector>(sm));
}

const tooling::AnnotationIndex& TranslationUnitAnnotations::index(
    const clang::ASTContext& context) {
  const clang::SourceManager& sm = context.getSourceManager();
  TranslationUnitState& state = states()[&sm];
  if (!state.index)
    state.index = tooling::AnnotationIndex::build(sm, context.getLangOpts(), state.skipped);
  return *state.index;
}

const tooling::CachedAnnotation* find_cached_annotation(const clang::FunctionDecl& function,
                                                        const clang::ASTContext& context) {
  if (function.isTemplateInstantiation()) return nullptr;
  return TranslationUnitAnnotations::index(context).find_on_any_redeclaration(function);
}

}  // namespace picocache::tidy

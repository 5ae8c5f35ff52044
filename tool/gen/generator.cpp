// Parsing a translation unit and rewriting its cached functions.
//
// The steps, in HandleTranslationUnit:
//   1. find the annotations in the text (AnnotationIndex) and report malformed ones; compare
//      them with the "unknown attribute 'cached'" warnings Clang gave (one Clang saw but the index
//      did not is written through a macro: an error);
//   2. tie each annotation to its declaration (annotation_targets) and check the function may be
//      cached (eligibility) and its parameters, object and result can be encoded (codec_planner);
//   3. only when nothing was wrong: write the edits (function_rewriter, codec_writer) and render.
#include "generator.hpp"

#include "annotation_targets.hpp"
#include "code_fingerprint.hpp"
#include "codec_planner.hpp"
#include "codec_writer.hpp"
#include "eligibility.hpp"
#include "function_rewriter.hpp"
#include "output_files.hpp"
#include "scopes.hpp"
#include "source_edits.hpp"
#include "type_names.hpp"

#include <clang/AST/ASTConsumer.h>
#include <clang/AST/ASTContext.h>
#include <clang/AST/DeclCXX.h>
#include <clang/AST/DeclTemplate.h>
#include <clang/AST/StmtCXX.h>
#include <clang/Basic/DiagnosticSema.h>
#include <clang/Basic/SourceManager.h>
#include <clang/Frontend/CompilerInstance.h>
#include <clang/Frontend/FrontendAction.h>
#include <clang/Lex/Lexer.h>
#include <clang/Lex/PPCallbacks.h>
#include <clang/Lex/Preprocessor.h>
#include <llvm/ADT/DenseSet.h>
#include <llvm/ADT/MapVector.h>
#include <llvm/ADT/StringExtras.h>
#include <llvm/ADT/StringSet.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/xxhash.h>

#include <cached_annotation.hpp>
#include <map>

namespace picocache::gen {
namespace {

using tooling::AnnotationIndex;
using tooling::CachedAnnotation;

class SkippedRanges : public clang::PPCallbacks {
 public:
  explicit SkippedRanges(std::vector<clang::SourceRange>& ranges) : ranges_(ranges) {}
  void SourceRangeSkipped(clang::SourceRange range, clang::SourceLocation) override {
    ranges_.push_back(range);
  }

 private:
  std::vector<clang::SourceRange>& ranges_;
};

// A header's `#include "..."` that resolved next to the header, to a file without annotations:
// its copy (elsewhere) names it by absolute path, since the copy's own directory does not have
// it. Annotated neighbours keep the relative name: their copies sit next to this one.
struct NeighbourInclude {
  clang::CharSourceRange range;  // the filename token, quotes included
  std::string path;              // absolute
};

class NeighbourIncludes : public clang::PPCallbacks {
 public:
  NeighbourIncludes(const clang::SourceManager& sources, std::vector<NeighbourInclude>& found)
      : sources_(sources), found_(found) {}
  void InclusionDirective(clang::SourceLocation hash, const clang::Token&, llvm::StringRef,
                          bool angled, clang::CharSourceRange range,
                          clang::OptionalFileEntryRef file, llvm::StringRef search_path,
                          llvm::StringRef, const clang::Module*, bool,
                          clang::SrcMgr::CharacteristicKind) override {
    if (angled || !file || !sources_.isWrittenInMainFile(hash)) return;
    const clang::OptionalFileEntryRef main =
        sources_.getFileEntryRefForID(sources_.getMainFileID());
    if (!main) return;
    if (absolute_path(search_path) != absolute_path(llvm::sys::path::parent_path(main->getName())))
      return;
    auto buffer = llvm::MemoryBuffer::getFile(file->getName());
    if (!buffer || (*buffer)->getBuffer().contains("picocache::cached")) return;
    found_.push_back({range, absolute_path(file->getName())});
  }

 private:
  const clang::SourceManager& sources_;
  std::vector<NeighbourInclude>& found_;
};

std::vector<std::string> collect_dependencies(const clang::SourceManager& sources) {
  std::vector<std::string> files;
  llvm::StringSet<> seen;
  for (unsigned i = 0, n = sources.local_sloc_entry_size(); i < n; ++i) {
    const clang::SrcMgr::SLocEntry& entry = sources.getLocalSLocEntry(i);
    if (!entry.isFile()) continue;
    const clang::SrcMgr::FileInfo& info = entry.getFile();
    if (clang::SrcMgr::isSystem(info.getFileCharacteristic())) continue;
    clang::OptionalFileEntryRef file = info.getContentCache().OrigEntry;
    if (!file) continue;
    std::string path = absolute_path(file->getName());
    if (seen.insert(path).second) files.push_back(std::move(path));
  }
  return files;
}

// The location of the `;` that ends the declaration whose last token is at `location`.
clang::SourceLocation semicolon_after(clang::SourceLocation location,
                                      const clang::SourceManager& sources,
                                      const clang::LangOptions& lang) {
  for (int guard = 0; guard < 10000 && location.isValid(); ++guard) {
    std::optional<clang::Token> token = clang::Lexer::findNextToken(location, sources, lang);
    if (!token || token->is(clang::tok::eof)) return {};
    if (token->is(clang::tok::semi)) return token->getLocation();
    location = token->getLocation();
  }
  return {};
}

// The declaration at namespace scope that contains `function`'s definition: the function itself,
// or the outermost class it is defined in.
const clang::Decl* outermost_declaration(const clang::FunctionDecl& function) {
  const clang::Decl* outer = &function;
  while (true) {
    const clang::DeclContext* lexical = outer->getLexicalDeclContext();
    if (const auto* record = llvm::dyn_cast<clang::CXXRecordDecl>(lexical)) {
      outer = record;
      continue;
    }
    if (const auto* linkage = llvm::dyn_cast<clang::LinkageSpecDecl>(lexical);
        linkage && !linkage->hasBraces()) {
      outer = linkage;
      continue;
    }
    return outer;
  }
}

// Where the text of `decl` begins: at `template <...>` for a function or class template.
clang::SourceLocation declaration_begin(const clang::Decl& decl) {
  if (const auto* function = llvm::dyn_cast<clang::FunctionDecl>(&decl)) {
    if (const clang::FunctionTemplateDecl* described = function->getDescribedFunctionTemplate())
      return described->getBeginLoc();
  }
  if (const auto* record = llvm::dyn_cast<clang::CXXRecordDecl>(&decl)) {
    if (const clang::ClassTemplateDecl* described = record->getDescribedClassTemplate())
      return described->getBeginLoc();
  }
  return decl.getBeginLoc();
}

class Consumer : public clang::ASTConsumer {
 public:
  Consumer(clang::CompilerInstance& compiler, const GenerateRequest& request,
           GenerateResult& result, GenDiagnosticConsumer& diagnostics,
           std::vector<clang::SourceRange>& skipped, std::vector<NeighbourInclude>& neighbours)
      : compiler_(compiler),
        request_(request),
        result_(result),
        diagnostics_(diagnostics),
        skipped_(skipped),
        neighbours_(neighbours) {}

  void HandleTranslationUnit(clang::ASTContext& context) override;

 private:
  struct Planned {
    const clang::FunctionDecl* definition;
    const CachedAnnotation* annotation;
    std::vector<const clang::TagDecl*> records;
  };

  void report_index_problems(const AnnotationIndex& index, Reporter& reporter);
  void check_ignored_attributes(const AnnotationIndex& index, Reporter& reporter);
  bool plan_function(const clang::FunctionDecl& definition, CodecPlanner& planner,
                     Reporter& reporter, std::vector<const clang::TagDecl*>& records);
  std::string rewrite(const AnnotationIndex& index, const std::vector<Planned>& planned,
                      const CodecPlanner& planner);

  clang::CompilerInstance& compiler_;
  const GenerateRequest& request_;
  GenerateResult& result_;
  GenDiagnosticConsumer& diagnostics_;
  std::vector<clang::SourceRange>& skipped_;
  std::vector<NeighbourInclude>& neighbours_;
  // The annotations of the functions rewritten here: a header's copy keeps the others (a
  // declaration whose definition a source file rewrites needs its annotation there).
  llvm::DenseSet<const CachedAnnotation*> rewritten_;
  clang::ASTContext* context_ = nullptr;
};

void Consumer::report_index_problems(const AnnotationIndex& index, Reporter& reporter) {
  for (const tooling::AnnotationProblem& problem : index.problems()) {
    reporter.error(problem.location, problem.message);
    if (problem.note.empty()) continue;
    if (problem.note_location.isValid()) {
      reporter.note(problem.note_location, problem.note);
    } else {
      reporter.hint(problem.note);
    }
  }
}

void Consumer::check_ignored_attributes(const AnnotationIndex& index, Reporter& reporter) {
  const clang::SourceManager& sources = context_->getSourceManager();
  llvm::DenseSet<clang::SourceLocation::UIntTy> reported;
  for (const GenDiagnosticConsumer::IgnoredAttribute& ignored :
       diagnostics_.ignored_cached_attributes()) {
    const clang::SourceLocation location = ignored.location;
    if (location.isInvalid()) continue;
    if (location.isFileID() && index.is_known_annotation_location(location)) continue;
    // Only ours: the attribute's text (where it is spelled) names picocache.
    clang::SourceRange range =
        ignored.range.isValid() ? ignored.range : clang::SourceRange(location);
    const clang::CharSourceRange spelled = clang::CharSourceRange::getTokenRange(
        sources.getSpellingLoc(range.getBegin()), sources.getSpellingLoc(range.getEnd()));
    const llvm::StringRef text =
        clang::Lexer::getSourceText(spelled, sources, compiler_.getLangOpts());
    if (!text.contains("picocache")) continue;
    const clang::SourceLocation at = sources.getExpansionLoc(location);
    if (!reported.insert(at.getRawEncoding()).second) continue;
    if (location.isMacroID()) {
      reporter.error(
          at,
          "'picocache::cached' written through a macro: picocache-gen reads annotations from the "
          "source text and cannot see this one");
      reporter.note(sources.getSpellingLoc(location), "the annotation is written here");
    } else {
      reporter.error(at, "picocache-gen could not read this 'picocache::cached' annotation");
    }
    reporter.hint(
        "write [[picocache::cached]] or [[picocache::cached(maxsize = N, typed = true)]] directly "
        "at the "
        "start of the function's declaration");
  }
}

bool Consumer::plan_function(const clang::FunctionDecl& definition, CodecPlanner& planner,
                             Reporter& reporter, std::vector<const clang::TagDecl*>& records) {
  const clang::ASTContext& context = *context_;
  const std::string name = "'" + definition.getQualifiedNameAsString() + "'";
  bool ok = true;
  if (const auto* method = llvm::dyn_cast<clang::CXXMethodDecl>(&definition);
      method && !method->isStatic()) {
    CodecPlanner::Subject subject{
        "the object of const member function " + name + " (its key includes *this)", "*this",
        definition.getLocation(), false};
    // A template's dependent types are encoded by the codecs its instantiations find.
    if (!method->getParent()->isDependentContext())
      ok = planner.plan(context.getRecordType(method->getParent()), subject, records) && ok;
  }
  for (const clang::ParmVarDecl* parameter : definition.parameters()) {
    if (!parameter->getIdentifier()) continue;  // the body cannot read it: not part of the key
    const std::string parameter_name = parameter->getNameAsString();
    const clang::QualType type = parameter->getType();
    if (type->isLValueReferenceType() && !type.getNonReferenceType().isConstQualified()) {
      reporter.error(parameter->getLocation(),
                     "parameter '" + parameter_name + "' of cached function " + name +
                         " is a non-const reference ('" + readable_type_text(type, context) +
                         "'): a cached call would not make the changes the body makes");
      reporter.hint(
          "take the parameter by value or by const reference, and return what the function "
          "computes");
      ok = false;
      continue;
    }
    if (type->isDependentType()) continue;
    CodecPlanner::Subject subject{"parameter '" + parameter_name + "' of cached function " + name,
                                  parameter_name, parameter->getLocation(), false};
    ok = planner.plan(type, subject, records) && ok;
  }
  clang::SourceLocation result_location = definition.getTypeSpecStartLoc();
  if (result_location.isInvalid()) result_location = definition.getLocation();
  CodecPlanner::Subject subject{"the result of cached function " + name, "result", result_location,
                                true};
  if (!definition.getReturnType()->isDependentType())
    ok = planner.plan(definition.getReturnType(), subject, records) && ok;
  return ok;
}

void Consumer::HandleTranslationUnit(clang::ASTContext& context) {
  context_ = &context;
  const clang::SourceManager& sources = context.getSourceManager();
  clang::DiagnosticsEngine& engine = compiler_.getDiagnostics();
  result_.dependencies = collect_dependencies(sources);
  if (engine.hasErrorOccurred()) return;  // the user's code does not compile: Clang said why

  Reporter reporter(engine, sources);
  const AnnotationIndex index = AnnotationIndex::build(sources, compiler_.getLangOpts(), skipped_);
  report_index_problems(index, reporter);
  check_ignored_attributes(index, reporter);
  const std::vector<AnnotatedDeclaration> annotated = match_annotations(context, index, reporter);

  // Every annotated declaration of one function, by its first declaration.
  llvm::MapVector<const clang::FunctionDecl*, std::vector<AnnotatedDeclaration>> functions;
  for (const AnnotatedDeclaration& declaration : annotated) {
    functions[declaration.function->getCanonicalDecl()].push_back(declaration);
  }

  CodecPlanner planner(context, reporter);
  std::vector<Planned> planned;
  for (const auto& [canonical, declarations] : functions) {
    const AnnotatedDeclaration& first = declarations.front();
    bool valid = true;
    for (const AnnotatedDeclaration& other : declarations) {
      if (!other.annotation->valid) valid = false;
      if (other.annotation != first.annotation && other.annotation->valid &&
          first.annotation->valid && !other.annotation->same_options(*first.annotation)) {
        reporter.error(other.annotation->location,
                       "conflicting 'picocache::cached' options for '" +
                           canonical->getQualifiedNameAsString() +
                           "': " + other.annotation->options_text() + " here, " +
                           first.annotation->options_text() + " on another declaration");
        reporter.note(first.annotation->location, "the other annotation is here");
        valid = false;
      }
    }
    if (!valid) continue;
    const clang::SourceLocation at = first.annotation->location;
    if (!check_declaration(*first.function, at, reporter)) continue;
    const clang::FunctionDecl* definition = nullptr;
    if (!canonical->hasBody(definition) || !definition) continue;  // defined in another file
    // A header's copy rewrites only the header: another header's functions are in its own copy.
    if (request_.header &&
        !sources.isWrittenInMainFile(sources.getExpansionLoc(definition->getLocation()))) {
      continue;
    }
    if (!check_definition(*definition, at, sources, reporter)) continue;
    std::vector<const clang::TagDecl*> records;
    if (!plan_function(*definition, planner, reporter, records)) continue;
    planned.push_back({definition, first.annotation, std::move(records)});
    for (const AnnotatedDeclaration& other : declarations) rewritten_.insert(other.annotation);
  }
  reporter.flush();
  if (reporter.errors() > 0 || engine.hasErrorOccurred()) return;

  result_.output = rewrite(index, planned, planner);
  result_.done = true;
}

std::string Consumer::rewrite(const AnnotationIndex& index, const std::vector<Planned>& planned,
                              const CodecPlanner& planner) {
  const clang::ASTContext& context = *context_;
  const clang::SourceManager& sources = context.getSourceManager();
  const clang::FileID main = sources.getMainFileID();
  const llvm::StringRef buffer = sources.getBufferData(main);
  auto offset = [&](clang::SourceLocation location) {
    return sources.getFileOffset(sources.getExpansionLoc(location));
  };

  SourceEdits edits(buffer, request_.original_name, request_.output_name);
  for (const CachedAnnotation& annotation : index.annotations()) {
    if (sources.getFileID(annotation.removal.getBegin()) != main) continue;
    if (request_.header && !rewritten_.contains(&annotation)) continue;
    const unsigned begin = sources.getFileOffset(annotation.removal.getBegin());
    const unsigned end = sources.getFileOffset(annotation.removal.getEnd());
    edits.blank(begin, end - begin);
  }
  if (request_.header) {
    for (const NeighbourInclude& include : neighbours_) {
      const unsigned begin = sources.getFileOffset(include.range.getBegin());
      const unsigned end = sources.getFileOffset(include.range.getEnd());
      edits.replace(begin, end - begin, cpp_string_literal(include.path));
    }
  }
  if (planned.empty()) return edits.empty() ? buffer.str() : edits.render();

  // The helpers go before the first declaration of the file (after what precedes it, such as
  // feature-test macros), at global scope.
  for (const clang::Decl* decl : context.getTranslationUnitDecl()->decls()) {
    if (decl->isImplicit() || decl->getBeginLoc().isInvalid()) continue;
    const clang::SourceLocation begin = sources.getExpansionLoc(decl->getBeginLoc());
    if (sources.getFileID(begin) != main) continue;
    edits.insert_block(sources.getFileOffset(index.declaration_start(begin)),
                       CodecWriter::prelude());
    break;
  }

  // A block of generated code: `head`, leave the lexical scopes (unless already left), the
  // codecs, `text`, re-enter the lexical scopes (unless `tail` leads elsewhere), `tail`.
  struct Block {
    std::string head;
    bool close = true;
    Scopes scopes;
    std::vector<const clang::TagDecl*> records;
    std::string text;
    bool reopen = true;
    std::string tail;
  };
  std::map<unsigned, Block> blocks;
  // Unity builds include several generated files in one translation unit: every name a file
  // declares at namespace scope ends with a suffix derived from the source's path.
  const std::string unit =
      "_" +
      llvm::utohexstr(llvm::xxh3_64bits(request_.original_name), /*LowerCase=*/true).substr(0, 8);
  CodecWriter writer(context, planner, unit);
  const ProjectFiles project(request_.project_roots);
  unsigned id = 0;
  for (const Planned& function : planned) {
    const clang::FunctionDecl& definition = *function.definition;
    const clang::Decl* outer = outermost_declaration(definition);
    const bool in_class = llvm::isa<clang::CXXRecordDecl>(definition.getLexicalDeclContext());
    const unsigned before = sources.getFileOffset(
        index.declaration_start(sources.getExpansionLoc(declaration_begin(*outer))));
    // A function-try-block: the try block is the body; what follows the function follows its
    // last handler.
    const auto* try_block = llvm::dyn_cast<clang::CXXTryStmt>(definition.getBody());
    const auto* body = try_block ? try_block->getTryBlock()
                                 : llvm::cast<clang::CompoundStmt>(definition.getBody());
    unsigned after = (try_block ? offset(try_block->getEndLoc()) : offset(body->getRBracLoc())) + 1;
    if (in_class) {
      const auto* record = llvm::cast<clang::CXXRecordDecl>(outer);
      const clang::SourceLocation semicolon =
          semicolon_after(sources.getExpansionLoc(record->getBraceRange().getEnd()), sources,
                          compiler_.getLangOpts());
      after =
          (semicolon.isValid() ? offset(semicolon) : offset(record->getBraceRange().getEnd())) + 1;
    }
    const Scopes scopes = scopes_around(outer->getLexicalDeclContext());

    const std::string code_version =
        function.annotation->version
            ? "v:" + *function.annotation->version
            : "fp:" + code_fingerprint(definition, *context_, compiler_.getPreprocessor(), project);
    CachedFunctionInfo info{
        &definition,
        function.annotation,
        id++,
        unit,
        store_name(definition,
                   project.relative_path(sources.getFileEntryRefForID(main)->getName())),
        code_version,
        false,
        request_.header};
    const unsigned body_begin = offset(body->getLBracLoc());
    const unsigned body_end = offset(body->getRBracLoc());
    for (const clang::SourceRange& range : skipped_) {
      const clang::SourceLocation begin = sources.getExpansionLoc(range.getBegin());
      if (sources.getFileID(begin) != main) continue;
      const unsigned at = sources.getFileOffset(begin);
      if (at > body_begin && at < body_end) info.body_has_skipped_code = true;
    }
    const FunctionRewrite rewrite = rewrite_function(info, writer, *context_);
    Block& first = blocks[before];
    first.scopes = scopes;
    first.text += rewrite.before;
    Block& second = blocks[after];
    second.scopes = scopes;
    second.text += rewrite.after;
    if (rewrite.body_function) {
      // The definition becomes the body function, inside the namespaces `open_body` enters; the
      // wrapper follows it (see function_rewriter.cpp).
      first.reopen = false;
      first.tail += rewrite.open_body;
      second.head += rewrite.close_body;
      second.close = false;
      for (const Replacement& replacement : rewrite.replacements) {
        edits.replace(replacement.offset, replacement.length, replacement.text);
      }
    }
    Block& codecs = in_class ? second : first;
    for (const clang::TagDecl* record : function.records) {
      if (std::find(codecs.records.begin(), codecs.records.end(), record) == codecs.records.end()) {
        codecs.records.push_back(record);
      }
    }
    if (rewrite.member_body_function) {
      edits.insert_before_kept(offset(body->getLBracLoc()), rewrite.before_body);
      edits.insert(offset(body->getRBracLoc()) + 1, rewrite.after_body);
      for (const Replacement& replacement : rewrite.replacements) {
        edits.replace(replacement.offset, replacement.length, replacement.text);
      }
    } else if (!rewrite.body_function) {
      edits.insert_inline(offset(body->getLBracLoc()) + 1, rewrite.body_open);
      edits.insert(offset(body->getRBracLoc()), rewrite.body_close);
    }
  }
  for (auto& [at, block] : blocks) {
    std::string text = block.head;
    if (block.close) text += block.scopes.close;
    for (const clang::TagDecl* record : block.records) text += writer.codec(record);
    text += block.text;
    if (block.reopen) text += block.scopes.reopen;
    text += block.tail;
    edits.insert_block(at, text);
  }
  return edits.render();
}

class Action : public clang::ASTFrontendAction {
 public:
  Action(const GenerateRequest& request, GenerateResult& result, GenDiagnosticConsumer& diagnostics)
      : request_(request), result_(result), diagnostics_(diagnostics) {}

  std::unique_ptr<clang::ASTConsumer> CreateASTConsumer(clang::CompilerInstance& compiler,
                                                        llvm::StringRef) override {
    clang::DiagnosticsEngine& engine = compiler.getDiagnostics();
    // Whatever the flags say, Clang must report the attributes it ignores (see diagnostics.hpp)
    // and nothing the user's compiler would accept may become an error here.
    engine.setIgnoreAllWarnings(false);
    engine.setWarningsAsErrors(false);
    engine.setExtensionHandlingBehavior(clang::diag::Severity::Ignored);
    engine.setSeverity(clang::diag::warn_unknown_attribute_ignored, clang::diag::Severity::Warning,
                       clang::SourceLocation());
    compiler.getPreprocessor().addPPCallbacks(std::make_unique<SkippedRanges>(skipped_));
    if (request_.header) {
      compiler.getPreprocessor().addPPCallbacks(
          std::make_unique<NeighbourIncludes>(compiler.getSourceManager(), neighbours_));
    }
    return std::make_unique<Consumer>(compiler, request_, result_, diagnostics_, skipped_,
                                      neighbours_);
  }

 private:
  const GenerateRequest& request_;
  GenerateResult& result_;
  GenDiagnosticConsumer& diagnostics_;
  std::vector<clang::SourceRange> skipped_;
  std::vector<NeighbourInclude> neighbours_;
};

class Factory : public clang::tooling::FrontendActionFactory {
 public:
  Factory(const GenerateRequest& request, GenerateResult& result,
          GenDiagnosticConsumer& diagnostics)
      : request_(request), result_(result), diagnostics_(diagnostics) {}
  std::unique_ptr<clang::FrontendAction> create() override {
    return std::make_unique<Action>(request_, result_, diagnostics_);
  }

 private:
  const GenerateRequest& request_;
  GenerateResult& result_;
  GenDiagnosticConsumer& diagnostics_;
};

}  // namespace

std::unique_ptr<clang::tooling::FrontendActionFactory> make_generate_factory(
    const GenerateRequest& request, GenerateResult& result, GenDiagnosticConsumer& diagnostics) {
  return std::make_unique<Factory>(request, result, diagnostics);
}

}  // namespace picocache::gen

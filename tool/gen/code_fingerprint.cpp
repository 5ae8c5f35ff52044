// The code fingerprint (see code_fingerprint.hpp): a walk over referenced definitions, each
// hashed as its raw tokens, macros folded in.
#include "code_fingerprint.hpp"

#include <clang/AST/ASTContext.h>
#include <clang/AST/Decl.h>
#include <clang/AST/DeclCXX.h>
#include <clang/AST/DeclTemplate.h>
#include <clang/AST/ExprCXX.h>
#include <clang/AST/RecursiveASTVisitor.h>
#include <clang/Basic/SourceManager.h>
#include <clang/Lex/Lexer.h>
#include <clang/Lex/MacroInfo.h>
#include <clang/Lex/Preprocessor.h>
#include <llvm/ADT/DenseSet.h>
#include <llvm/ADT/SetVector.h>
#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/xxhash.h>

#include <deque>
#include <vector>

namespace picocache::gen {
namespace {

// The definitions a body references directly, in the order the walk meets them.
class References : public clang::RecursiveASTVisitor<References> {
 public:
  explicit References(llvm::SetVector<const clang::Decl*>& found) : found_(found) {}

  bool shouldVisitTemplateInstantiations() const { return true; }
  bool shouldVisitImplicitCode() const { return true; }  // implicit constructor calls, conversions

  bool VisitDeclRefExpr(clang::DeclRefExpr* reference) {
    add(reference->getDecl());
    return true;
  }
  bool VisitMemberExpr(clang::MemberExpr* member) {
    add(member->getMemberDecl());
    return true;
  }
  // In a template, a call whose callee depends on the template arguments names the candidates
  // ordinary lookup found (the instantiations' bodies, walked too, name the chosen one).
  bool VisitUnresolvedLookupExpr(clang::UnresolvedLookupExpr* lookup) {
    for (const clang::NamedDecl* candidate : lookup->decls()) add(candidate->getUnderlyingDecl());
    return true;
  }
  bool VisitUnresolvedMemberExpr(clang::UnresolvedMemberExpr* member) {
    for (const clang::NamedDecl* candidate : member->decls()) add(candidate->getUnderlyingDecl());
    return true;
  }
  bool VisitCXXConstructExpr(clang::CXXConstructExpr* construct) {
    add(construct->getConstructor());
    return true;
  }
  bool VisitCXXNewExpr(clang::CXXNewExpr* expression) {
    if (expression->getOperatorNew()) add(expression->getOperatorNew());
    return true;
  }
  bool VisitCXXDefaultArgExpr(clang::CXXDefaultArgExpr* argument) {
    // A default argument is the callee's text: walk it as part of the call.
    TraverseStmt(argument->getExpr());
    return true;
  }
  bool VisitCXXDefaultInitExpr(clang::CXXDefaultInitExpr* init) {
    add(init->getField());
    return true;
  }

 private:
  void add(const clang::Decl* decl) {
    if (decl) found_.insert(decl);
  }

  llvm::SetVector<const clang::Decl*>& found_;
};

class Fingerprint {
 public:
  Fingerprint(clang::ASTContext& context, clang::Preprocessor& preprocessor,
              const ProjectFiles& project)
      : context_(context),
        sources_(context.getSourceManager()),
        preprocessor_(preprocessor),
        project_(project) {}

  std::string compute(const clang::FunctionDecl& definition) {
    pending_.push_back(&definition);
    seen_.insert(&definition);
    while (!pending_.empty()) {
      const clang::Decl* decl = pending_.front();
      pending_.pop_front();
      hash_definition(*decl);
    }
    const llvm::XXH128_hash_t hash = llvm::xxh3_128bits(llvm::arrayRefFromStringRef(bytes_));
    return llvm::utohexstr(hash.high64, /*LowerCase=*/true, /*Width=*/16) +
           llvm::utohexstr(hash.low64, /*LowerCase=*/true, /*Width=*/16);
  }

 private:
  // Appends a field; the length prefix keeps "ab" + "c" and "a" + "bc" apart.
  void field(llvm::StringRef text) {
    bytes_ += std::to_string(text.size());
    bytes_ += ':';
    bytes_ += text;
  }

  // The definition `decl` stands for, or null when there is none the walk should follow.
  const clang::Decl* definition_of(const clang::Decl* decl) const {
    if (const auto* function_template = llvm::dyn_cast<clang::FunctionTemplateDecl>(decl)) {
      decl = function_template->getTemplatedDecl();
    }
    if (const auto* function = llvm::dyn_cast<clang::FunctionDecl>(decl)) {
      const clang::FunctionDecl* body_owner = nullptr;
      if (!function->hasBody(body_owner)) return nullptr;
      return body_owner;
    }
    if (const auto* variable = llvm::dyn_cast<clang::VarDecl>(decl)) {
      if (variable->isLocalVarDeclOrParm()) return nullptr;  // its text is the body's
      const clang::VarDecl* initialised = nullptr;
      if (variable->getAnyInitializer(initialised)) return initialised;
      return variable->getDefinition();
    }
    if (const auto* field = llvm::dyn_cast<clang::FieldDecl>(decl)) {
      return field->hasInClassInitializer() ? field : nullptr;
    }
    if (const auto* enumerator = llvm::dyn_cast<clang::EnumConstantDecl>(decl)) {
      return llvm::dyn_cast<clang::EnumDecl>(enumerator->getDeclContext());
    }
    return nullptr;  // a structured binding, a type, a namespace: nothing to follow
  }

  // The instantiations with a body of `pattern`, a function template or a member function of a
  // class template, in the order this translation unit made them.
  static std::vector<const clang::FunctionDecl*> instantiations_of(
      const clang::FunctionDecl& pattern) {
    std::vector<const clang::FunctionDecl*> found;
    auto add_if_defined = [&](const clang::FunctionDecl* function) {
      if (function != &pattern && function->hasBody() && function->getBody()) {
        found.push_back(function);
      }
    };
    if (const clang::FunctionTemplateDecl* function_template =
            pattern.getDescribedFunctionTemplate()) {
      for (const clang::FunctionDecl* specialization : function_template->specializations()) {
        add_if_defined(specialization);
      }
      return found;
    }
    const auto* method = llvm::dyn_cast<clang::CXXMethodDecl>(&pattern);
    const clang::ClassTemplateDecl* class_template =
        method ? method->getParent()->getDescribedClassTemplate() : nullptr;
    if (!class_template) return found;
    for (const clang::ClassTemplateSpecializationDecl* specialization :
         class_template->specializations()) {
      for (const clang::CXXMethodDecl* member : specialization->methods()) {
        if (member->getInstantiatedFromMemberFunction() == method) add_if_defined(member);
      }
    }
    return found;
  }

  // Whether `location`'s file is a project file (and not a system header).
  bool in_project(clang::SourceLocation location) const {
    if (location.isInvalid()) return false;
    const clang::SourceLocation file_location = sources_.getExpansionLoc(location);
    if (sources_.isInSystemHeader(file_location)) return false;
    const clang::FileID file = sources_.getFileID(file_location);
    if (file == sources_.getMainFileID()) return true;
    const clang::OptionalFileEntryRef entry = sources_.getFileEntryRefForID(file);
    return entry && project_.contains(entry->getName());
  }

  void follow(const clang::Decl* referenced) {
    const clang::Decl* definition = definition_of(referenced);
    if (!definition || !in_project(definition->getLocation())) return;
    if (seen_.insert(definition).second) pending_.push_back(definition);
  }

  void hash_definition(const clang::Decl& decl) {
    if (const auto* named = llvm::dyn_cast<clang::NamedDecl>(&decl)) {
      field("decl");
      field(named->getQualifiedNameAsString());
    }
    clang::SourceRange range = decl.getSourceRange();
    if (const auto* function = llvm::dyn_cast<clang::FunctionDecl>(&decl)) {
      // A template's instantiation shares its pattern's text.
      if (const clang::FunctionDecl* pattern = function->getTemplateInstantiationPattern()) {
        range = pattern->getSourceRange();
      }
    }
    hash_tokens(range);

    llvm::SetVector<const clang::Decl*> references;
    References visitor(references);
    if (const auto* function = llvm::dyn_cast<clang::FunctionDecl>(&decl)) {
      for (const clang::ParmVarDecl* parameter : function->parameters()) {
        if (parameter->hasDefaultArg() && !parameter->hasUninstantiatedDefaultArg() &&
            !parameter->hasUnparsedDefaultArg()) {
          visitor.TraverseStmt(const_cast<clang::Expr*>(parameter->getDefaultArg()));
        }
      }
      if (const auto* constructor = llvm::dyn_cast<clang::CXXConstructorDecl>(function)) {
        for (const clang::CXXCtorInitializer* init : constructor->inits()) {
          visitor.TraverseStmt(init->getInit());
        }
        // The members a constructor leaves to their default initialisers.
        for (const clang::FieldDecl* field : constructor->getParent()->fields()) {
          references.insert(field);
        }
      }
      visitor.TraverseStmt(function->getBody());
      // A template's dependent calls are resolved in its instantiations: the ones this
      // translation unit makes name the callees (a method of a template argument, say).
      for (const clang::FunctionDecl* instantiation : instantiations_of(*function)) {
        visitor.TraverseStmt(instantiation->getBody());
      }
    } else if (const auto* variable = llvm::dyn_cast<clang::VarDecl>(&decl)) {
      visitor.TraverseStmt(const_cast<clang::Expr*>(variable->getInit()));
    } else if (const auto* field = llvm::dyn_cast<clang::FieldDecl>(&decl)) {
      visitor.TraverseStmt(field->getInClassInitializer());
    }
    for (const clang::Decl* referenced : references) {
      // An implicit constructor has no text: its class's default member initialisers count.
      if (const auto* constructor = llvm::dyn_cast<clang::CXXConstructorDecl>(referenced);
          constructor && constructor->isImplicit()) {
        for (const clang::FieldDecl* field : constructor->getParent()->fields()) follow(field);
      }
      follow(referenced);
    }
  }

  // The raw tokens of `range` (expanded to the file text of its ends), macros folded in.
  void hash_tokens(clang::SourceRange range) {
    const clang::CharSourceRange file_range = sources_.getExpansionRange(range);
    const clang::SourceLocation begin = file_range.getBegin();
    const clang::SourceLocation end = file_range.getEnd();
    const clang::FileID file = sources_.getFileID(begin);
    if (begin.isInvalid() || file != sources_.getFileID(end)) return;
    const clang::LangOptions& lang = context_.getLangOpts();
    const unsigned end_offset =
        sources_.getFileOffset(clang::Lexer::getLocForEndOfToken(end, 0, sources_, lang));
    const llvm::StringRef buffer = sources_.getBufferData(file);
    clang::Lexer lexer(sources_.getLocForStartOfFile(file), lang, buffer.begin(),
                       buffer.begin() + sources_.getFileOffset(begin), buffer.end());
    std::vector<clang::Token> tokens;
    clang::Token token;
    for (;;) {
      lexer.LexFromRawLexer(token);
      if (token.is(clang::tok::eof) || sources_.getFileOffset(token.getLocation()) >= end_offset) {
        break;
      }
      tokens.push_back(token);
    }
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      // The annotation's options (maxsize, ttl, ...) are not code: `[[picocache::...]]` is left
      // out (its `version` replaces the fingerprint anyway).
      if (i + 2 < tokens.size() && tokens[i].is(clang::tok::l_square) &&
          tokens[i + 1].is(clang::tok::l_square) && spelling(tokens[i + 2]) == "picocache") {
        int depth = 0;
        for (; i < tokens.size(); ++i) {
          if (tokens[i].is(clang::tok::l_square)) ++depth;
          if (tokens[i].is(clang::tok::r_square) && --depth == 0) break;
        }
        continue;
      }
      hash_token(tokens[i]);
    }
  }

  llvm::StringRef spelling(const clang::Token& token) const {
    if (token.is(clang::tok::raw_identifier)) return token.getRawIdentifier();
    return llvm::StringRef(sources_.getCharacterData(token.getLocation()), token.getLength());
  }

  void hash_token(const clang::Token& token) {
    const llvm::StringRef text = spelling(token);
    if (token.is(clang::tok::raw_identifier)) {
      clang::IdentifierInfo& identifier = preprocessor_.getIdentifierTable().get(text);
      if (identifier.hadMacroDefinition()) {
        const clang::MacroDefinition macro =
            preprocessor_.getMacroDefinitionAtLoc(&identifier, token.getLocation());
        if (const clang::MacroInfo* info = macro.getMacroInfo()) {
          hash_macro(identifier, *info, token.getLocation());
          return;
        }
      }
    }
    field(clang::tok::getTokenName(token.getKind()));
    field(text);
  }

  // Whether a macro's definition counts as code of this project (else it enters by name).
  bool project_macro(const clang::MacroInfo& info) const {
    if (info.isBuiltinMacro()) return false;
    const clang::SourceLocation defined = info.getDefinitionLoc();
    if (defined.isInvalid()) return false;
    const clang::FileID file = sources_.getFileID(sources_.getExpansionLoc(defined));
    if (!sources_.getFileEntryRefForID(file)) {
      // <command line> and <built-in>: the predefined macros are the compiler's (by name);
      // -D definitions are the build's (as defined).
      const clang::PresumedLoc presumed = sources_.getPresumedLoc(defined);
      return presumed.isValid() && llvm::StringRef(presumed.getFilename()) == "<command line>";
    }
    return in_project(defined);
  }

  void hash_macro(const clang::IdentifierInfo& name, const clang::MacroInfo& info,
                  clang::SourceLocation use) {
    field("macro");
    field(name.getName());
    if (!project_macro(info) || !macros_seen_.insert(&info).second) return;
    field(info.isFunctionLike() ? "(" : "");
    for (const clang::IdentifierInfo* parameter : info.params()) field(parameter->getName());
    if (info.isVariadic()) field("...");
    field("=");
    for (const clang::Token& token : info.tokens()) {
      const std::string text = preprocessor_.getSpelling(token);
      if (const clang::IdentifierInfo* identifier = token.getIdentifierInfo();
          identifier && identifier->hadMacroDefinition()) {
        const clang::MacroDefinition inner = preprocessor_.getMacroDefinitionAtLoc(identifier, use);
        if (const clang::MacroInfo* inner_info = inner.getMacroInfo()) {
          hash_macro(*identifier, *inner_info, use);
          continue;
        }
      }
      field(clang::tok::getTokenName(token.getKind()));
      field(text);
    }
    field("end");
  }

  clang::ASTContext& context_;
  const clang::SourceManager& sources_;
  clang::Preprocessor& preprocessor_;
  const ProjectFiles& project_;
  std::string bytes_;
  std::deque<const clang::Decl*> pending_;
  llvm::DenseSet<const clang::Decl*> seen_;
  llvm::DenseSet<const clang::MacroInfo*> macros_seen_;
};

}  // namespace

std::string code_fingerprint(const clang::FunctionDecl& definition, clang::ASTContext& context,
                             clang::Preprocessor& preprocessor, const ProjectFiles& project) {
  return Fingerprint(context, preprocessor, project).compute(definition);
}

}  // namespace picocache::gen

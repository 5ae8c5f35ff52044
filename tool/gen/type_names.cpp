// Spelling types and functions for generated code and for the store; see type_names.hpp.
#include "type_names.hpp"

#include <clang/AST/ASTContext.h>
#include <clang/AST/Decl.h>
#include <clang/AST/DeclCXX.h>
#include <clang/AST/DeclTemplate.h>
#include <clang/AST/PrettyPrinter.h>
#include <clang/AST/QualTypeNames.h>
#include <llvm/ADT/STLExtras.h>
#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/raw_ostream.h>

#include <cstdint>
#include <vector>

namespace picocache::gen {
namespace {

clang::PrintingPolicy code_policy(const clang::ASTContext& context) {
  clang::PrintingPolicy policy(context.getLangOpts());
  policy.SuppressScope = false;
  policy.SuppressUnwrittenScope = true;
  policy.SuppressInlineNamespace = true;
  policy.AnonymousTagLocations = false;
  policy.PrintCanonicalTypes = false;
  policy.FullyQualifiedName = true;
  policy.SuppressTagKeyword = true;
  return policy;
}

clang::PrintingPolicy store_policy(const clang::ASTContext& context) {
  clang::PrintingPolicy policy(context.getLangOpts());
  policy.SuppressScope = false;
  policy.SuppressInlineNamespace = true;
  policy.AnonymousTagLocations = false;
  policy.SuppressTagKeyword = true;
  policy.SuppressDefaultTemplateArgs = true;
  policy.FullyQualifiedName = true;
  return policy;
}

// "::geo::inner" for the named namespaces around `context` (a namespace scope). Anonymous and
// inline namespaces, linkage specifications and the translation unit are left out.
void append_scopes(const clang::DeclContext* context, std::string& out) {
  if (!context || context->isTranslationUnit()) return;
  append_scopes(context->getParent(), out);
  if (const auto* ns = llvm::dyn_cast<clang::NamespaceDecl>(context)) {
    if (ns->isAnonymousNamespace() || ns->isInline()) return;
    out += "::";
    out += ns->getName();
  }
}

// The portable name of the integer type a run of keywords spells ("unsigned long" -> "uint64"
// where long has 64 bits), or "" when the run is not an integer type of fixed width here (`char`,
// `bool`, `__int128`).
std::string portable_integer(const std::vector<llvm::StringRef>& words,
                             const clang::ASTContext& context) {
  bool is_unsigned = false, is_signed = false, is_char = false, is_short = false;
  int longs = 0;
  for (llvm::StringRef word : words) {
    if (word == "unsigned") is_unsigned = true;
    if (word == "signed") is_signed = true;
    if (word == "char") is_char = true;
    if (word == "short") is_short = true;
    if (word == "long") ++longs;
  }
  if (is_char && !is_unsigned && !is_signed) return "";  // plain char is its own type
  clang::CanQualType type = context.IntTy;
  if (is_char) type = context.CharTy;
  if (is_short) type = context.ShortTy;
  if (longs == 1) type = context.LongTy;
  if (longs >= 2) type = context.LongLongTy;
  const std::uint64_t bits = context.getTypeSize(type);
  if (bits != 8 && bits != 16 && bits != 32 && bits != 64) return "";
  return (is_unsigned ? "uint" : "int") + std::to_string(bits);
}

// `text` with every spelling of a standard integer type replaced by its portable name.
std::string portable_integers(llvm::StringRef text, const clang::ASTContext& context) {
  static const llvm::StringRef kWords[] = {"signed", "unsigned", "char", "short", "int", "long"};
  auto is_word = [](llvm::StringRef word) { return llvm::is_contained(kWords, word); };
  auto identifier_char = [](char c) { return llvm::isAlnum(c) || c == '_'; };
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (!identifier_char(text[i]) || (i > 0 && identifier_char(text[i - 1]))) {
      out += text[i++];
      continue;
    }
    // A run of integer keywords separated by single spaces.
    std::vector<llvm::StringRef> words;
    size_t end = i, next = i;
    while (next < text.size() && identifier_char(text[next])) {
      size_t stop = next;
      while (stop < text.size() && identifier_char(text[stop])) ++stop;
      const llvm::StringRef word = text.slice(next, stop);
      if (!is_word(word)) break;
      words.push_back(word);
      end = stop;
      next = stop < text.size() && text[stop] == ' ' ? stop + 1 : stop;
      if (next == stop) break;
    }
    const std::string portable = words.empty() ? "" : portable_integer(words, context);
    if (portable.empty()) {
      size_t stop = i;
      while (stop < text.size() && identifier_char(text[stop])) ++stop;
      out += text.slice(i, stop).str();
      i = stop;
      continue;
    }
    out += portable;
    i = end;
  }
  return out;
}

}  // namespace

std::string code_type(clang::QualType type, const clang::ASTContext& context) {
  // getFullyQualifiedName keeps typedef names ("::std::string") but drops the whole scope of a
  // name declared in an anonymous namespace ("Y" for app::(anonymous)::Y). Such types are
  // printed canonically with the anonymous namespaces skipped ("app::Y"), which qualified lookup
  // resolves through the anonymous namespace's implicit using-directive.
  clang::PrintingPolicy probe = store_policy(context);
  probe.SuppressUnwrittenScope = false;
  if (type.getCanonicalType().getAsString(probe).find("(anonymous namespace)") !=
      std::string::npos) {
    clang::PrintingPolicy policy = store_policy(context);
    policy.SuppressUnwrittenScope = true;
    return type.getCanonicalType().getAsString(policy);
  }
  return clang::TypeName::getFullyQualifiedName(type, context, code_policy(context),
                                                /*WithGlobalNsPrefix=*/true);
}

clang::QualType code_result_type(const clang::FunctionDecl& function) {
  clang::QualType type = function.getReturnType();
  // Deduced types carry template-substitution sugar that does not print as valid code.
  if (type->getContainedDeducedType() || type->getAs<clang::DecltypeType>())
    type = type.getCanonicalType();
  return type.getUnqualifiedType();
}

std::string code_record(const clang::CXXRecordDecl& record, const clang::ASTContext& context) {
  return code_type(context.getRecordType(&record), context);
}

std::string code_name(const clang::NamedDecl& decl) {
  std::string out;
  const clang::DeclContext* context = decl.getDeclContext();
  if (const auto* record = llvm::dyn_cast<clang::CXXRecordDecl>(context)) {
    out = code_record(*record, decl.getASTContext());
  } else {
    append_scopes(context, out);
  }
  out += "::";
  out += decl.getNameAsString();
  return out;
}

std::string code_function_pointer_type(const clang::FunctionDecl& function,
                                       const clang::ASTContext& context) {
  const auto* prototype = function.getType()->castAs<clang::FunctionProtoType>();
  std::string out = code_type(code_result_type(function), context);
  const auto* method = llvm::dyn_cast<clang::CXXMethodDecl>(&function);
  const bool member = method && !method->isStatic();
  if (member) {
    out += " (" + code_record(*method->getParent(), context) + "::*)(";
  } else {
    out += " (*)(";
  }
  for (unsigned i = 0; i < prototype->getNumParams(); ++i) {
    if (i > 0) out += ", ";
    out += code_type(prototype->getParamType(i), context);
  }
  out += ')';
  if (member) {
    if (prototype->isConst()) out += " const";
    if (prototype->isVolatile()) out += " volatile";
    if (prototype->getRefQualifier() == clang::RQ_LValue) out += " &";
    if (prototype->getRefQualifier() == clang::RQ_RValue) out += " &&";
  }
  return out;
}

std::string canonical_type_text(clang::QualType type, const clang::ASTContext& context) {
  return type.getCanonicalType().getAsString(store_policy(context));
}

std::string readable_type_text(clang::QualType type, const clang::ASTContext& context) {
  clang::PrintingPolicy policy(context.getLangOpts());
  policy.SuppressTagKeyword = true;
  policy.SuppressInlineNamespace = true;
  return type.getAsString(policy);
}

std::string signature_text(const clang::FunctionDecl& function, const clang::ASTContext& context) {
  const auto* prototype = function.getType()->castAs<clang::FunctionProtoType>();
  // A template's dependent types as written ("const Key &"): canonically they are
  // "type-parameter-0-0"; its name carries the arguments (function_rewriter.cpp).
  auto text = [&](clang::QualType type) {
    return type->isDependentType() ? type.getAsString(store_policy(context))
                                   : canonical_type_text(type, context);
  };
  std::string out = text(function.getReturnType()) + " (";
  for (unsigned i = 0; i < prototype->getNumParams(); ++i) {
    if (i > 0) out += ", ";
    out += text(prototype->getParamType(i));
  }
  out = portable_integers(out, context);
  out += ')';
  if (const auto* method = llvm::dyn_cast<clang::CXXMethodDecl>(&function);
      method && !method->isStatic()) {
    if (prototype->isConst()) out += " const";
    if (prototype->isVolatile()) out += " volatile";
    if (prototype->getRefQualifier() == clang::RQ_LValue) out += " &";
    if (prototype->getRefQualifier() == clang::RQ_RValue) out += " &&";
  }
  return out;
}

std::string store_name(const clang::FunctionDecl& function, llvm::StringRef source_path) {
  // Inline namespaces are kept: `v1::f` and `v2::f` are different functions.
  clang::PrintingPolicy policy(function.getASTContext().getLangOpts());
  policy.SuppressInlineNamespace = false;
  std::string name;
  llvm::raw_string_ostream out(name);
  function.printQualifiedName(out, policy);
  out.flush();
  if (function.getFormalLinkage() == clang::Linkage::Internal) {
    name = source_path.str() + ":" + name;
  }
  return name;
}

std::string cpp_string_literal(llvm::StringRef text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '\\' || c == '"') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace picocache::gen

// picocache-member-state; see member_state_check.hpp.
#include "member_state_check.hpp"

#include "address_holders.hpp"

#include <clang-tidy/utils/OptionsUtils.h>
#include <clang/AST/DeclCXX.h>

#include <algorithm>
#include <string>
#include <vector>

using namespace clang::ast_matchers;

namespace picocache::tidy {
namespace {

// The non-static fields of `record` and of its bases, bases first.
void collect_fields(const clang::CXXRecordDecl& record,
                    std::vector<const clang::FieldDecl*>& fields) {
  const clang::CXXRecordDecl* definition = record.getDefinition();
  if (!definition) return;
  for (const clang::CXXBaseSpecifier& base : definition->bases()) {
    if (const clang::CXXRecordDecl* base_record = base.getType()->getAsCXXRecordDecl()) {
      collect_fields(*base_record, fields);
    }
  }
  for (const clang::FieldDecl* field : definition->fields()) fields.push_back(field);
}

std::string field_name(const clang::FieldDecl& field) {
  return "'" + field.getParent()->getName().str() + "::" + field.getName().str() + "'";
}

// The qualified name of the record `type` is (of its template for a specialization), without
// inline namespaces: "std::mutex", "std::atomic".
std::string record_name(clang::QualType type) {
  const clang::CXXRecordDecl* record = type->getAsCXXRecordDecl();
  if (!record) return "";
  std::string name;
  llvm::raw_string_ostream stream(name);
  clang::PrintingPolicy policy(record->getASTContext().getLangOpts());
  policy.SuppressInlineNamespace = true;
  record->printQualifiedName(stream, policy);
  return name;
}

}  // namespace

MemberStateCheck::MemberStateCheck(llvm::StringRef name, clang::tidy::ClangTidyContext* context)
    : AnnotatedFunctionCheck(name, context),
      ignored_mutable_types_(Options.get("IgnoredMutableTypes", "")) {
  for (llvm::StringRef type : clang::tidy::utils::options::parseStringList(ignored_mutable_types_))
    ignored_mutable_.push_back(type.ltrim(':').str());
}

void MemberStateCheck::storeOptions(clang::tidy::ClangTidyOptions::OptionMap& options) {
  Options.store(options, "IgnoredMutableTypes", ignored_mutable_types_);
}

bool MemberStateCheck::is_ignored_mutable(const clang::FieldDecl& field) const {
  if (ignored_mutable_.empty()) return false;
  const std::string name = record_name(field.getType().getCanonicalType());
  return std::find(ignored_mutable_.begin(), ignored_mutable_.end(), name) !=
         ignored_mutable_.end();
}

void MemberStateCheck::registerMatchers(MatchFinder* finder) {
  finder->addMatcher(cxxMethodDecl(isCachedFunction(), isConst(), unless(isStaticStorageClass()),
                                   unless(ofClass(isLambda())))
                         .bind("method"),
                     this);
}

void MemberStateCheck::check(const MatchFinder::MatchResult& result) {
  const auto* method = result.Nodes.getNodeAs<clang::CXXMethodDecl>("method");
  const clang::CXXRecordDecl* record = method->getParent();
  const clang::ASTContext& context = *result.Context;
  const tooling::UserCodecs codecs(context);
  const bool user_codec = codecs.has_codec(context.getRecordType(record));

  std::vector<const clang::FieldDecl*> fields;
  collect_fields(*record, fields);
  for (const clang::FieldDecl* field : fields) {
    if (field->isMutable() && !is_ignored_mutable(*field)) {
      diag(method->getLocation(),
           "cached const member function %0 belongs to a class with mutable field %1: a call may "
           "change it on a cache miss only, so the object's state depends on whether the cache "
           "hit")
          << method << field_name(*field);
      diag(field->getLocation(), "%0 declared here", clang::DiagnosticIDs::Note)
          << field_name(*field);
      diag(method->getLocation(), "drop 'mutable', or keep that state outside the object",
           clang::DiagnosticIDs::Note);
      continue;
    }
    if (user_codec) continue;
    std::optional<tooling::AddressHolder> holder =
        tooling::find_address_holder(field->getType(), tooling::Usage::Member, context, codecs);
    if (!holder) continue;
    diag(method->getLocation(),
         "cached const member function %0 has *this in its cache key, but field %1 %2 %3: the key "
         "would hold an address or a handle, not data")
        << method << field_name(*field) << (holder->direct ? "is" : "holds")
        << tooling::describe(*holder);
    diag(field->getLocation(), "%0 declared here", clang::DiagnosticIDs::Note)
        << field_name(*field);
    diag(method->getLocation(),
         "hold the data by value, or give %0 a picocache::Codec that encodes what the result "
         "depends on",
         clang::DiagnosticIDs::Note)
        << record;
  }
}

}  // namespace picocache::tidy

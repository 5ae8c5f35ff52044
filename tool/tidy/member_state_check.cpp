// picocache-member-state; see member_state_check.hpp.
#include "member_state_check.hpp"

#include "address_holders.hpp"

#include <clang/AST/DeclCXX.h>

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

}  // namespace

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
    if (field->isMutable()) {
      diag(method->getLocation(),
           "cached const member function %0 belongs to a class with mutable field %1: a call may "
           "change "
           "it on a cache miss only, so the object's state depends on whether the cache hit; drop "
           "'mutable', or keep that state outside the object")
          << method << field_name(*field);
      diag(field->getLocation(), "%0 declared here", clang::DiagnosticIDs::Note)
          << field_name(*field);
      continue;
    }
    if (user_codec) continue;
    std::optional<tooling::AddressHolder> holder =
        tooling::find_address_holder(field->getType(), tooling::Usage::Member, context, codecs);
    if (!holder) continue;
    diag(method->getLocation(),
         "cached const member function %0 has *this in its cache key, but field %1 %2 %3: the key "
         "would "
         "hold an address or a handle, not data; hold the data by value, or give %4 a "
         "picocache::Codec "
         "that encodes what the result depends on")
        << method << field_name(*field) << (holder->direct ? "is" : "holds")
        << tooling::describe(*holder) << record;
    diag(field->getLocation(), "%0 declared here", clang::DiagnosticIDs::Note)
        << field_name(*field);
  }
}

}  // namespace picocache::tidy

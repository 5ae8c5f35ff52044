// Finds pointers, references, views and handles inside a type; see address_holders.hpp.
#include "address_holders.hpp"

#include <clang/AST/ASTContext.h>
#include <clang/AST/DeclCXX.h>
#include <clang/AST/DeclTemplate.h>
#include <llvm/ADT/SmallPtrSet.h>
#include <llvm/ADT/SmallVector.h>
#include <llvm/ADT/StringSet.h>

namespace picocache::tooling {
namespace {

using clang::QualType;

// Standard library class templates and classes by what they hold. Any other standard type is
// data when its template arguments are (whether PicoCache has a codec for it is another
// question, which picocache-gen answers).
const llvm::StringSet<>& std_pointers() {
  static const llvm::StringSet<> names{"unique_ptr", "shared_ptr",        "weak_ptr",
                                       "auto_ptr",   "reference_wrapper", "observer_ptr"};
  return names;
}
const llvm::StringSet<>& std_views() {
  static const llvm::StringSet<> names{"basic_string_view", "span", "initializer_list"};
  return names;
}
const llvm::StringSet<>& std_handles() {
  static const llvm::StringSet<> names{"thread",
                                       "jthread",
                                       "mutex",
                                       "recursive_mutex",
                                       "timed_mutex",
                                       "recursive_timed_mutex",
                                       "shared_mutex",
                                       "shared_timed_mutex",
                                       "condition_variable",
                                       "condition_variable_any",
                                       "function",
                                       "move_only_function",
                                       "future",
                                       "shared_future",
                                       "promise",
                                       "packaged_task",
                                       "basic_ifstream",
                                       "basic_ofstream",
                                       "basic_fstream",
                                       "basic_filebuf",
                                       "basic_istream",
                                       "basic_ostream",
                                       "basic_iostream",
                                       "basic_streambuf",
                                       "stop_token",
                                       "stop_source",
                                       "random_device"};
  return names;
}

// True for declarations in namespace std or one nested in it (std::filesystem, std::chrono).
bool in_standard_library(const clang::Decl& decl) {
  const clang::NamespaceDecl* outermost = nullptr;
  for (const clang::DeclContext* context = decl.getDeclContext(); context;
       context = context->getParent()) {
    if (const auto* ns = llvm::dyn_cast<clang::NamespaceDecl>(context)) outermost = ns;
  }
  return outermost && outermost->getName() == "std";
}

}  // namespace

HolderKind kind_of(HolderForm form) {
  switch (form) {
    case HolderForm::RawPointer:
    case HolderForm::FunctionPointer:
    case HolderForm::MemberPointer:
    case HolderForm::SmartPointer:
      return HolderKind::Pointer;
    case HolderForm::Reference:
      return HolderKind::Reference;
    case HolderForm::View:
      return HolderKind::View;
    case HolderForm::Resource:
    case HolderForm::Closure:
      return HolderKind::Handle;
  }
  return HolderKind::Pointer;
}

UserCodecs::UserCodecs(const clang::ASTContext& context) : context_(&context) {
  const clang::TranslationUnitDecl* unit = context.getTranslationUnitDecl();
  for (const clang::NamedDecl* found : unit->lookup(&context.Idents.get("picocache"))) {
    const auto* ns = llvm::dyn_cast<clang::NamespaceDecl>(found);
    if (!ns) continue;
    for (const clang::NamedDecl* member : ns->lookup(&context.Idents.get("Codec"))) {
      if (const auto* codec = llvm::dyn_cast<clang::ClassTemplateDecl>(member)) codec_ = codec;
    }
  }
}

bool UserCodecs::has_codec(QualType type) const {
  if (!codec_ || type.isNull()) return false;
  const clang::CXXRecordDecl* record = type->getAsCXXRecordDecl();
  if (!record) return false;
  for (const clang::ClassTemplateSpecializationDecl* specialization : codec_->specializations()) {
    if (specialization->getSpecializationKind() != clang::TSK_ExplicitSpecialization) continue;
    const clang::TemplateArgumentList& arguments = specialization->getTemplateArgs();
    if (arguments.size() > 0 && arguments[0].getKind() == clang::TemplateArgument::Type &&
        context_->hasSameType(arguments[0].getAsType(), type)) {
      return true;
    }
  }
  // `template <class T> struct Codec<Box<T>>` covers every Box<...>.
  if (const auto* instance = llvm::dyn_cast<clang::ClassTemplateSpecializationDecl>(record)) {
    llvm::SmallVector<clang::ClassTemplatePartialSpecializationDecl*, 16> partials;
    codec_->getPartialSpecializations(partials);
    for (const clang::ClassTemplatePartialSpecializationDecl* partial : partials) {
      const clang::TemplateArgumentList& arguments = partial->getTemplateArgs();
      if (arguments.size() == 0 || arguments[0].getKind() != clang::TemplateArgument::Type)
        continue;
      const auto* pattern = arguments[0].getAsType()->getAs<clang::TemplateSpecializationType>();
      if (pattern &&
          pattern->getTemplateName().getAsTemplateDecl() == instance->getSpecializedTemplate()) {
        return true;
      }
    }
  }
  return false;
}

bool UserCodecs::mentions_codec(QualType type) const {
  if (!codec_ || type.isNull()) return false;
  for (const clang::ClassTemplateSpecializationDecl* specialization : codec_->specializations()) {
    const clang::TemplateArgumentList& arguments = specialization->getTemplateArgs();
    if (arguments.size() > 0 && arguments[0].getKind() == clang::TemplateArgument::Type &&
        context_->hasSameType(arguments[0].getAsType(), type)) {
      return true;
    }
  }
  return false;
}

std::optional<HolderForm> classify_holder(QualType type, Usage usage, const UserCodecs& codecs) {
  if (type.isNull()) return std::nullopt;
  const QualType canonical = type.getCanonicalType().getUnqualifiedType();
  if (canonical->isReferenceType()) return HolderForm::Reference;
  if (canonical->isFunctionPointerType() || canonical->isMemberFunctionPointerType())
    return HolderForm::FunctionPointer;
  if (canonical->isMemberPointerType()) return HolderForm::MemberPointer;
  if (canonical->isAnyPointerType() || canonical->isBlockPointerType())
    return HolderForm::RawPointer;
  if (canonical->isDependentType()) return std::nullopt;
  const clang::CXXRecordDecl* record = canonical->getAsCXXRecordDecl();
  if (!record || codecs.has_codec(canonical)) return std::nullopt;
  if (in_standard_library(*record)) {
    const llvm::StringRef name = record->getName();
    // An owning pointer in a result is encoded by the object it owns (pointer_codecs.hpp): data.
    // In a key it stays a holder: a function taking one usually cares about the object's
    // identity, and its address is no key.
    if (usage == Usage::Result && (name == "unique_ptr" || name == "shared_ptr"))
      return std::nullopt;
    if (std_pointers().contains(name)) return HolderForm::SmartPointer;
    if (std_handles().contains(name)) return HolderForm::Resource;
    if (std_views().contains(name) && usage == Usage::Result) return HolderForm::View;
    return std::nullopt;
  }
  const clang::CXXRecordDecl* definition = record->getDefinition();
  if (definition && definition->isLambda()) return HolderForm::Closure;
  return std::nullopt;
}

namespace {

// The walk of find_address_holder: classify_holder() on the type, then on its parts.
class HolderFinder {
 public:
  HolderFinder(Usage usage, const clang::ASTContext& context, const UserCodecs& codecs)
      : usage_(usage), context_(context), codecs_(codecs) {}

  std::optional<AddressHolder> top_level(QualType type) {
    if (type.isNull()) return std::nullopt;
    if (usage_ == Usage::Argument && type->isReferenceType()) type = type.getNonReferenceType();
    return visit(type);
  }

 private:
  std::string print(QualType type) const {
    return type.getLocalUnqualifiedType().getAsString(context_.getPrintingPolicy());
  }

  std::optional<AddressHolder> visit(QualType type) {
    if (type.isNull()) return std::nullopt;
    if (std::optional<HolderForm> form = classify_holder(type, usage_, codecs_)) {
      // A std::unique_ptr or a std::function holds its pointer; an `int *` is one.
      const bool language_level =
          *form == HolderForm::RawPointer || *form == HolderForm::FunctionPointer ||
          *form == HolderForm::MemberPointer || *form == HolderForm::Reference;
      return AddressHolder{kind_of(*form), print(type), {}, depth_ == 0 && language_level};
    }
    const QualType canonical = type.getCanonicalType().getUnqualifiedType();
    if (canonical->isDependentType()) return std::nullopt;
    if (const auto* atomic = canonical->getAs<clang::AtomicType>())
      return visit(atomic->getValueType());
    if (canonical->isRecordType() && codecs_.has_codec(canonical)) return std::nullopt;
    // Inside arrays and records the type holds the pointer rather than being one.
    ++depth_;
    std::optional<AddressHolder> found;
    if (const clang::ArrayType* array = context_.getAsArrayType(type)) {
      found = visit(array->getElementType());
    } else if (const auto* record = canonical->getAsCXXRecordDecl()) {
      found = visit_record(type, *record);
    }
    --depth_;
    return found;
  }

  std::optional<AddressHolder> visit_record(QualType type, const clang::CXXRecordDecl& record) {
    if (!visited_.insert(record.getCanonicalDecl()).second) return std::nullopt;
    const clang::CXXRecordDecl* definition = record.getDefinition();
    if (in_standard_library(record) || !definition) return visit_template_arguments(type, record);
    for (const clang::CXXBaseSpecifier& base : definition->bases()) {
      if (std::optional<AddressHolder> found = visit(base.getType())) return found;
    }
    for (const clang::FieldDecl* field : definition->fields()) {
      std::optional<AddressHolder> found = visit(field->getType());
      if (!found) continue;
      if (found->field.empty()) {
        found->field = (definition->getName() + "::" + field->getName()).str();
      }
      return found;
    }
    return std::nullopt;
  }

  // The type arguments of a class template specialization, as written when they were.
  std::optional<AddressHolder> visit_template_arguments(QualType type,
                                                        const clang::CXXRecordDecl& record) {
    llvm::ArrayRef<clang::TemplateArgument> arguments;
    if (const auto* written = type->getAs<clang::TemplateSpecializationType>()) {
      arguments = written->template_arguments();
    } else if (const auto* specialization =
                   llvm::dyn_cast<clang::ClassTemplateSpecializationDecl>(&record)) {
      arguments = specialization->getTemplateArgs().asArray();
    }
    return visit_arguments(arguments);
  }

  std::optional<AddressHolder> visit_arguments(llvm::ArrayRef<clang::TemplateArgument> arguments) {
    for (const clang::TemplateArgument& argument : arguments) {
      std::optional<AddressHolder> found;
      if (argument.getKind() == clang::TemplateArgument::Type) found = visit(argument.getAsType());
      if (argument.getKind() == clang::TemplateArgument::Pack)
        found = visit_arguments(argument.pack_elements());
      if (found) return found;
    }
    return std::nullopt;
  }

  Usage usage_;
  const clang::ASTContext& context_;
  const UserCodecs& codecs_;
  llvm::SmallPtrSet<const clang::Decl*, 8> visited_;
  unsigned depth_ = 0;
};

}  // namespace

std::optional<AddressHolder> find_address_holder(QualType type, Usage usage,
                                                 const clang::ASTContext& context,
                                                 const UserCodecs& codecs) {
  return HolderFinder(usage, context, codecs).top_level(type);
}

std::optional<AddressHolder> find_address_holder(QualType type, Usage usage,
                                                 const clang::ASTContext& context) {
  const UserCodecs codecs(context);
  return find_address_holder(type, usage, context, codecs);
}

llvm::StringRef holder_noun(HolderKind kind) {
  switch (kind) {
    case HolderKind::Pointer:
      return "a pointer";
    case HolderKind::Reference:
      return "a reference";
    case HolderKind::View:
      return "a view";
    case HolderKind::Handle:
      return "a handle";
  }
  return "a pointer";
}

std::string describe(const AddressHolder& holder) {
  std::string text = holder_noun(holder.kind).str();
  if (holder.field.empty()) return text + " ('" + holder.type + "')";
  return text + " (field '" + holder.field + "' of type '" + holder.type + "')";
}

}  // namespace picocache::tooling

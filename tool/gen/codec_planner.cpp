// Which types can be encoded, and which records need generated codecs; see codec_planner.hpp.
#include "codec_planner.hpp"

#include "type_names.hpp"

#include <clang/AST/ASTContext.h>
#include <clang/AST/DeclCXX.h>
#include <clang/AST/DeclTemplate.h>
#include <llvm/ADT/SmallPtrSet.h>
#include <llvm/ADT/StringSwitch.h>

#include <algorithm>
#include <optional>

namespace picocache::gen {

namespace {

constexpr llvm::StringLiteral kCodecHint =
    "to cache it anyway, write a codec: template <> struct picocache::Codec<T> { static void "
    "encode(Encoder&, const T&); static T decode(Decoder&); static void describe(std::string&); "
    "} (see picocache/codec.hpp)";
constexpr llvm::StringLiteral kNoStandardCodec =
    "a standard library type PicoCache has no codec for";

bool in_std(const clang::Decl* decl) {
  for (const clang::DeclContext* context = decl->getDeclContext(); context;
       context = context->getParent()) {
    if (context->isStdNamespace()) return true;
  }
  return false;
}

// The element kinds of the standard templates the runtime has codecs for.
enum class Standard { none, string, string_view, one, two_keyed, pair, pack, duration };

Standard standard_kind(llvm::StringRef name) {
  return llvm::StringSwitch<Standard>(name)
      .Case("basic_string", Standard::string)
      .Case("basic_string_view", Standard::string_view)
      .Cases("vector", "deque", "list", "array", "optional", Standard::one)
      .Cases("set", "multiset", "unordered_set", "unordered_multiset", Standard::one)
      .Cases("map", "multimap", "unordered_map", "unordered_multimap", Standard::two_keyed)
      .Case("pair", Standard::pair)
      .Cases("tuple", "variant", Standard::pack)
      .Case("duration", Standard::duration)
      .Default(Standard::none);
}

}  // namespace

struct CodecPlanner::Walk {
  const Subject& subject;
  std::vector<const clang::CXXRecordDecl*>& records;
  llvm::SmallPtrSet<const clang::CXXRecordDecl*, 8> active;
};

CodecPlanner::CodecPlanner(clang::ASTContext& context, Reporter& reporter)
    : context_(context), reporter_(reporter), codecs_(context) {}

bool CodecPlanner::plan(clang::QualType type, const Subject& subject,
                        std::vector<const clang::CXXRecordDecl*>& records) {
  Walk state{subject, records, {}};
  return walk(type.getNonReferenceType(), subject.decode, state, subject.root, nullptr);
}

const RecordPlan& CodecPlanner::record_plan(const clang::CXXRecordDecl* record) const {
  return plans_[plan_index_.find(record)->second];
}

RecordPlan& CodecPlanner::plan_for(const clang::CXXRecordDecl* record) {
  auto [it, inserted] = plan_index_.try_emplace(record, static_cast<unsigned>(plans_.size()));
  if (inserted) {
    RecordPlan plan;
    plan.record = record;
    plan.id = static_cast<unsigned>(plans_.size());
    for (const clang::CXXBaseSpecifier& base : record->bases()) {
      if (const clang::CXXRecordDecl* base_record = base.getType()->getAsCXXRecordDecl()) {
        plan.bases.push_back(base_record->getDefinition());
      }
    }
    for (const clang::FieldDecl* field : record->fields()) {
      if (!field->isUnnamedBitField()) plan.fields.push_back(field);
    }
    plans_.push_back(std::move(plan));
  }
  return plans_[it->second];
}

bool CodecPlanner::fail(Walk& state, const std::string& path, clang::QualType type,
                        const std::string& reason, const clang::FieldDecl* field,
                        const std::string& hint) {
  const Subject& subject = state.subject;
  std::string message =
      subject.description + " cannot be " + (subject.decode ? "stored" : "encoded") + ": ";
  message += (path == subject.root ? std::string("it") : "'" + path + "'") + " has type '" +
             readable_type_text(type, context_) + "' (" + reason + ")";
  reporter_.error(subject.location, message);
  if (field) {
    const auto* parent = llvm::cast<clang::CXXRecordDecl>(field->getParent());
    reporter_.note(field->getLocation(), "member '" + field->getNameAsString() + "' of '" +
                                             parent->getQualifiedNameAsString() +
                                             "' declared here");
  }
  reporter_.hint(hint);
  return false;
}

// An address or a handle, as classify_holder() found it, refused in the words of a codec.
bool CodecPlanner::refuse_holder(Walk& state, const std::string& path, clang::QualType type,
                                 tooling::HolderForm form, const clang::FieldDecl* field) {
  switch (form) {
    case tooling::HolderForm::Reference:
      return fail(state, path, type, "a reference", field,
                  "store the value itself, not a reference to it");
    case tooling::HolderForm::FunctionPointer:
      return fail(state, path, type, "a function pointer", field,
                  "a function pointer cannot be part of a cache key; pass a value that selects the "
                  "function instead (an enum, a name)");
    case tooling::HolderForm::MemberPointer:
      return fail(state, path, type, "a pointer to member", field,
                  "a pointer to member cannot be part of a cache key");
    case tooling::HolderForm::RawPointer:
      return fail(state, path, type, "a raw pointer", field,
                  "a pointer's address means nothing in another process; pass the pointed-to value "
                  "by value or by const reference (a string: std::string or std::string_view)");
    case tooling::HolderForm::Closure:
      return fail(state, path, type, "a lambda's closure type", field,
                  "pass the values the lambda uses instead");
    case tooling::HolderForm::View: {
      const clang::CXXRecordDecl* record = type->getAsCXXRecordDecl();
      if (record && record->getName() == "basic_string_view") {
        return fail(state, path, type,
                    "cannot be read back: a string_view would point into the store's buffer", field,
                    "return std::string instead");
      }
      return fail(state, path, type, kNoStandardCodec.str(), field, kCodecHint.str());
    }
    case tooling::HolderForm::SmartPointer:
    case tooling::HolderForm::Resource:
      break;
  }
  return fail(state, path, type, kNoStandardCodec.str(), field, kCodecHint.str());
}

bool CodecPlanner::walk(clang::QualType type, bool decode, Walk& state, const std::string& path,
                        const clang::FieldDecl* field) {
  // Addresses and handles first, decided where picocache-tidy decides them.
  const tooling::Usage usage = decode ? tooling::Usage::Result : tooling::Usage::Argument;
  if (std::optional<tooling::HolderForm> form = tooling::classify_holder(type, usage, codecs_))
    return refuse_holder(state, path, type, *form, field);
  const clang::QualType canonical = type.getCanonicalType().getUnqualifiedType();
  if (const auto* builtin = canonical->getAs<clang::BuiltinType>()) {
    switch (builtin->getKind()) {
      case clang::BuiltinType::Float:
      case clang::BuiltinType::Double:
      case clang::BuiltinType::Bool:
        return true;
      case clang::BuiltinType::LongDouble:
        return fail(state, path, type, "no codec: its size and layout differ between platforms",
                    field, "use double, or " + kCodecHint.str());
      case clang::BuiltinType::NullPtr:
        return fail(state, path, type, "no value to cache", field, "remove the parameter");
      default:
        if (builtin->isInteger() && context_.getTypeSize(canonical) <= 64) return true;
        return fail(state, path, type, "no codec", field, kCodecHint.str());
    }
  }
  if (canonical->isEnumeralType()) return true;
  if (canonical->isArrayType()) {
    return fail(state, path, type, "a C array", field, "use std::array or std::vector");
  }
  if (const clang::CXXRecordDecl* record = canonical->getAsCXXRecordDecl()) {
    return walk_record(record, type, decode, state, path, field);
  }
  return fail(state, path, type, "no codec", field, kCodecHint.str());
}

bool CodecPlanner::walk_standard(const clang::CXXRecordDecl* record, clang::QualType type,
                                 bool decode, Walk& state, const std::string& path,
                                 const clang::FieldDecl* field, bool& handled) {
  handled = in_std(record);
  if (!handled) return true;
  const std::string no_codec = kNoStandardCodec.str();
  const auto* instance = llvm::dyn_cast<clang::ClassTemplateSpecializationDecl>(record);
  if (!instance) {
    if (record->getName() == "monostate") return true;
    return fail(state, path, type, no_codec, field, kCodecHint.str());
  }
  const clang::TemplateArgumentList& args = instance->getTemplateArgs();
  auto argument = [&](unsigned i) -> clang::QualType {
    if (i < args.size() && args[i].getKind() == clang::TemplateArgument::Type)
      return args[i].getAsType();
    return {};
  };
  auto element = [&](unsigned i, const std::string& suffix) {
    const clang::QualType element_type = argument(i);
    return !element_type.isNull() && walk(element_type, decode, state, path + suffix, field);
  };
  const auto is_char = [&](unsigned i) {
    const clang::QualType element_type = argument(i);
    return !element_type.isNull() && context_.hasSameType(element_type, context_.CharTy);
  };
  switch (standard_kind(record->getName())) {
    case Standard::string:
      if (is_char(0)) return true;
      return fail(state, path, type,
                  "a string of other characters than char (only std::string has a codec)", field,
                  kCodecHint.str());
    case Standard::string_view:
      // Encoded only: classify_holder() refused it as a result.
      if (is_char(0)) return true;
      return fail(state, path, type, "a string view of other characters than char", field,
                  kCodecHint.str());
    case Standard::one:
      return element(0, "[]");
    case Standard::two_keyed:
      return element(0, "[key]") && element(1, "[value]");
    case Standard::pair:
      return element(0, ".first") && element(1, ".second");
    case Standard::pack: {
      unsigned index = 0;
      for (const clang::TemplateArgument& arg : args.asArray()) {
        if (arg.getKind() != clang::TemplateArgument::Pack) continue;
        for (const clang::TemplateArgument& member : arg.pack_elements()) {
          if (member.getKind() != clang::TemplateArgument::Type) continue;
          if (!walk(member.getAsType(), decode, state, path + "<" + std::to_string(index++) + ">",
                    field)) {
            return false;
          }
        }
      }
      return true;
    }
    case Standard::duration:
      return element(0, ".count()");
    case Standard::none:
      break;
  }
  return fail(state, path, type, no_codec, field, kCodecHint.str());
}

bool CodecPlanner::walk_record(const clang::CXXRecordDecl* record, clang::QualType type,
                               bool decode, Walk& state, const std::string& path,
                               const clang::FieldDecl* field) {
  const clang::CXXRecordDecl* definition = record->getDefinition();
  if (!definition) {
    return fail(state, path, type, "an incomplete type", field,
                "define the type before the cached function");
  }
  if (codecs_.has_codec(context_.getRecordType(definition))) return true;
  bool handled = false;
  if (!walk_standard(definition, type, decode, state, path, field, handled)) return false;
  if (handled) return true;

  if (definition->isUnion()) {
    return fail(state, path, type, "a union (which member is active cannot be known)", field,
                "use std::variant, or " + kCodecHint.str());
  }
  if (definition->isLocalClass()) {
    return fail(state, path, type,
                "a local class, whose codec cannot be named outside its function", field,
                "define the class at namespace scope");
  }
  if (!definition->getIdentifier() && !definition->getTypedefNameForAnonDecl()) {
    return fail(state, path, type, "an unnamed class", field, "give the class a name");
  }
  for (const clang::CXXRecordDecl* scope = definition;
       scope && llvm::isa<clang::CXXRecordDecl>(scope->getDeclContext());
       scope = llvm::cast<clang::CXXRecordDecl>(scope->getDeclContext())) {
    if (scope->getAccess() != clang::AS_public) {
      return fail(
          state, path, type, "a non-public nested class, which a generated codec cannot name",
          field, "make '" + scope->getQualifiedNameAsString() + "' public, or " + kCodecHint.str());
    }
  }
  if (state.active.contains(definition))
    return true;  // a recursive type: its codec is being planned
  state.active.insert(definition);

  plan_for(definition);
  const std::string record_name = definition->getQualifiedNameAsString();
  for (const clang::CXXBaseSpecifier& base : definition->bases()) {
    const std::string base_path = (path == "*this" ? "this->" : path + ".") + "<base " +
                                  readable_type_text(base.getType(), context_) + ">";
    if (base.isVirtual()) {
      return fail(state, path, type, "a class with a virtual base", field, kCodecHint.str());
    }
    if (base.getAccessSpecifier() != clang::AS_public) {
      return fail(state, path, type, "a class with a non-public base", field,
                  "make the base public, or " + kCodecHint.str());
    }
    if (!walk(base.getType(), decode, state, base_path, field)) return false;
  }
  for (const clang::FieldDecl* member : definition->fields()) {
    if (member->isUnnamedBitField()) continue;
    const std::string member_path =
        (path == "*this" ? "this->" : path + ".") + member->getNameAsString();
    const clang::QualType member_type = member->getType();
    if (member->isAnonymousStructOrUnion()) {
      return fail(state, path, type, "a class with an anonymous struct or union member", member,
                  kCodecHint.str());
    }
    if (member_type->isReferenceType()) {
      return fail(state, member_path, member_type, "a reference member", member,
                  "hold the value itself, or " + kCodecHint.str());
    }
    if (member->isBitField() && member->getAccess() != clang::AS_public) {
      return fail(state, member_path, member_type,
                  "a non-public bit-field, which a generated codec cannot reach", member,
                  "make it public, or " + kCodecHint.str());
    }
    if (decode && member_type.isConstQualified()) {
      return fail(state, member_path, member_type,
                  "a const member: the generated decoder assigns the members of a "
                  "default-constructed value",
                  member, "drop the const, or " + kCodecHint.str());
    }
    if (!walk(member_type, decode, state, member_path, member)) return false;
  }
  if (decode) {
    bool constructible = false;
    bool declared = false;
    for (const clang::CXXConstructorDecl* constructor : definition->ctors()) {
      if (!constructor->isDefaultConstructor()) continue;
      declared = true;
      constructible = !constructor->isDeleted() && constructor->getAccess() == clang::AS_public;
    }
    if (!declared) {
      // Implicit, unless other constructors suppress it. (Members that make it deleted are
      // refused above or checked when their own types are walked.)
      constructible = definition->needsImplicitDefaultConstructor();
    }
    if (!constructible) {
      fail(state, path, type,
           "a class without a public default constructor: the generated decoder default-constructs "
           "the "
           "value and assigns its members",
           field,
           "add a public default constructor to '" + record_name + "', or " + kCodecHint.str());
      return false;
    }
    plan_for(definition).decodable = true;
  }
  state.active.erase(definition);
  if (std::find(state.records.begin(), state.records.end(), definition) == state.records.end()) {
    state.records.push_back(definition);
  }
  return true;
}

}  // namespace picocache::gen

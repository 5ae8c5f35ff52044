// Which types can be encoded, and which records need generated codecs; see codec_planner.hpp.
#include "codec_planner.hpp"

#include "type_names.hpp"

#include <clang/AST/ASTContext.h>
#include <clang/AST/DeclCXX.h>
#include <clang/AST/DeclTemplate.h>
#include <clang/Basic/SourceManager.h>
#include <llvm/ADT/SmallPtrSet.h>
#include <llvm/ADT/StringSwitch.h>

#include <algorithm>
#include <optional>

namespace picocache::gen {

namespace {

// C arrays inside a record rebuilt by aggregate initialisation are written out element by
// element; past this many the generated text would be unreasonable.
constexpr std::uint64_t kMaxAggregateArrayElements = 256;
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
enum class Standard {
  none,
  string,
  string_view,
  one,
  two_keyed,
  pair,
  pack,
  duration,
  owner,
  span,
  bitset,
  complex
};

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
      .Cases("unique_ptr", "shared_ptr", Standard::owner)
      .Case("span", Standard::span)
      .Case("bitset", Standard::bitset)
      .Case("complex", Standard::complex)
      .Default(Standard::none);
}

}  // namespace

struct CodecPlanner::Walk {
  const Subject& subject;
  std::vector<const clang::TagDecl*>& records;
  llvm::SmallPtrSet<const clang::CXXRecordDecl*, 8> active;
  std::vector<const clang::CXXRecordDecl*> stack;  // the records being walked, outermost first
};

CodecPlanner::CodecPlanner(clang::ASTContext& context, Reporter& reporter)
    : context_(context), reporter_(reporter), codecs_(context) {}

bool CodecPlanner::plan(clang::QualType type, const Subject& subject,
                        std::vector<const clang::TagDecl*>& records) {
  Walk state{subject, records, {}, {}};
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

bool CodecPlanner::in_main_file(const clang::Decl& decl) const {
  const clang::SourceManager& sources = context_.getSourceManager();
  return sources.isWrittenInMainFile(sources.getExpansionLoc(decl.getLocation()));
}

std::string CodecPlanner::codec_hint(clang::QualType type, const Walk& state) const {
  // Inside a record of another file (a library's), the codec is for the outermost such record
  // being walked: the user can write it without changing that library.
  clang::QualType target = type.getNonReferenceType().getUnqualifiedType();
  for (const clang::CXXRecordDecl* record : state.stack) {
    if (!in_main_file(*record) && !in_std(record)) {
      target = context_.getRecordType(record);
      break;
    }
  }
  const std::string name = readable_type_text(target, context_);
  std::string hint = "to cache it anyway, write a codec for '" + name +
                     "' (see picocache/codec.hpp): template <> struct picocache::Codec<" + name +
                     "> { static void encode(picocache::Encoder& e, const " + name +
                     "& value) { e.write(/* each part of value */); }";
  if (state.subject.decode) {
    hint += " static " + name + " decode(picocache::Decoder& d) { return " + name +
            "(d.read</* each part's type */>()); }";
  }
  hint += " static void describe(std::string& schema) { schema += \"" + name +
          "{...}\"; /* name each part and its type */ } };";
  if (!state.subject.decode) hint += " (encode-only: it is only part of the key)";
  return hint;
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
      return fail(state, path, type, kNoStandardCodec.str(), field, codec_hint(type, state));
    }
    case tooling::HolderForm::SmartPointer:
      if (!state.subject.decode) {
        return fail(state, path, type, "a smart pointer: its address is no key", field,
                    "pass the object by const reference (or by value)");
      }
      break;
    case tooling::HolderForm::Resource: {
      // A handle is no data: the codec to write is for the record holding it, which knows what
      // of it is.
      const clang::QualType holder =
          state.stack.empty() ? type : context_.getRecordType(state.stack.back());
      return fail(state, path, type, kNoStandardCodec.str(), field, codec_hint(holder, state));
    }
  }
  return fail(state, path, type, kNoStandardCodec.str(), field, codec_hint(type, state));
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
                    field, "use double, or " + codec_hint(type, state));
      case clang::BuiltinType::NullPtr:
        return fail(state, path, type, "no value to cache", field, "remove the parameter");
      default:
        if (builtin->isInteger() && context_.getTypeSize(canonical) <= 64) return true;
        return fail(state, path, type, "no codec", field, codec_hint(type, state));
    }
  }
  if (const auto* enum_type = canonical->getAs<clang::EnumType>()) {
    plan_enum(enum_type->getDecl()->getDefinition(), state);
    return true;
  }
  if (const auto* array = context_.getAsConstantArrayType(canonical)) {
    return walk_array(*array, type, decode, state, path, field);
  }
  if (canonical->isArrayType()) {
    return fail(state, path, type, "a C array without a known size", field,
                "use std::array or std::vector");
  }
  if (const clang::CXXRecordDecl* record = canonical->getAsCXXRecordDecl()) {
    return walk_record(record, type, decode, state, path, field);
  }
  return fail(state, path, type, "no codec", field, codec_hint(type, state));
}

bool CodecPlanner::walk_array(const clang::ConstantArrayType& array, clang::QualType type,
                              bool decode, Walk& state, const std::string& path,
                              const clang::FieldDecl* field) {
  // Arrays are members of records only (parameters decay to pointers): the record's codec writes
  // their elements.
  if (!field) {
    return fail(state, path, type, "a C array outside a record", field,
                "use std::array or std::vector");
  }
  if (array.getSize().isZero()) {
    return fail(state, path, type, "a zero-length array", field, codec_hint(type, state));
  }
  return walk(array.getElementType(), decode, state, path + "[]", field);
}

// The number of elements of `type` through all its array dimensions (1 for a non-array).
static std::uint64_t array_elements(const clang::ASTContext& context, clang::QualType type) {
  std::uint64_t count = 1;
  while (const auto* array = context.getAsConstantArrayType(type)) {
    count *= array->getSize().getZExtValue();
    type = array->getElementType();
  }
  return count;
}

void CodecPlanner::plan_enum(const clang::EnumDecl* decl, Walk& state) {
  // Enums generated code cannot name keep the runtime's generic enum codec.
  if (!decl || decl->isDependentType() || !decl->getIdentifier() || in_std(decl)) return;
  // A user's Codec<E>, or one the code already instantiated, stays.
  if (codecs_.mentions_codec(context_.getEnumType(decl))) return;
  for (const clang::DeclContext* context = decl->getDeclContext(); context;
       context = context->getParent()) {
    if (context->isFunctionOrMethod()) return;
  }
  const clang::Decl* scope = decl;
  while (llvm::isa<clang::CXXRecordDecl>(scope->getDeclContext())) {
    if (scope->getAccess() != clang::AS_public) return;
    scope = llvm::cast<clang::CXXRecordDecl>(scope->getDeclContext());
    if (llvm::isa<clang::ClassTemplateSpecializationDecl>(scope)) return;
  }
  if (std::find(state.records.begin(), state.records.end(), decl) == state.records.end()) {
    state.records.push_back(decl);
  }
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
    return fail(state, path, type, no_codec, field, codec_hint(type, state));
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
                  codec_hint(type, state));
    case Standard::string_view:
      // Encoded only: classify_holder() refused it as a result.
      if (is_char(0)) return true;
      return fail(state, path, type, "a string view of other characters than char", field,
                  codec_hint(type, state));
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
    case Standard::owner: {
      // Only results reach here (classify_holder refuses owning pointers as parameters).
      const clang::QualType object = argument(0);
      if (object.isNull() || object->isArrayType() || object->isVoidType()) {
        return fail(state, path, type, "an owning pointer to an array or to void", field,
                    codec_hint(type, state));
      }
      if (instance->getName() == "unique_ptr") {
        const clang::QualType deleter = argument(1);
        const clang::CXXRecordDecl* deleter_record =
            deleter.isNull() ? nullptr : deleter->getAsCXXRecordDecl();
        if (!deleter_record || deleter_record->getName() != "default_delete") {
          return fail(state, path, type, "a std::unique_ptr with a custom deleter", field,
                      codec_hint(type, state));
        }
      }
      if (const clang::CXXRecordDecl* pointee = object->getAsCXXRecordDecl()) {
        const clang::CXXRecordDecl* pointee_definition = pointee->getDefinition();
        if (pointee_definition && pointee_definition->isPolymorphic()) {
          return fail(state, path, type,
                      "a pointer to a polymorphic class: the object may be of a derived class, "
                      "which encoding '" +
                          readable_type_text(object, context_) + "' would slice off",
                      field, "return the concrete type, or " + codec_hint(type, state));
        }
      }
      return element(0, "->");
    }
    case Standard::span: {
      const clang::QualType element_type = argument(0);
      if (!element_type.isNull() && !element_type.isConstQualified()) {
        return fail(state, path, type,
                    "a span of non-const elements: the body could change the caller's data", field,
                    "take std::span<const " + readable_type_text(element_type, context_) + ">");
      }
      return element(0, "[]");
    }
    case Standard::bitset:
      return true;
    case Standard::complex: {
      const clang::QualType element_type = argument(0);
      if (!element_type.isNull() && (context_.hasSameType(element_type, context_.FloatTy) ||
                                     context_.hasSameType(element_type, context_.DoubleTy))) {
        return true;
      }
      return fail(state, path, type, "a std::complex of other than float or double", field,
                  "use std::complex<double>");
    }
    case Standard::none:
      break;
  }
  return fail(state, path, type, no_codec, field, codec_hint(type, state));
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
                "use std::variant, or " + codec_hint(type, state));
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
      const std::string codec = codec_hint(type, state);
      return fail(state, path, type,
                  "a non-public nested class, which a generated codec cannot name", field,
                  in_main_file(*scope)
                      ? "make '" + scope->getQualifiedNameAsString() + "' public, or " + codec
                      : codec);
    }
  }
  if (state.active.contains(definition))
    return true;  // a recursive type: its codec is being planned
  state.active.insert(definition);
  state.stack.push_back(definition);
  const bool walked = walk_record_parts(definition, type, decode, state, path, field);
  state.stack.pop_back();
  state.active.erase(definition);
  if (!walked) return false;
  if (std::find(state.records.begin(), state.records.end(), definition) == state.records.end()) {
    state.records.push_back(definition);
  }
  return true;
}

bool CodecPlanner::walk_record_parts(const clang::CXXRecordDecl* definition, clang::QualType type,
                                     bool decode, Walk& state, const std::string& path,
                                     const clang::FieldDecl* field) {
  plan_for(definition);
  for (const clang::CXXBaseSpecifier& base : definition->bases()) {
    const std::string base_path = (path == "*this" ? "this->" : path + ".") + "<base " +
                                  readable_type_text(base.getType(), context_) + ">";
    if (base.isVirtual()) {
      return fail(state, path, type, "a class with a virtual base", field, codec_hint(type, state));
    }
    if (base.getAccessSpecifier() != clang::AS_public) {
      return fail(state, path, type, "a class with a non-public base", field,
                  "make the base public, or " + codec_hint(type, state));
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
                  codec_hint(type, state));
    }
    if (member_type->isReferenceType()) {
      return fail(state, member_path, member_type, "a reference member", member,
                  "hold the value itself, or " + codec_hint(type, state));
    }
    if (member->isBitField() && member->getAccess() != clang::AS_public) {
      const std::string codec = codec_hint(type, state);
      return fail(state, member_path, member_type,
                  "a non-public bit-field, which a generated codec cannot reach", member,
                  in_main_file(*definition) ? "make it public, or " + codec : codec);
    }
    if (!walk(member_type, decode, state, member_path, member)) return false;
  }
  if (!decode) return true;
  bool constructible = false;
  bool declared = false;
  for (const clang::CXXConstructorDecl* constructor : definition->ctors()) {
    if (!constructor->isDefaultConstructor()) continue;
    declared = true;
    constructible = !constructor->isDeleted() && constructor->getAccess() == clang::AS_public;
  }
  if (!declared) {
    // Implicit, unless other constructors suppress it.
    constructible = definition->needsImplicitDefaultConstructor();
  }
  // A const member, or a member rebuilt by aggregate initialisation (no default constructor,
  // or itself const members), cannot be assigned: then the record must be rebuilt that way too.
  const clang::FieldDecl* const_member = nullptr;
  const clang::FieldDecl* aggregate_member = nullptr;
  for (const clang::FieldDecl* member : definition->fields()) {
    if (member->isUnnamedBitField()) continue;
    const clang::QualType element = context_.getBaseElementType(member->getType());
    if (element.isConstQualified() && !const_member) const_member = member;
    const clang::CXXRecordDecl* member_record = element->getAsCXXRecordDecl();
    if (member_record && member_record->getDefinition()) {
      const auto found = plan_index_.find(member_record->getDefinition());
      if (found != plan_index_.end() &&
          plans_[found->second].decode == RecordPlan::Decode::aggregate && !aggregate_member) {
        aggregate_member = member;
      }
    }
  }
  const bool ours = in_main_file(*definition);
  const auto change_or_codec = [&](const std::string& change) {
    const std::string codec = codec_hint(type, state);
    return ours ? change + ", or " + codec : codec;
  };
  if (constructible && !const_member && !aggregate_member) {
    plan_for(definition).decodable = true;
    plan_for(definition).decode = RecordPlan::Decode::assign;
    return true;
  }
  if (!definition->isAggregate()) {
    if (const_member) {
      const std::string member_path =
          (path == "*this" ? "this->" : path + ".") + const_member->getNameAsString();
      return fail(state, member_path, const_member->getType(),
                  "a const member of a class that is not an aggregate: the generated decoder "
                  "assigns the members of a default-constructed value",
                  const_member, change_or_codec("drop the const"));
    }
    return fail(state, path, type,
                "a class without a public default constructor that is not an aggregate: the "
                "generated decoder default-constructs the value and assigns its members",
                field,
                change_or_codec("add a public default constructor to '" +
                                definition->getQualifiedNameAsString() + "'"));
  }
  for (const clang::FieldDecl* member : definition->fields()) {
    if (array_elements(context_, member->getType()) > kMaxAggregateArrayElements) {
      const std::string member_path =
          (path == "*this" ? "this->" : path + ".") + member->getNameAsString();
      return fail(state, member_path, member->getType(),
                  "a C array of more than " + std::to_string(kMaxAggregateArrayElements) +
                      " elements in a record rebuilt by aggregate initialisation",
                  member, change_or_codec("use std::array"));
    }
  }
  plan_for(definition).decodable = true;
  plan_for(definition).decode = RecordPlan::Decode::aggregate;
  return true;
}

}  // namespace picocache::gen

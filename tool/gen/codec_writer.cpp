// Writing generated codecs; see codec_writer.hpp.
#include "codec_writer.hpp"

#include "type_names.hpp"

#include <clang/AST/ASTContext.h>
#include <clang/AST/Decl.h>
#include <clang/AST/DeclCXX.h>
#include <clang/AST/RecordLayout.h>
#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/xxhash.h>

#include <algorithm>

namespace picocache::gen {

std::string CodecWriter::prelude() {
  return R"(#include <picocache/memoize.hpp>
#include <cstddef>
#include <string>
#include <type_traits>
#ifndef PICOCACHE_GENERATED_PRELUDE_
#define PICOCACHE_GENERATED_PRELUDE_
namespace picocache_generated {
namespace {
// picocache_member(Tag{}) returns the member pointer an explicit instantiation of
// access<Tag, P, &C::m> named: explicit instantiations may name non-public members, so no friend
// is needed in C. The pointer type P picks among overloaded member functions.
template <class Tag, class Pointer, Pointer Member>
struct access {
  friend constexpr auto picocache_member(Tag) { return Member; }
};
template <class Member>
struct member_type;
template <class T, class C>
struct member_type<T C::*> {
  using type = std::remove_cv_t<T>;
};
template <class Member>
using member_type_t = typename member_type<Member>::type;
template <class T>
void read_into(::picocache::Decoder& decoder, T& member) {
  if constexpr (std::is_array_v<T>) {
    for (auto& element : member) read_into(decoder, element);
  } else {
    member = decoder.read<T>();
  }
}
// C array members: element by element, as std::array ("arr<N,T>").
template <class T>
void write_member(::picocache::Encoder& encoder, const T& member) {
  if constexpr (std::is_array_v<T>) {
    for (const auto& element : member) write_member(encoder, element);
  } else {
    encoder.write(member);
  }
}
template <class T>
void describe_member(std::string& schema) {
  if constexpr (std::is_array_v<T>) {
    schema += "arr<" + std::to_string(std::extent_v<T>) + ',';
    describe_member<std::remove_extent_t<T>>(schema);
    schema += '>';
  } else {
    ::picocache::detail::describe_into<T>(schema);
  }
}
}  // namespace
}  // namespace picocache_generated
#endif  // PICOCACHE_GENERATED_PRELUDE_
)";
}

std::string CodecWriter::access_tag(const std::string& arguments, std::string& declarations) {
  const std::string tag = "tag_" + std::to_string(next_tag_++) + unit_;
  declarations += "namespace picocache_generated {\nnamespace {\nstruct " + tag +
                  " {\n  friend constexpr auto picocache_member(" + tag +
                  ");\n};\ntemplate struct access<" + tag + ", " + arguments +
                  ">;\n}  // namespace\n}  // namespace picocache_generated\n";
  return tag;
}

std::string CodecWriter::member_function_pointer(const clang::FunctionDecl& function,
                                                 std::string& declarations) {
  // The pointer's type picks the overload.
  const std::string tag = access_tag(
      code_function_pointer_type(function, context_) + ", &" + code_name(function), declarations);
  return "picocache_member(::picocache_generated::" + tag + "{})";
}

std::string CodecWriter::aggregate_initialiser(clang::QualType type,
                                               const std::string& code) const {
  const clang::ConstantArrayType* array = context_.getAsConstantArrayType(type);
  if (!array) return "decoder.read<" + code + ">()";
  const std::string element = "std::remove_extent_t<" + code + ">";
  std::string out = "{";
  for (std::uint64_t i = 0; i < array->getSize().getZExtValue(); ++i) {
    if (i > 0) out += ", ";
    out += aggregate_initialiser(array->getElementType(), element);
  }
  return out + "}";
}

std::string CodecWriter::layout_tripwire(const clang::CXXRecordDecl& record,
                                         const RecordPlan& plan) const {
  const std::string type = code_record(record, context_);
  const std::string message = "picocache-gen saw another layout of " +
                              canonical_type_text(context_.getRecordType(&record), context_) +
                              ": it parsed this file with other flags than the compiler";
  const long long size = context_.getTypeSizeInChars(context_.getRecordType(&record)).getQuantity();
  std::string out = "  static_assert(sizeof(" + type + ") == " + std::to_string(size) + ", " +
                    cpp_string_literal(message) + ");\n";
  // offsetof is defined for standard-layout types and needs access to the member.
  if (!record.isStandardLayout()) return out;
  const clang::ASTRecordLayout& layout = context_.getASTRecordLayout(&record);
  for (const clang::FieldDecl* field : plan.fields) {
    if (field->isBitField() || field->getAccess() != clang::AS_public || !field->getIdentifier())
      continue;
    const long long offset =
        context_.toCharUnitsFromBits(layout.getFieldOffset(field->getFieldIndex())).getQuantity();
    out += "  static_assert(offsetof(" + type + ", " + field->getNameAsString() +
           ") == " + std::to_string(offset) + ", " + cpp_string_literal(message) + ");\n";
  }
  return out;
}

namespace {

// An integer of the enum's underlying type as a C++ literal ("-4", "(-9223372036854775807LL -
// 1)", "18446744073709551615ULL").
std::string integer_literal(const llvm::APSInt& value) {
  if (value.isSigned() && value.isNegative() && value.isMinSignedValue() &&
      value.getBitWidth() == 64) {
    return "(-9223372036854775807LL - 1)";
  }
  std::string text = llvm::toString(value, 10);
  if (value.getBitWidth() == 64) text += value.isSigned() ? "LL" : "ULL";
  return text;
}

}  // namespace

std::string CodecWriter::enum_codec(const clang::EnumDecl& decl) {
  const clang::QualType enum_type = context_.getEnumType(&decl);
  const std::string type = code_type(enum_type, context_);
  const std::string name = canonical_type_text(enum_type, context_);
  const clang::QualType underlying = decl.getIntegerType();
  const bool is_bool = underlying->isBooleanType();
  const unsigned bits = static_cast<unsigned>(context_.getTypeSize(underlying));
  const bool is_signed = underlying->isSignedIntegerOrEnumerationType();
  std::string description = "enum<";
  description += is_bool ? "b" : (is_signed ? "i" : "u") + std::to_string(bits);
  char separator = ';';
  for (const clang::EnumConstantDecl* enumerator : decl.enumerators()) {
    description += separator;
    separator = ',';
    description +=
        enumerator->getNameAsString() + "=" + llvm::toString(enumerator->getInitVal(), 10);
  }
  description += '>';

  std::string range;  // the decode_enum arguments: the value range without a fixed type
  if (!decl.isFixed()) {
    // [dcl.enum]: the values of the smallest bit-field that holds every enumerator.
    const unsigned positive = decl.getNumPositiveBits();
    const unsigned negative = decl.getNumNegativeBits();
    llvm::APSInt min(bits, !is_signed);
    llvm::APSInt max(bits, !is_signed);
    if (negative == 0) {
      min = 0;
      max = llvm::APSInt(llvm::APInt::getLowBitsSet(bits, positive), !is_signed);
    } else {
      const unsigned width = std::max(negative, positive + 1);
      min = llvm::APSInt(llvm::APInt::getSignedMinValue(width).sext(bits), false);
      max = llvm::APSInt(llvm::APInt::getSignedMaxValue(width).sext(bits), false);
    }
    range = ", " + integer_literal(min) + ", " + integer_literal(max);
  }

  const std::string guard = "PICOCACHE_CODEC_" + llvm::utohexstr(llvm::xxh3_64bits(name)) + "_";
  std::string out = "#ifndef " + guard + "  // " + name + "\n#define " + guard + "\n";
  out += "namespace picocache {\ntemplate <>\nstruct Codec<" + type + "> {\n";
  out += "  static constexpr std::size_t kMinEncodedSize = 1;\n";
  out += "  static void encode(Encoder& encoder, " + type +
         " value) { ::picocache::detail::encode_enum(encoder, value); }\n";
  out += "  static " + type + " decode(Decoder& decoder) {\n";
  out += "    return ::picocache::detail::decode_enum<" + type + ">(decoder" + range + ");\n  }\n";
  out +=
      "  static void describe(std::string& schema) { schema += " + cpp_string_literal(description) +
      "; }\n";
  out += "};\n}  // namespace picocache\n#endif  // " + guard + "\n";
  return out;
}

std::string CodecWriter::codec(const clang::TagDecl* tag) {
  if (std::find(written_.begin(), written_.end(), tag) != written_.end()) return {};
  written_.push_back(tag);
  if (const auto* decl = llvm::dyn_cast<clang::EnumDecl>(tag)) return enum_codec(*decl);
  const auto* record = llvm::cast<clang::CXXRecordDecl>(tag);
  const RecordPlan& plan = planner_.record_plan(record);
  const std::string type = code_record(*record, context_);
  const std::string name = canonical_type_text(context_.getRecordType(record), context_);

  std::string declarations;  // access tags
  struct Member {
    std::string access;  // expression on `value`
    std::string type;    // the member's type (cv removed), as code
    std::string name;
    bool bit_field;
    const clang::FieldDecl* field;
  };
  std::vector<Member> members;
  for (const clang::FieldDecl* field : plan.fields) {
    Member member;
    member.name = field->getNameAsString();
    member.bit_field = field->isBitField();
    member.field = field;
    if (field->getAccess() == clang::AS_public) {
      member.access = "value." + member.name;
      member.type = "std::remove_cv_t<decltype(" + type + "::" + member.name + ")>";
    } else {
      const std::string tag =
          access_tag("decltype(&" + type + "::" + member.name + "), &" + type + "::" + member.name,
                     declarations);
      const std::string pointer = "picocache_member(::picocache_generated::" + tag + "{})";
      member.access = "value.*" + pointer;
      member.type = "::picocache_generated::member_type_t<decltype(" + pointer + ")>";
    }
    members.push_back(std::move(member));
  }
  std::vector<std::string> bases;
  for (const clang::CXXRecordDecl* base : plan.bases) bases.push_back(code_record(*base, context_));
  const bool empty = members.empty() && bases.empty();

  const std::string guard = "PICOCACHE_CODEC_" + llvm::utohexstr(llvm::xxh3_64bits(name)) + "_";
  std::string out = "#ifndef " + guard + "  // " + name + "\n#define " + guard + "\n";
  out += declarations;
  out += "namespace picocache {\ntemplate <>\nstruct Codec<" + type + "> {\n";
  out += layout_tripwire(*record, plan);
  // encode
  out += "  static void encode(Encoder& encoder, const " + type + "& value) {\n";
  if (empty)
    out +=
        "    static_cast<void>(value);\n    encoder.write_u8(0);  // no members: one byte, as "
        "std::monostate\n";
  for (const std::string& base : bases)
    out += "    encoder.write(static_cast<const " + base + "&>(value));\n";
  for (const Member& member : members) {
    if (member.field->getType()->isArrayType()) {
      out += "    ::picocache_generated::write_member(encoder, " + member.access + ");\n";
    } else {
      out += "    encoder.write(" + member.access + ");\n";
    }
  }
  out += "  }\n";
  // decode
  if (plan.decodable) {
    out += "  static " + type + " decode(Decoder& decoder) {\n";
    if (empty) {
      out +=
          "    const std::size_t start = decoder.position();\n"
          "    if (decoder.read_u8() != 0) decoder.fail(\"empty record byte is not 0\", start);\n"
          "    return " +
          type + "{};\n  }\n";
    } else if (plan.decode == RecordPlan::Decode::aggregate) {
      // Aggregate initialisation: const members and members without a default constructor are
      // initialised directly; braced initialisers run left to right, so the reads are in order.
      out += "    return " + type + "{";
      const char* separator = "";
      for (const std::string& base : bases) {
        out += separator + ("decoder.read<" + base + ">()");
        separator = ", ";
      }
      for (std::size_t i = 0; i < members.size(); ++i) {
        out += separator + aggregate_initialiser(plan.fields[i]->getType(), members[i].type);
        separator = ", ";
      }
      out += "};\n  }\n";
    } else {
      out += "    " + type + " value{};\n";
      for (const std::string& base : bases) {
        out += "    static_cast<" + base + "&>(value) = decoder.read<" + base + ">();\n";
      }
      for (const Member& member : members) {
        if (member.bit_field) {
          out += "    " + member.access + " = decoder.read<" + member.type + ">();\n";
        } else {
          out += "    ::picocache_generated::read_into(decoder, " + member.access + ");\n";
        }
      }
      out += "    return value;\n  }\n";
    }
  }
  // describe
  out += "  static void describe(std::string& schema) {\n";
  out +=
      "    static thread_local bool active = false;  // a recursive type names itself where it "
      "recurs\n";
  out += "    if (active) {\n      schema += " + cpp_string_literal("rec<" + name + ">") +
         ";\n      return;\n    }\n";
  out += "    active = true;\n";
  out += "    schema += " + cpp_string_literal("rec<" + name) + ";\n";
  for (const std::string& base : bases) {
    out += "    schema += \";^\";\n    ::picocache::detail::describe_into<" + base + ">(schema);\n";
  }
  for (const Member& member : members) {
    out += "    schema += " + cpp_string_literal(";" + member.name + ":") + ";\n";
    if (member.field->getType()->isArrayType()) {
      out += "    ::picocache_generated::describe_member<" + member.type + ">(schema);\n";
    } else {
      out += "    ::picocache::detail::describe_into<" + member.type + ">(schema);\n";
    }
  }
  out += "    schema += '>';\n    active = false;\n  }\n";
  out += "};\n}  // namespace picocache\n#endif  // " + guard + "\n";
  return out;
}

}  // namespace picocache::gen

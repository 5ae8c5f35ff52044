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
  member = decoder.read<T>();
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

std::string CodecWriter::codec(const clang::CXXRecordDecl* record) {
  if (std::find(written_.begin(), written_.end(), record) != written_.end()) return {};
  written_.push_back(record);
  const RecordPlan& plan = planner_.record_plan(record);
  const std::string type = code_record(*record, context_);
  const std::string name = canonical_type_text(context_.getRecordType(record), context_);

  std::string declarations;  // access tags
  struct Member {
    std::string access;  // expression on `value`
    std::string type;    // the member's type (cv removed), as code
    std::string name;
    bool bit_field;
  };
  std::vector<Member> members;
  for (const clang::FieldDecl* field : plan.fields) {
    Member member;
    member.name = field->getNameAsString();
    member.bit_field = field->isBitField();
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
  for (const Member& member : members) out += "    encoder.write(" + member.access + ");\n";
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
    out += "    ::picocache::detail::describe_into<" + member.type + ">(schema);\n";
  }
  out += "    schema += '>';\n    active = false;\n  }\n";
  out += "};\n}  // namespace picocache\n#endif  // " + guard + "\n";
  return out;
}

}  // namespace picocache::gen

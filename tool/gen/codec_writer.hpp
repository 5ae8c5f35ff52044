// CodecWriter: the text of generated picocache::Codec specializations for user records.
//
// For a record T it writes, at global scope:
//   template <> struct picocache::Codec<T> {
//     static_assert(sizeof(T) == N); static_assert(offsetof(T, m) == M); ...  // the tripwire
//     static void encode(Encoder&, const T&);  // bases in order, then the members in order
//     static T decode(Decoder&);                // only when T can be decoded (CodecPlanner)
//     static void describe(std::string&);       // "rec<ns::T;^<base>;name:<schema>;...>"
//   };
// decode() default-constructs T and assigns its members, or, for an aggregate with const members
// or without a default constructor, returns T{read<Base>()..., read<M>()...}. C array members are
// written element by element. For an enum E it writes a Codec<E> whose description names the
// enumerators (see codec() below).
// The description names every member with its type's description, so the schema fingerprint of
// a result changes when a member is added, removed, renamed or retyped (or the record renamed).
// A recursive type describes itself by name where it recurs.
//
// The tripwire: the sizes and offsets picocache-gen computed for T, asserted where the compiler
// compiles the codec. When the tool parsed the file with other flags than the compiler (a field
// under an #ifdef it saw differently), the build fails there instead of the codec reading and
// writing another set of members than the compiler's T has. Offsets are asserted for the public
// members of standard-layout types (where offsetof is defined and may name them), sizes always.
//
// Non-public members are reached without editing the user's class: an explicit instantiation
// may name a private member ([temp.spec]/6 in C++17, "the usual access checking rules do not apply
// to names used to specify explicit instantiations"), so the generated code instantiates
// `picocache_generated::access<Tag, decltype(&T::member), &T::member>`, whose friend function
// `picocache_member(Tag)` returns the member pointer. No friend declaration is needed in the user's
// class. The tags live in an anonymous namespace of the generated file and their names end with
// the file's unit suffix, so they never clash between files, even in one unity translation unit.
#pragma once

#include "codec_planner.hpp"

#include <string>

namespace clang {
class ASTContext;
class EnumDecl;
class FunctionDecl;
class TagDecl;
}  // namespace clang

namespace picocache::gen {

class CodecWriter {
 public:
  // `unit` ends every name the writer declares, unique per generated file (see unit_suffix).
  CodecWriter(const clang::ASTContext& context, const CodecPlanner& planner, std::string unit)
      : context_(context), planner_(planner), unit_(std::move(unit)) {}

  // The helpers generated code relies on (the member access template, read_into): once per file,
  // at global scope, after <picocache/memoize.hpp> is included. Guarded by a macro, so that a
  // unity build that includes several generated files in one translation unit defines them once.
  static std::string prelude();

  // The codec of `record`, at global scope; empty if it was already written. Guarded by a macro
  // named after the record, so that generated files that a unity build puts in one translation
  // unit define each codec once.
  // For an enum: encode and decode by the underlying value (decode checks the value range of an
  // enum without a fixed underlying type), described by its enumerators,
  // "enum<i32;Ok=0,Error=1>", so that reordering or renumbering them changes the schema.
  std::string codec(const clang::TagDecl* record);

  // An expression for a pointer to a member function that code at global scope cannot name
  // (non-public): declares an access tag (appended to `declarations`) and returns the call that
  // yields the pointer.
  std::string member_function_pointer(const clang::FunctionDecl& function,
                                      std::string& declarations);

 private:
  // static_asserts on the size of `record` and the offsets of its public members, as Clang laid
  // them out here.
  std::string layout_tripwire(const clang::CXXRecordDecl& record, const RecordPlan& plan) const;
  std::string enum_codec(const clang::EnumDecl& decl);
  // The initialiser of a member of `type` (`code` names it) in aggregate initialisation: a read,
  // or for a C array a braced list of its elements' initialisers.
  std::string aggregate_initialiser(clang::QualType type, const std::string& code) const;
  // Declares a tag for `arguments` ("<pointer type>, &C::member") and returns its name.
  std::string access_tag(const std::string& arguments, std::string& declarations);

  const clang::ASTContext& context_;
  const CodecPlanner& planner_;
  std::string unit_;
  unsigned next_tag_ = 0;
  std::vector<const clang::TagDecl*> written_;
};

}  // namespace picocache::gen

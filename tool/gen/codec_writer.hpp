// CodecWriter: the text of generated picocache::Codec specializations for user records.
//
// For a record T it writes, at global scope:
//   template <> struct picocache::Codec<T> {
//     static void encode(Encoder&, const T&);  // bases in order, then the members in order
//     static T decode(Decoder&);                // only when T can be decoded (CodecPlanner)
//     static void describe(std::string&);       // "rec<ns::T;^<base>;name:<schema>;...>"
//   };
// The description names every member with its type's description, so the schema fingerprint of
// a result changes when a member is added, removed, renamed or retyped (or the record renamed).
// A recursive type describes itself by name where it recurs.
//
// Non-public members are reached without editing the user's class: an explicit instantiation
// may name a private member ([temp.spec]/6 in C++17, "the usual access checking rules do not apply
// to names used to specify explicit instantiations"), so the generated code instantiates
// `picocache_generated::access<Tag, decltype(&T::member), &T::member>`, whose friend function
// `picocache_member(Tag)` returns the member pointer. No friend declaration is needed in the user's
// class. The tags live in an anonymous namespace of the generated file, so they never clash between
// files.
#pragma once

#include "codec_planner.hpp"

#include <string>

namespace clang {
class ASTContext;
class FunctionDecl;
}  // namespace clang

namespace picocache::gen {

class CodecWriter {
 public:
  CodecWriter(const clang::ASTContext& context, const CodecPlanner& planner)
      : context_(context), planner_(planner) {}

  // The helpers generated code relies on (the member access template, read_into): once per file,
  // at global scope, after <picocache/memoize.hpp> is included.
  static std::string prelude();

  // The codec of `record`, at global scope; empty if it was already written.
  std::string codec(const clang::CXXRecordDecl* record);

  // An expression for a pointer to a member function that code at global scope cannot name
  // (non-public): declares an access tag (appended to `declarations`) and returns the call that
  // yields the pointer.
  std::string member_function_pointer(const clang::FunctionDecl& function,
                                      std::string& declarations);

 private:
  // Declares a tag for `arguments` ("<pointer type>, &C::member") and returns its name.
  std::string access_tag(const std::string& arguments, std::string& declarations);

  const clang::ASTContext& context_;
  const CodecPlanner& planner_;
  unsigned next_tag_ = 0;
  std::vector<const clang::CXXRecordDecl*> written_;
};

}  // namespace picocache::gen

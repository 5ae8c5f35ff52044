// How generated code and the store name types and functions.
//
// Two spellings:
//   - code: C++ text valid at global scope of the generated file, fully qualified from `::`
//     ("const ::std::vector<::geo::Point> &"). Anonymous and inline namespaces are left out of
//     the qualification: qualified lookup finds their members through the enclosing namespace.
//   - store: what identifies a cached function across builds and machines, printed from the
//     canonical types ("double (const std::vector<geo::Point> &)"); the signature text is
//     "R (P1, P2)" plus " const" (and a ref-qualifier) for const member functions. Top-level
//     cv-qualifiers of parameters and the exception specification are not part of it. The
//     standard integer types are spelled by width, int8..int64 and uint8..uint64 ("int64 (int32)"
//     for `long f(int)` on LP64 Linux, and for `long long f(int)` on Windows), so that one
//     function has one identity on every platform where its types have the same range; `char`,
//     `bool`, wchar_t and the charN_t types keep their names (they are distinct types).
#pragma once

#include <clang/AST/Type.h>
#include <llvm/ADT/StringRef.h>

#include <string>

namespace clang {
class ASTContext;
class FunctionDecl;
class NamedDecl;
class CXXRecordDecl;
}  // namespace clang

namespace picocache::gen {

// `type` as code, e.g. "const ::std::string &".
std::string code_type(clang::QualType type, const clang::ASTContext& context);
// The function's return type as generated code names it: as written, except that a deduced
// `auto` or a `decltype(...)` is replaced by its canonical type; cv-qualifiers removed.
clang::QualType code_result_type(const clang::FunctionDecl& function);
// A record's name as code: "::geo::Point", "::geo::Pair<int>".
std::string code_record(const clang::CXXRecordDecl& record, const clang::ASTContext& context);
// A declaration's name as code for qualified lookup from global scope: "::geo::area".
std::string code_name(const clang::NamedDecl& decl);
// The type of a pointer to `function` as code: "double (*)(double)",
// "int (::geo::Box::*)(int) const". No exception specification (a pointer to a noexcept
// function converts to it).
std::string code_function_pointer_type(const clang::FunctionDecl& function,
                                       const clang::ASTContext& context);

// `type` as the store and messages print it: canonical, e.g. "std::vector<geo::Point>".
std::string canonical_type_text(clang::QualType type, const clang::ASTContext& context);
// `type` as the user wrote it, for messages: "std::string".
std::string readable_type_text(clang::QualType type, const clang::ASTContext& context);
// The function's signature text for the store: "double (double)", "int32 () const".
std::string signature_text(const clang::FunctionDecl& function, const clang::ASTContext& context);
// The function's name for the store: "geo::area". A function with internal linkage (static or
// in an anonymous namespace) is prefixed with `source_path`, the source file's path relative to
// the project source root ("a/util.cpp:parse"), so that equal names in two files, also two files
// of one name in different directories, never share entries.
std::string store_name(const clang::FunctionDecl& function, llvm::StringRef source_path);

// `text` as a C++ string literal: "\"geo::area\"".
std::string cpp_string_literal(llvm::StringRef text);

}  // namespace picocache::gen

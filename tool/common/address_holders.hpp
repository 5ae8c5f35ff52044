// Which types hold an address or a handle instead of data the cache could encode: the one
// decision picocache-gen's refusals (tool/gen/codec_planner.cpp) and the picocache-tidy checks
// (tool/tidy/) both rest on, so the two tools cannot disagree about it.
//
// A cache key is made from the encoded arguments (and *this for a const member function), and a
// cached value is decoded later, maybe in another process. A pointer encoded there would be an
// address, not the data behind it; a handle (a thread, a mutex, a stream, a std::function, a
// lambda) names a resource, not data; a view (std::string_view, std::span) shows memory of the
// call that produced it, which is gone when a stored value is read back.
//
// Two layers:
//   - classify_holder() looks at one type, not at its parts: picocache-gen calls it on every
//     type its codec walk reaches, so each refusal of an address or a handle is decided here;
//   - find_address_holder() walks a type's parts (array elements, the bases and fields of a
//     record, the template arguments of a standard library type) and returns the first part
//     classify_holder() reports: what the tidy checks report.
//
// A type with a user-written picocache::Codec (UserCodecs) is the user's to encode and counts as
// data, with everything it holds.
#pragma once

#include <clang/AST/Type.h>
#include <llvm/ADT/StringRef.h>

#include <optional>
#include <string>

namespace clang {
class ASTContext;
class ClassTemplateDecl;
}  // namespace clang

namespace picocache::tooling {

// What a holder is, for messages: "a pointer", "a reference", "a view", "a handle".
enum class HolderKind { Pointer, Reference, View, Handle };

// What a holder is, in detail: picocache-gen words its refusals by this.
enum class HolderForm {
  RawPointer,       // T*, Objective-C and block pointers
  FunctionPointer,  // R (*)(A...), and pointers to member functions
  MemberPointer,    // T C::*
  Reference,        // T&, T&&
  SmartPointer,     // std::unique_ptr, shared_ptr (in keys only: results are encoded by the
                    // object they own), weak_ptr, reference_wrapper, ...
  View,             // std::string_view, std::span, std::initializer_list (in results only)
  Resource,         // std::thread, mutexes, std::function, futures, streams, random_device, ...
  Closure,          // a lambda's closure type
};

HolderKind kind_of(HolderForm form);

// How the analysed type reaches the cache.
enum class Usage {
  Argument,  // a parameter, encoded into the key: a top-level reference is fine (the data it
             // refers to is encoded), and views (std::string_view) encode the data they show
  Member,    // a field of *this, encoded into the key: views are fine, reference fields are not
  Result,    // stored and decoded later: references and views would point into memory of the
             // call that produced them; std::unique_ptr and std::shared_ptr are data (the object
             // they own is stored)
};

// The user-written codecs of one translation unit: explicit specializations of picocache::Codec
// and partial ones (for every specialization of a class template). Finds picocache::Codec once,
// at construction, so build it after the TU is parsed.
class UserCodecs {
 public:
  explicit UserCodecs(const clang::ASTContext& context);

  // True when the TU has a user-written picocache::Codec for `type` (a record type).
  bool has_codec(clang::QualType type) const;
  // True when the TU already has picocache::Codec<type> in any form (a user's specialization, or
  // one the code instantiated): a specialization picocache-gen writes after it would not compile.
  bool mentions_codec(clang::QualType type) const;

 private:
  const clang::ASTContext* context_;
  const clang::ClassTemplateDecl* codec_ = nullptr;  // picocache::Codec, when declared
};

// The form in which `type` itself (not one of its parts) is an address or a handle, or nullopt.
// `T*` and `T&` in a template count whatever T is; other dependent types do not.
std::optional<HolderForm> classify_holder(clang::QualType type, Usage usage,
                                          const UserCodecs& codecs);

// The first address or handle `type` holds, found by find_address_holder.
struct AddressHolder {
  HolderKind kind;
  std::string type;   // the holding type as written: "int *", "std::shared_ptr<Node>"
  std::string field;  // "Node::next" when found in a record's field, else empty
  bool direct;        // the analysed type itself (after a parameter's reference) is a pointer or
                      // a reference ("is a pointer"); false for the parts it holds and for
                      // library holders such as std::unique_ptr ("holds a pointer")
};

// The first part of `type` (or `type` itself) that classify_holder() reports, or nullopt.
std::optional<AddressHolder> find_address_holder(clang::QualType type, Usage usage,
                                                 const clang::ASTContext& context);
std::optional<AddressHolder> find_address_holder(clang::QualType type, Usage usage,
                                                 const clang::ASTContext& context,
                                                 const UserCodecs& codecs);

// "a pointer", "a reference", "a view", "a handle".
llvm::StringRef holder_noun(HolderKind kind);

// "a pointer ('int *')" or "a pointer (field 'Node::next' of type 'Node *')".
std::string describe(const AddressHolder& holder);

}  // namespace picocache::tooling

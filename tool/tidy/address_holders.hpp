// Which types hold an address or a handle instead of data the cache could encode.
//
// A cache key is made from the encoded arguments (and *this for a const member function), and
// a cached value is decoded later, maybe in another process. A pointer encoded there would be
// an address, not the data behind it; a handle (a thread, a mutex, a stream, a std::function)
// names a resource, not data. This analysis finds the first such thing a type holds: directly,
// in an array, in the fields and bases of a record, or in the arguments of a standard library
// template (std::vector<int*>, std::optional<std::shared_ptr<T>>).
//
// A type with an explicit specialization of picocache::Codec in the TU is the user's to encode
// and counts as data.
#pragma once

#include <clang/AST/Type.h>
#include <llvm/ADT/StringRef.h>

#include <optional>
#include <string>

namespace clang {
class ASTContext;
}

namespace picocache::tidy {

enum class HolderKind { Pointer, Reference, View, Handle };

struct AddressHolder {
  HolderKind kind;
  std::string type;   // the holding type as written: "int *", "std::shared_ptr<Node>"
  std::string field;  // "Node::next" when found in a record's field, else empty
  bool direct;        // the analysed type itself (after a parameter's reference) is the holder
};

// How the analysed type reaches the cache.
enum class Usage {
  Argument,  // a parameter, encoded into the key: a top-level reference is fine (the data it
             // refers to is encoded), and views (std::string_view) encode the data they show
  Member,    // a field of *this, encoded into the key: views are fine, reference fields are not
  Result,    // stored and decoded later: references and views would point into memory of the
             // call that produced them
};

std::optional<AddressHolder> find_address_holder(clang::QualType type, Usage usage,
                                                 const clang::ASTContext& context);

// True when the TU has an explicit specialization picocache::Codec<type>: the user encodes it.
bool has_user_codec(clang::QualType type, const clang::ASTContext& context);

// "a pointer", "a reference", "a view", "a handle".
llvm::StringRef holder_noun(HolderKind kind);

// "a pointer ('int *')" or "a pointer (field 'Node::next' of type 'Node *')".
std::string describe(const AddressHolder& holder);

}  // namespace picocache::tidy

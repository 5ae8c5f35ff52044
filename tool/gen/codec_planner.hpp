// CodecPlanner: decides whether the arguments and results of a cached function can be encoded,
// and which user records need a generated picocache::Codec.
//
// What can be encoded (DESIGN.md, "Codecs"):
//   - bool, character types, integers of at most 64 bits, float, double, enums;
//   - the standard types the runtime has codecs for (std::string, std::string_view (encode
//     only), vector, array, deque, list, (multi)set, (multi)map, unordered_*, pair, tuple,
//     optional, variant, monostate, chrono::duration, bitset, complex<float|double>; span<const
//     T> (C++20, encode only); unique_ptr<T> and shared_ptr<T> results, by the object they own,
//     null included, for a non-polymorphic T), when their element types can;
//   - enums; for each enum of the project that generated code can name, a codec is generated
//     whose schema names the enumerators and values and whose decode checks the value range;
//   - any type with a user-written codec: an explicit specialization `template <> struct
//     picocache::Codec<T>` (or a partial specialization for a class template's specializations)
//     visible in the translation unit. This is the hook for everything else;
//   - user structs and classes whose bases and non-static data members can, recursively: for
//     those a codec is generated (codec_writer.hpp).
// What cannot: whatever holds an address or a handle (raw, function and member pointers,
// references, smart pointers, std::mutex, std::function, lambdas, and views in results), as
// tool/common/address_holders.hpp decides for picocache-gen and picocache-tidy alike; unions,
// long double, and the standard types the runtime has no codec for. C arrays can be members of
// records (encoded element by element, described as std::array's arr<N,T>).
//
// Decoding (result types) also needs, for a generated codec, one of: a public default constructor
// and no const members (the decoder default-constructs the record and assigns its members), or
// an aggregate (rebuilt by aggregate initialisation: const members and members without a default
// constructor are fine). Bases must be public.
//
// A type that cannot be encoded gets a hint with a skeleton picocache::Codec specialisation for
// it (encode-only where it is only encoded), rather than a change to a type of another file.
#pragma once

#include "address_holders.hpp"
#include "diagnostics.hpp"

#include <clang/AST/Type.h>
#include <llvm/ADT/DenseMap.h>

#include <string>
#include <vector>

namespace clang {
class ASTContext;
class CXXBaseSpecifier;
class ConstantArrayType;
class CXXRecordDecl;
class EnumDecl;
class FieldDecl;
class TagDecl;
}  // namespace clang

namespace picocache::gen {

struct RecordPlan {
  // How decode() rebuilds the record: default-construct and assign the members, or aggregate
  // initialisation (const members, no default constructor).
  enum class Decode { none, assign, aggregate };
  const clang::CXXRecordDecl* record = nullptr;    // its definition
  std::vector<const clang::CXXRecordDecl*> bases;  // direct bases, in order
  std::vector<const clang::FieldDecl*> fields;     // encoded members, in order
  bool decodable = false;                          // a decode() can be generated
  Decode decode = Decode::none;
  unsigned id = 0;  // for generated names
};

class CodecPlanner {
 public:
  CodecPlanner(clang::ASTContext& context, Reporter& reporter);

  // What is encoded, for messages.
  struct Subject {
    std::string description;  // "parameter 'q' of cached function 'geo::find'"
    std::string root;         // how paths start: "q", "*this", "the result"
    clang::SourceLocation location;
    bool decode = false;  // a result: stored and read back
  };

  // Checks that `type` (references stripped) can be encoded, and decoded when subject.decode.
  // Appends to `records` the user records and enums whose codecs must be generated, each after
  // the ones its codec uses. On failure reports an error (with notes and a hint) and returns
  // false.
  bool plan(clang::QualType type, const Subject& subject,
            std::vector<const clang::TagDecl*>& records);

  const RecordPlan& record_plan(const clang::CXXRecordDecl* record) const;

 private:
  struct Walk;
  bool walk(clang::QualType type, bool decode, Walk& walk, const std::string& path,
            const clang::FieldDecl* field);
  bool walk_record(const clang::CXXRecordDecl* record, clang::QualType type, bool decode,
                   Walk& walk, const std::string& path, const clang::FieldDecl* field);
  bool walk_record_parts(const clang::CXXRecordDecl* definition, clang::QualType type, bool decode,
                         Walk& walk, const std::string& path, const clang::FieldDecl* field);
  bool walk_standard(const clang::CXXRecordDecl* record, clang::QualType type, bool decode,
                     Walk& walk, const std::string& path, const clang::FieldDecl* field,
                     bool& handled);
  bool fail(Walk& walk, const std::string& path, clang::QualType type, const std::string& reason,
            const clang::FieldDecl* field, const std::string& hint);
  bool walk_array(const clang::ConstantArrayType& array, clang::QualType type, bool decode,
                  Walk& walk, const std::string& path, const clang::FieldDecl* field);
  void plan_enum(const clang::EnumDecl* decl, Walk& walk);
  // The hint for a type that cannot be encoded: a skeleton Codec specialisation for `type`.
  std::string codec_hint(clang::QualType type, const Walk& walk) const;
  // Whether the user can change `decl` where picocache-gen runs: declared in the source file.
  bool in_main_file(const clang::Decl& decl) const;
  bool refuse_holder(Walk& walk, const std::string& path, clang::QualType type,
                     tooling::HolderForm form, const clang::FieldDecl* field);
  RecordPlan& plan_for(const clang::CXXRecordDecl* record);

  clang::ASTContext& context_;
  Reporter& reporter_;
  tooling::UserCodecs codecs_;  // the TU's picocache::Codec specializations
  llvm::DenseMap<const clang::CXXRecordDecl*, unsigned> plan_index_;
  std::vector<RecordPlan> plans_;
};

}  // namespace picocache::gen

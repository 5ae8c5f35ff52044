// A cached function's identity in the store: qualified name, signature, code version (the code
// fingerprint or the annotation's `version`), the key's schema and the format versions. Two
// builds of different code, or of different shapes of an argument type, sharing one store never
// read each other's entries; every version of one function shares its family id.
#include "temp_dir.hpp"

#include <picocache/picocache.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace layout_old {
struct Size {
  int width = 0;
  int height = 0;
};
}  // namespace layout_old
namespace layout_new {
struct Size {  // the same struct, its two fields swapped
  int height = 0;
  int width = 0;
};
}  // namespace layout_new

// The codecs picocache-gen writes for the two layouts (tests/lit/gen/key_schema.cpp shows it
// writes the fields in declaration order): the record's name, then its fields in order.
template <>
struct picocache::Codec<layout_old::Size> {
  static void encode(Encoder& encoder, const layout_old::Size& value) {
    encoder.write(value.width);
    encoder.write(value.height);
  }
  static void describe(std::string& schema) { schema += "rec<Size;width:i;height:i>"; }
};
template <>
struct picocache::Codec<layout_new::Size> {
  static void encode(Encoder& encoder, const layout_new::Size& value) {
    encoder.write(value.height);
    encoder.write(value.width);
  }
  static void describe(std::string& schema) { schema += "rec<Size;height:i;width:i>"; }
};

namespace ids {

int calls = 0;

// Four builds of `int ids::compute(int)`, as if each came from another checkout sharing the
// store: two code versions, then a third with the first's code but another key schema, and one
// with `version = 2`.
int build_one(int n);
int build_two(int n);
int build_three(int n);
int build_versioned(int n);
picocache::CachedFunction one_fn{picocache::address_of(&build_one),
                                 "ids::compute",
                                 "int (int)",
                                 "fp:00000000000000000000000000000001",
                                 picocache::key_schema<int>(),
                                 16,
                                 false};
picocache::CachedFunction two_fn{picocache::address_of(&build_two),
                                 "ids::compute",
                                 "int (int)",
                                 "fp:00000000000000000000000000000002",
                                 picocache::key_schema<int>(),
                                 16,
                                 false};
picocache::CachedFunction three_fn{picocache::address_of(&build_three),
                                   "ids::compute",
                                   "int (int)",
                                   "fp:00000000000000000000000000000001",
                                   picocache::key_schema<double>(),
                                   16,
                                   false};
picocache::CachedFunction versioned_fn{picocache::address_of(&build_versioned),
                                       "ids::compute",
                                       "int (int)",
                                       "v:2",
                                       picocache::key_schema<int>(),
                                       16,
                                       false};

int run(picocache::CachedFunction& fn, int n, int result) {
  return picocache::memoize<int>(
      fn, [&](picocache::Encoder& e) { e.write(n); },
      [&]() -> int {
        ++calls;
        return result;
      });
}
int build_one(int n) { return run(one_fn, n, 1); }
int build_two(int n) { return run(two_fn, n, 2); }
int build_three(int n) { return run(three_fn, n, 3); }
int build_versioned(int n) { return run(versioned_fn, n, 4); }

}  // namespace ids

namespace picocache {
namespace {

TEST(KeySchema, SwappedFieldsOfAParameterStructGiveAnotherSchema) {
  EXPECT_NE(key_schema<layout_old::Size>(), key_schema<layout_new::Size>());
  EXPECT_EQ(key_schema<layout_old::Size>(), key_schema<layout_old::Size>());
}

TEST(KeySchema, IsTheOrderedSchemasOfTheDecayedTypes) {
  const std::uint64_t int_string = key_schema<int, std::string>();
  EXPECT_EQ(int_string, (key_schema<const int&, std::string&&>()));
  EXPECT_NE(int_string, (key_schema<std::string, int>()));
  // The separators keep a type list apart from another that concatenates to the same text.
  EXPECT_NE(key_schema<int>(), key_schema<>());
  EXPECT_EQ(key_schema<>(), hash64(""));
}

TEST(Identity, EveryPartOfTheIdentityGivesAnotherIdAndTheFamilyStays) {
  EXPECT_EQ(ids::one_fn.code_version(), "fp:00000000000000000000000000000001");
  EXPECT_EQ(ids::versioned_fn.code_version(), "v:2");
  EXPECT_NE(ids::one_fn.id(), ids::two_fn.id());
  EXPECT_NE(ids::one_fn.id(), ids::three_fn.id());
  EXPECT_NE(ids::one_fn.id(), ids::versioned_fn.id());
  EXPECT_EQ(ids::one_fn.family_id(), ids::two_fn.family_id());
  EXPECT_EQ(ids::one_fn.family_id(), ids::three_fn.family_id());
  EXPECT_EQ(ids::one_fn.family_id(), ids::versioned_fn.family_id());
  EXPECT_EQ(ids::one_fn.id().size(), 32u);
  EXPECT_EQ(ids::one_fn.family_id().size(), 32u);
  EXPECT_NE(ids::one_fn.id(), ids::one_fn.family_id());
}

TEST(Identity, BuildsOfOtherCodeOrKeySchemaSharingAStoreNeverReadEachOthersEntries) {
  unsetenv("PICOCACHE_URL");
  testing::TempDir dir;
  configure("sqlite:" + dir.file("cache.db"));
  ids::calls = 0;
  EXPECT_EQ(ids::build_one(5), 1);
  EXPECT_EQ(ids::build_one(5), 1);  // a hit
  EXPECT_EQ(ids::calls, 1);
  EXPECT_EQ(ids::build_two(5), 2);    // other code: its own entry
  EXPECT_EQ(ids::build_three(5), 3);  // other key schema: its own entry
  EXPECT_EQ(ids::build_versioned(5), 4);
  EXPECT_EQ(ids::calls, 4);
  EXPECT_EQ(ids::build_one(5), 1);  // still its own
  EXPECT_EQ(ids::calls, 4);
}

TEST(Identity, CacheParametersReportTheVersion) {
  EXPECT_EQ(cache_parameters(&ids::build_versioned).version, "2");
  EXPECT_EQ(cache_parameters(&ids::build_one).version, "");
}

}  // namespace
}  // namespace picocache

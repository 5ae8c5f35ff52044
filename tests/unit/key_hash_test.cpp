// Key128 and the XXH3 hashes behind keys, function ids and schema fingerprints. The values are
// pinned: they are stored on disk and in Redis, so a change would orphan every stored entry.
#include <picocache/key.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <unordered_set>

namespace picocache {
namespace {

TEST(KeyHash, MatchesXxh3ReferenceValues) {
  // The published XXH3 results for empty input, seed 0.
  EXPECT_EQ(hash64(""), UINT64_C(0x2d06800538d394c2));
  const Key128 empty = hash_key("");
  EXPECT_EQ(empty.lo, UINT64_C(0x6001c324468d497f));
  EXPECT_EQ(empty.hi, UINT64_C(0x99aa06d3014798d8));
  EXPECT_EQ(empty.to_hex(), "99aa06d3014798d86001c324468d497f");
}

TEST(KeyHash, PinnedValues) {
  EXPECT_EQ(hash_key("picocache").to_hex(), "c75634665905e6f4e18605d34f0804bf");
  EXPECT_EQ(hash64("picocache"), UINT64_C(0xe9905a5ede4fada7));
  // Longer than XXH3's short-input paths (> 240 bytes).
  EXPECT_EQ(hash_key(std::string(1000, 'k')).to_hex(), "d4f479e6ec6dd1f6308ce2f421066779");
}

TEST(KeyHash, DependsOnEveryByte) {
  EXPECT_NE(hash_key("abc"), hash_key("abd"));
  EXPECT_NE(hash_key(std::string("a\0", 2)), hash_key("a"));
  EXPECT_EQ(hash_key("abc"), hash_key(std::string("abc")));
}

TEST(Key128, ToHexIsHighHalfFirstLowercase) {
  const Key128 key{UINT64_C(0x0123456789abcdef), UINT64_C(0xfedcba9876543210)};
  EXPECT_EQ(key.to_hex(), "fedcba98765432100123456789abcdef");
  EXPECT_EQ((Key128{0, 0}.to_hex()), std::string(32, '0'));
  EXPECT_EQ((Key128{1, 0}.to_hex()), "00000000000000000000000000000001");
}

TEST(Key128, EqualityAndHashing) {
  EXPECT_EQ((Key128{1, 2}), (Key128{1, 2}));
  EXPECT_NE((Key128{1, 2}), (Key128{2, 1}));
  std::unordered_set<Key128> keys{hash_key("a"), hash_key("b"), hash_key("a")};
  EXPECT_EQ(keys.size(), 2u);
}

}  // namespace
}  // namespace picocache

// memoize<R>() with a result beyond the codec limits: the caller gets it, the store does not,
// picocache::unstorable_results() counts it and one warning per function says why. Hand-written
// wrappers of the shape picocache-gen emits, against a SQLite store in a fresh directory.
#include "temp_dir.hpp"

#include <picocache/picocache.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace tests {

// Nested vectors as deep as the argument: 1 + 2 * levels levels of encoding.
struct Tree {
  std::vector<Tree> children;
};

Tree tree_of_depth(int levels) {
  Tree root;
  Tree* last = &root;
  for (int i = 0; i < levels; ++i) {
    last->children.emplace_back();
    last = &last->children.back();
  }
  return root;
}

}  // namespace tests

template <>
struct picocache::Codec<tests::Tree> {
  static void encode(Encoder& encoder, const tests::Tree& value) { encoder.write(value.children); }
  static tests::Tree decode(Decoder& decoder) {
    tests::Tree value{};
    value.children = decoder.read<std::vector<tests::Tree>>();
    return value;
  }
  static void describe(std::string& schema) { schema += "rec<tests::Tree;children:vec<rec>>"; }
};

namespace tests {

int deep_calls = 0;
Tree deep(int levels);
static picocache::CachedFunction deep_fn{picocache::address_of(&deep), "tests::deep",
                                         "tests::Tree (int)", 128, false};
static Tree deep_body(int levels) {
  ++deep_calls;
  return tree_of_depth(levels);
}
Tree deep(int levels) {
  return picocache::memoize<Tree>(
      deep_fn, [&](picocache::Encoder& e) { e.write(levels); },
      [&]() -> Tree { return deep_body(levels); });
}

int depth_of(const Tree& tree) {
  int levels = 0;
  for (const Tree* node = &tree; !node->children.empty(); node = &node->children.front()) {
    ++levels;
  }
  return levels;
}

}  // namespace tests

namespace picocache {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class MemoizeLimitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    unsetenv("PICOCACHE_URL");
    configure("sqlite:" + dir_.file("cache.db"));
    cache_clear("tests::deep");
    tests::deep_calls = 0;
    set_log_handler([this](std::string_view line) { warnings_.emplace_back(line); });
  }
  void TearDown() override { set_log_handler({}); }

  testing::TempDir dir_;
  std::vector<std::string> warnings_;
};

TEST_F(MemoizeLimitsTest, ResultBeyondTheLimitsIsReturnedButNotStored) {
  const std::uint64_t unstorable_before = unstorable_results();
  // 200 levels of Tree are 401 levels of encoding, beyond the 256 of CodecLimits.
  EXPECT_EQ(tests::depth_of(tests::deep(200)), 200);
  EXPECT_EQ(tests::depth_of(tests::deep(200)), 200);
  EXPECT_EQ(tests::deep_calls, 2);  // not stored, so the second call ran the body again
  EXPECT_EQ(unstorable_results(), unstorable_before + 2);
  const CacheInfo info = cache_info(&tests::deep);
  EXPECT_EQ(info.misses, 2u);
  EXPECT_EQ(info.currsize, 0u);
  // One warning for the function, however many of its results are unstorable.
  EXPECT_THAT(warnings_,
              ElementsAre(AllOf(HasSubstr("tests::deep tests::Tree (int)"),
                                HasSubstr("nested deeper than the depth limit of 256 levels"),
                                HasSubstr("picocache::unstorable_results()"))));

  // A result within the limits is stored as usual.
  EXPECT_EQ(tests::depth_of(tests::deep(100)), 100);
  EXPECT_EQ(tests::depth_of(tests::deep(100)), 100);
  EXPECT_EQ(tests::deep_calls, 3);
  EXPECT_EQ(cache_info(&tests::deep).currsize, 1u);
  EXPECT_EQ(unstorable_results(), unstorable_before + 2);
  EXPECT_EQ(warnings_.size(), 1u);
}

}  // namespace
}  // namespace picocache

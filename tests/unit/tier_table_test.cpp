// The in-process tier's hash table (runtime/tier_table.hpp) against std::unordered_map: random
// inserts, replacements and erases over few and many keys, keys that share a home slot, growth,
// entries kept in their slot and in a block of their own.
#include "tier_table.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <unordered_map>

namespace picocache::detail {
namespace {

struct KeyHash {
  std::size_t operator()(const Key128& key) const { return static_cast<std::size_t>(key.lo); }
};

// Every key of `expected` is found with its bytes, and the sizes agree.
void expect_same(TierTable& table,
                 const std::unordered_map<Key128, std::string, KeyHash>& expected) {
  ASSERT_EQ(table.size(), expected.size());
  for (const auto& [key, value] : expected) {
    TierEntry* found = table.find(key);
    ASSERT_NE(found, nullptr) << key.to_hex();
    EXPECT_EQ(found->key, key);
    EXPECT_EQ(found->arguments(), "a" + value);
    EXPECT_EQ(found->value(), value);
  }
}

void put(TierTable& table, const Key128& key, const std::string& value) {
  table.erase(key);
  TierEntry& slot = table.insert(key);
  slot.keep("a" + value, value);
}

TEST(TierTable, RandomOperationsMatchAnUnorderedMap) {
  for (const std::uint64_t distinct : {3u, 40u, 5000u}) {
    std::mt19937_64 random(distinct);
    TierTable table;
    std::unordered_map<Key128, std::string, KeyHash> expected;
    for (int step = 0; step < 40'000; ++step) {
      // Keys whose `hi` alone differs share a home slot when `lo` is equal too, often: `lo` takes
      // few values, so probe runs are long and erases shift entries back.
      const Key128 key{random() % distinct, random() % 4};
      if (random() % 3 == 0) {
        table.erase(key);
        expected.erase(key);
        EXPECT_EQ(table.find(key), nullptr);
      } else {
        // Every other value too long for the slot: kept in a block of its own.
        const std::string value =
            std::to_string(step) + std::string(step % 2 ? TierEntry::kInlineBytes : 0, 'x');
        put(table, key, value);
        expected[key] = value;
      }
      if (step % 997 == 0) expect_same(table, expected);
    }
    expect_same(table, expected);
  }
}

TEST(TierTable, AbsentKeysAndClear) {
  TierTable table;
  EXPECT_EQ(table.find(Key128{1, 2}), nullptr);  // empty: no slots at all
  for (std::uint64_t i = 0; i < 1000; ++i) put(table, Key128{i * 7919, i}, std::to_string(i));
  EXPECT_EQ(table.size(), 1000u);
  EXPECT_EQ(table.find(Key128{7919, 2}), nullptr);  // a neighbour's lo with another hi
  ASSERT_NE(table.find(Key128{7919, 1}), nullptr);
  table.clear();
  EXPECT_EQ(table.size(), 0u);
  EXPECT_EQ(table.find(Key128{7919, 1}), nullptr);
  put(table, Key128{5, 5}, "again");
  EXPECT_EQ(table.find(Key128{5, 5})->value(), "again");
}

}  // namespace
}  // namespace picocache::detail

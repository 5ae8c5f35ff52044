// The in-process tier's hash table (runtime/tier_table.hpp) against std::unordered_map: random
// inserts, replacements and erases over few and many keys, keys that share a home slot, growth,
// entries kept in their slot and in a block of their own; and its recency list against a
// std::list, through the entries' moves by growth and erases.
#include "tier_table.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <list>
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
  TierEntry entry;
  entry.key = key;
  entry.keep("a" + value, value);
  TierEntry* inserted = &table.insert(std::move(entry));
  EXPECT_EQ(inserted, table.find(key));
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

TEST(TierTable, RecencyFollowsInsertsUsesAndErases) {
  for (const std::uint64_t distinct : {2u, 30u, 3000u}) {
    std::mt19937_64 random(distinct + 1);
    TierTable table;
    std::list<Key128> expected;  // most recently used first
    for (int step = 0; step < 30'000; ++step) {
      // Few values of `lo`: long probe runs, so erases move entries (and their links).
      const Key128 key{random() % (distinct / 2 + 1), random() % 2};
      const auto listed = std::find(expected.begin(), expected.end(), key);
      const std::uint64_t action = random() % 4;
      if (action == 0) {
        table.erase(key);
        if (listed != expected.end()) expected.erase(listed);
      } else if (listed == expected.end()) {
        put(table, key, std::to_string(step));
        expected.push_front(key);
      } else if (action == 1) {
        table.make_newest(*table.find(key));
        expected.splice(expected.begin(), expected, listed);
      } else {
        put(table, key, std::to_string(step));  // erase and insert: the newest again
        expected.splice(expected.begin(), expected, listed);
      }
      ASSERT_EQ(table.size(), expected.size());
      if (expected.empty()) {
        ASSERT_EQ(table.oldest(), nullptr);
      } else {
        ASSERT_NE(table.oldest(), nullptr);
        ASSERT_EQ(table.oldest()->key, expected.back()) << "step " << step;
      }
    }
    // Taken oldest first, the entries leave in the list's order.
    while (!expected.empty()) {
      ASSERT_EQ(table.oldest()->key, expected.back());
      table.erase(expected.back());
      expected.pop_back();
    }
    EXPECT_EQ(table.oldest(), nullptr);
  }
}

TEST(TierTable, GrowthKeepsTheOrder) {
  TierTable table;
  for (std::uint64_t i = 0; i < 5000; ++i) {  // grows from 16 slots to 8192
    put(table, Key128{i * 31, i}, std::to_string(i));
    if (i % 2 == 1) table.make_newest(*table.find(Key128{(i - 1) * 31, i - 1}));
  }
  // Pairs (0, 1), (2, 3), ... were made newest in turn with the even key last.
  for (std::uint64_t i = 0; i < 5000; i += 2) {
    ASSERT_EQ(table.oldest()->key, (Key128{(i + 1) * 31, i + 1}));
    table.erase(table.oldest()->key);
    ASSERT_EQ(table.oldest()->key, (Key128{i * 31, i}));
    table.erase(table.oldest()->key);
  }
  EXPECT_EQ(table.size(), 0u);
}

}  // namespace
}  // namespace picocache::detail

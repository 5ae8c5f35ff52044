// A real, constructed XXH3-128 collision (#12.9): two different 1000-byte strings whose canonical
// encodings hash to one entry key. The second caller must get its own result, never the first
// caller's, on every store that verifies hits (the argument check, entry_check.hpp).
//
// The construction: XXH3's long-input path adds each 8-byte input lane to a neighbouring
// accumulator and multiplies the lane's two 32-bit halves after XOR with the secret. A lane whose
// low half equals the secret's makes that product 0 whatever its high half, so two such lanes, in
// the same position of two stripes of one block, can trade high halves (+1 in one, -1 in the
// other) without changing any accumulator: the hashes are equal, for any seed-free use.
#include "store_calls.hpp"
#include "stores/store_registry.hpp"
#include "temp_dir.hpp"

#include <picocache/picocache.hpp>

#define XXH_INLINE_ALL
#include <gtest/gtest.h>
#include <xxhash.h>

#include <cstring>

namespace tests {

int length_calls = 0;
long tagged_length(const std::string& text);
static picocache::CachedFunction tagged_length_fn{picocache::address_of(&tagged_length),
                                                  "tests::tagged_length",
                                                  "long (const std::string &)", 16, false};
// The result depends on the text's bytes, so a result served for the other text is visibly wrong.
long tagged_length(const std::string& text) {
  return picocache::memoize<long>(
      tagged_length_fn, [&](picocache::Encoder& e) { e.write(text); },
      [&]() -> long {
        ++length_calls;
        unsigned long sum = 0;
        for (unsigned char c : text) sum = sum * 31 + c;
        return static_cast<long>(sum >> 1);
      });
}

}  // namespace tests

namespace picocache {
namespace {

std::uint64_t read64(const unsigned char* p) {
  std::uint64_t v = 0;
  std::memcpy(&v, p, 8);  // little-endian machine, as XXH_readLE64 reads
  return v;
}
void write64(unsigned char* p, std::uint64_t v) { std::memcpy(p, &v, 8); }

std::string encoded(const std::string& text) {
  std::string bytes;
  Encoder encoder(bytes, EncodeMode::key);
  encoder.write(text);
  return bytes;
}

// Two 1000-byte strings, different, whose key encodings collide under XXH3-128.
std::pair<std::string, std::string> colliding_strings() {
  std::string a(1000, 'x');
  const std::size_t prefix = encoded(a).size() - a.size();  // the length's varint
  // Lane 1 of stripes 0 and 1 of the encoded buffer: bytes 8..15 and 72..79.
  const std::size_t lane_a = 8, lane_b = 64 + 8;
  std::string buffer = encoded(a);
  auto* bytes = reinterpret_cast<unsigned char*>(buffer.data());
  // Stripe n reads the secret from n * 8 on; lane 1 adds 8: the keys at 8 and 16.
  const std::uint64_t key_a = read64(XXH3_kSecret + 0 * 8 + 8);
  const std::uint64_t key_b = read64(XXH3_kSecret + 1 * 8 + 8);
  // Low halves equal the secret's: the products vanish. High halves: any, then +1 / -1.
  write64(bytes + lane_a, (key_a & 0xffffffffULL) | (std::uint64_t{0x11111111} << 32));
  write64(bytes + lane_b, (key_b & 0xffffffffULL) | (std::uint64_t{0x22222222} << 32));
  std::string b_buffer = buffer;
  auto* b_bytes = reinterpret_cast<unsigned char*>(b_buffer.data());
  write64(b_bytes + lane_a, (key_a & 0xffffffffULL) | (std::uint64_t{0x11111112} << 32));
  write64(b_bytes + lane_b, (key_b & 0xffffffffULL) | (std::uint64_t{0x22222221} << 32));
  return {buffer.substr(prefix), b_buffer.substr(prefix)};
}

TEST(Collision, TheConstructionReallyCollides) {
  const auto [a, b] = colliding_strings();
  ASSERT_EQ(a.size(), 1000u);
  ASSERT_NE(a, b);
  EXPECT_EQ(hash_key(encoded(a)), hash_key(encoded(b)))
      << "not a collision: the test proves nothing";
}

class CollisionThroughStores : public ::testing::TestWithParam<std::string> {};

TEST_P(CollisionThroughStores, TheSecondCallerGetsItsOwnResult) {
  testing::TempDir dir;
  const std::string url = GetParam() == "sqlite" ? "sqlite:" + dir.file("c.db") : GetParam();
  configure(url);
  cache_clear(&tests::tagged_length);
  const auto [a, b] = colliding_strings();
  tests::length_calls = 0;
  const long for_a = tests::tagged_length(a);
  const long for_b = tests::tagged_length(b);
  EXPECT_NE(for_a, for_b);
  EXPECT_EQ(tests::length_calls, 2) << "b was served a's result";
  EXPECT_EQ(tests::tagged_length(b), for_b);  // b's own entry replaced a's, verified
  EXPECT_EQ(tests::length_calls, 2);
  configure("sqlite::memory:");
}

INSTANTIATE_TEST_SUITE_P(Stores, CollisionThroughStores, ::testing::Values("sqlite"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace picocache

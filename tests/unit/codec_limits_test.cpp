// CodecLimits: the decoder rejects bytes beyond the size, depth and element limits before it
// allocates or recurses, the encoder reports results beyond the same limits, and hostile bytes
// cannot make decoding allocate much more than their own size. Memory is measured by counting
// what operator new hands out in this test program (peak bytes live), not by timing.
#include <picocache/codec.hpp>
#include <picocache/memoize.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <new>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <unordered_set>
#include <vector>

namespace {

// Every allocation of this program carries its size in a header, so that the live total and its
// peak can be followed.
std::atomic<std::size_t> live_bytes{0};
std::atomic<std::size_t> peak_bytes{0};
constexpr std::size_t kHeader = alignof(std::max_align_t);

void* counted_allocate(std::size_t size) {
  void* block = std::malloc(size + kHeader);
  if (block == nullptr) throw std::bad_alloc();
  *static_cast<std::size_t*>(block) = size;
  const std::size_t now = live_bytes.fetch_add(size) + size;
  std::size_t peak = peak_bytes.load();
  while (now > peak && !peak_bytes.compare_exchange_weak(peak, now)) {
  }
  return static_cast<char*>(block) + kHeader;
}

void counted_free(void* pointer) noexcept {
  if (pointer == nullptr) return;
  char* block = static_cast<char*>(pointer) - kHeader;
  live_bytes.fetch_sub(*reinterpret_cast<std::size_t*>(block));
  std::free(block);
}

// The most bytes live at once while `run` runs, beyond those live when it started.
template <class Run>
std::size_t peak_growth(Run&& run) {
  const std::size_t before = live_bytes.load();
  peak_bytes.store(before);
  run();
  return peak_bytes.load() - before;
}

}  // namespace

void* operator new(std::size_t size) { return counted_allocate(size); }
void* operator new[](std::size_t size) { return counted_allocate(size); }
void operator delete(void* pointer) noexcept { counted_free(pointer); }
void operator delete[](void* pointer) noexcept { counted_free(pointer); }
void operator delete(void* pointer, std::size_t) noexcept { counted_free(pointer); }
void operator delete[](void* pointer, std::size_t) noexcept { counted_free(pointer); }

// A recursive record with a codec of the shape picocache-gen writes. A chain of n nodes is 2n
// levels deep: each Node is one level, its children vector another.
struct Node {
  std::vector<Node> children;
};

template <>
struct picocache::Codec<Node> {
  static void encode(Encoder& encoder, const Node& value) { encoder.write(value.children); }
  static Node decode(Decoder& decoder) {
    Node value{};
    value.children = decoder.read<std::vector<Node>>();
    return value;
  }
  static void describe(std::string& schema) { schema += "rec<Node;children:vec<rec<Node>>>"; }
};

// A record of the shape picocache-gen writes (no skip): its fields are checked one by one.
struct Names {
  std::vector<std::string> names;
  int count = 0;
  bool operator==(const Names& other) const { return names == other.names && count == other.count; }
};

template <>
struct picocache::Codec<Names> {
  static void encode(Encoder& encoder, const Names& value) {
    encoder.write(value.names);
    encoder.write(value.count);
  }
  static Names decode(Decoder& decoder) {
    Names value{};
    value.names = decoder.read<std::vector<std::string>>();
    value.count = decoder.read<int>();
    return value;
  }
  static void describe(std::string& schema) { schema += "rec<Names;names:vec<s>;count:i>"; }
};

namespace picocache {
namespace {

using ::testing::HasSubstr;

Node chain(std::size_t nodes) {
  Node root;
  Node* last = &root;
  for (std::size_t i = 1; i < nodes; ++i) {
    last->children.emplace_back();
    last = &last->children.back();
  }
  return root;
}

std::size_t chain_length(const Node& root) {
  std::size_t nodes = 1;
  for (const Node* node = &root; !node->children.empty(); node = &node->children.front()) ++nodes;
  return nodes;
}

template <class T>
std::string encode(const T& value, const CodecLimits& limits = kDefaultCodecLimits) {
  std::string bytes;
  Encoder encoder(bytes, EncodeMode::value, limits);
  encoder.write(value);
  EXPECT_TRUE(encoder.within_limits()) << encoder.limit_error();
  return bytes;
}

template <class T>
T decode(std::string_view bytes, const CodecLimits& limits = kDefaultCodecLimits) {
  Decoder decoder(bytes, limits);
  T value = decoder.read<T>();
  decoder.expect_end();
  return value;
}

// A stored value (header included) whose payload is `payload`, for result type T.
template <class T>
std::string stored_value(std::string_view payload) {
  std::string stored;
  detail::append_value_header(stored, schema_fingerprint<T>());
  stored += payload;
  return stored;
}

std::string varint(std::uint64_t value) {
  std::string bytes;
  Encoder(bytes).write_varint(value);
  return bytes;
}

// ---- memory: hostile bytes are rejected before they amplify ----

// 4 million empty strings (one byte each) and a last string whose bytes are cut off: before the
// limits, decoding built 4 million std::string objects (peak 201 MB for these 4 MB) before it
// reached the cut. Now a value that would build more than its size (+ 1 MiB) is checked whole
// first.
TEST(CodecLimitsMemory, TruncatedVectorOfEmptyStringsIsRejectedWithoutAmplifying) {
  using Strings = std::vector<std::string>;
  const std::string stored = stored_value<Strings>(varint(4000000) + std::string(3999999, '\0') +
                                                   "\x05"
                                                   "ab");
  std::optional<Strings> decoded;
  const std::size_t growth = peak_growth([&] { decoded = detail::decode_value<Strings>(stored); });
  EXPECT_FALSE(decoded.has_value());
  EXPECT_LE(growth, 4 * stored.size()) << "peak " << growth << " bytes for " << stored.size();
}

// The same bytes inside a record, whose codec has no skip: the field is checked before it is
// built.
TEST(CodecLimitsMemory, TruncatedFieldOfARecordIsRejectedWithoutAmplifying) {
  const std::string stored = stored_value<Names>(varint(4000000) + std::string(3999999, '\0') +
                                                 "\x05"
                                                 "ab");
  std::optional<Names> decoded;
  const std::size_t growth = peak_growth([&] { decoded = detail::decode_value<Names>(stored); });
  EXPECT_FALSE(decoded.has_value());
  EXPECT_LE(growth, 4 * stored.size()) << "peak " << growth << " bytes for " << stored.size();
  // Well-formed, it decodes through the same path.
  Names names{std::vector<std::string>(300000), 7};
  const std::optional<std::string> fine = detail::encode_value(names);
  ASSERT_TRUE(fine.has_value());
  EXPECT_EQ(detail::decode_value<Names>(*fine), names);
}

// The same shape, well-formed: it builds 32 bytes per byte of input, so it takes the checked path
// (check, then build) and still decodes.
TEST(CodecLimitsMemory, LargeWellFormedValueStillDecodes) {
  using Strings = std::vector<std::string>;
  Strings strings(300000);
  strings.back() = "last";
  const std::optional<std::string> stored = detail::encode_value(strings);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(detail::decode_value<Strings>(*stored), strings);
  // Corrupt the last string's length: a miss.
  std::string corrupt = *stored;
  corrupt[corrupt.size() - 5] = '\x09';
  EXPECT_EQ(detail::decode_value<Strings>(corrupt), std::nullopt);
}

// The checked path counts depth as the first attempt did: a value exactly at the depth limit that
// takes that path still decodes.
TEST(CodecLimitsMemory, CheckedPathKeepsTheDepthLimit) {
  using Nested = std::vector<std::vector<std::string>>;  // a string in it is 3 levels deep
  const CodecLimits three{kDefaultCodecLimits.max_size, 3, kDefaultCodecLimits.max_elements};
  const Nested nested{std::vector<std::string>(300000)};
  EXPECT_EQ(decode<Nested>(encode(nested), three), nested);
  const CodecLimits two{kDefaultCodecLimits.max_size, 2, kDefaultCodecLimits.max_elements};
  EXPECT_THROW(decode<Nested>(encode(nested), two), DecodeError);
}

// Empty tuples take no bytes at all: a 5-byte count of them must not become 2^32 objects.
TEST(CodecLimitsMemory, CountOfEmptyTuplesBeyondTheElementLimitAllocatesNothing) {
  using Tuples = std::vector<std::tuple<>>;
  const std::string stored = stored_value<Tuples>(varint(std::uint64_t{1} << 32));
  std::optional<Tuples> decoded;
  const std::size_t growth = peak_growth([&] { decoded = detail::decode_value<Tuples>(stored); });
  EXPECT_FALSE(decoded.has_value());
  EXPECT_LE(growth, std::size_t{4096});
}

// ---- depth ----

TEST(CodecLimitsDepth, DecoderRejectsValuesDeeperThanTheLimit) {
  // 128 nodes are 256 levels: the default limit exactly.
  EXPECT_EQ(chain_length(decode<Node>(encode(chain(128)))), 128u);
  std::string deeper(128, '\x01');  // 129 nodes: each count 1, the last one's 0
  deeper += '\x00';
  EXPECT_THROW(decode<Node>(deeper), DecodeError);
  try {
    decode<Node>(deeper);
  } catch (const DecodeError& error) {
    EXPECT_THAT(error.what(), HasSubstr("nested deeper than the depth limit of 256 levels"));
  }
  const CodecLimits shallow{kDefaultCodecLimits.max_size, 6, kDefaultCodecLimits.max_elements};
  EXPECT_EQ(chain_length(decode<Node>(encode(chain(3)), shallow)), 3u);
  EXPECT_THROW(decode<Node>(encode(chain(4)), shallow), DecodeError);
  // std types count the same way: vector<vector<int>> with an element is 3 levels.
  const CodecLimits two{kDefaultCodecLimits.max_size, 2, kDefaultCodecLimits.max_elements};
  EXPECT_EQ(decode<std::vector<int>>(encode(std::vector<int>{1}), two), std::vector<int>{1});
  EXPECT_THROW(
      decode<std::vector<std::vector<int>>>(encode(std::vector<std::vector<int>>{{1}}), two),
      DecodeError);
}

TEST(CodecLimitsDepth, EncoderReportsResultsDeeperThanTheLimit) {
  EXPECT_TRUE(detail::encode_value(chain(128)).has_value());
  std::string why;
  EXPECT_EQ(detail::encode_value(chain(129), &why), std::nullopt);
  EXPECT_EQ(why, "nested deeper than the depth limit of 256 levels");
  // A chain far deeper than the limit is refused without recursing through all of it.
  EXPECT_EQ(detail::encode_value(chain(100000)), std::nullopt);
}

// ---- elements ----

TEST(CodecLimitsElements, DecoderCountsEveryValueIncludingEmptyOnes) {
  const CodecLimits ten{kDefaultCodecLimits.max_size, kDefaultCodecLimits.max_depth, 10};
  // A vector of 9 ints is 10 values.
  EXPECT_EQ(decode<std::vector<int>>(encode(std::vector<int>(9, 1)), ten).size(), 9u);
  EXPECT_THROW(decode<std::vector<int>>(encode(std::vector<int>(10, 1)), ten), DecodeError);
  EXPECT_EQ(decode<std::vector<std::tuple<>>>(encode(std::vector<std::tuple<>>(9)), ten).size(),
            9u);
  EXPECT_THROW(decode<std::vector<std::tuple<>>>(encode(std::vector<std::tuple<>>(10)), ten),
               DecodeError);
  // Members count too: 3 tuples of 2 ints are 1 + 3 * 3 = 10 values.
  using Pairs = std::vector<std::tuple<int, int>>;
  EXPECT_EQ(decode<Pairs>(encode(Pairs(3)), ten).size(), 3u);
  EXPECT_THROW(decode<Pairs>(encode(Pairs(4)), ten), DecodeError);
  try {
    decode<std::vector<int>>(encode(std::vector<int>(10, 1)), ten);
  } catch (const DecodeError& error) {
    EXPECT_THAT(error.what(), HasSubstr("exceeds the element limit (10 values, 1 read)"));
  }
}

TEST(CodecLimitsElements, EncoderReportsResultsWithTooManyElements) {
  const CodecLimits ten{kDefaultCodecLimits.max_size, kDefaultCodecLimits.max_depth, 10};
  std::string bytes;
  Encoder within(bytes, EncodeMode::value, ten);
  within.write(std::vector<std::tuple<>>(9));
  EXPECT_TRUE(within.within_limits());
  Encoder beyond(bytes, EncodeMode::value, ten);
  beyond.write(std::vector<std::tuple<>>(10));
  EXPECT_FALSE(beyond.within_limits());
  EXPECT_EQ(beyond.limit_error(), "more values than the element limit of 10");
  // Unordered containers encode their elements apart; they count all the same.
  Encoder unordered(bytes, EncodeMode::value, ten);
  unordered.write(std::unordered_set<int>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
  EXPECT_FALSE(unordered.within_limits());
  // Key modes do not track: keys are hashed, never decoded.
  Encoder key(bytes, EncodeMode::key, ten);
  key.write(std::vector<int>(100));
  EXPECT_TRUE(key.within_limits());
  // The default limit, 16 Mi values: the vector itself is one of them.
  std::string why;
  EXPECT_TRUE(detail::encode_value(std::vector<std::tuple<>>((std::size_t{16} << 20) - 1)));
  EXPECT_EQ(detail::encode_value(std::vector<std::tuple<>>(std::size_t{16} << 20), &why),
            std::nullopt);
  EXPECT_EQ(why, "more values than the element limit of 16777216");
}

// ---- size ----

// A decoder views its input: with limits too, a temporary std::string cannot be its input.
static_assert(!std::is_constructible_v<Decoder, std::string, const CodecLimits&>);
static_assert(std::is_constructible_v<Decoder, std::string_view, const CodecLimits&>);
static_assert(std::is_constructible_v<Decoder, const std::string&, const CodecLimits&>);

TEST(CodecLimitsSize, DecoderRejectsInputBeyondTheSizeLimit) {
  const CodecLimits small{16, kDefaultCodecLimits.max_depth, kDefaultCodecLimits.max_elements};
  const std::string fits = encode(std::string(15, 'x'));  // 1 length byte + 15
  EXPECT_EQ(decode<std::string>(fits, small), std::string(15, 'x'));
  const std::string beyond = encode(std::string(16, 'x'));
  try {
    decode<std::string>(beyond, small);
    FAIL() << "expected DecodeError";
  } catch (const DecodeError& error) {
    EXPECT_STREQ(error.what(),
                 "picocache: cannot decode value at byte 0 of 17: the value's 17 bytes exceed "
                 "the size limit of 16");
  }
}

TEST(CodecLimitsEncoder, OversizeResultIsRefused) {
  const CodecLimits small{16, kDefaultCodecLimits.max_depth, kDefaultCodecLimits.max_elements};
  std::string bytes;
  Encoder fits(bytes, EncodeMode::value, small);
  fits.write(std::string(15, 'x'));
  EXPECT_TRUE(fits.within_limits());
  Encoder beyond(bytes, EncodeMode::value, small);
  beyond.write(std::vector<int>(20, 1));
  EXPECT_FALSE(beyond.within_limits());
  EXPECT_EQ(beyond.limit_error(), "encodes to more than the size limit of 16 bytes (17 or more)");
  // The default limit, 64 MiB, for a stored value's payload (the header is not counted). The
  // string is not copied into the refused encoding.
  const std::string large((std::size_t{64} << 20), 'x');
  std::string why;
  std::optional<std::string> refused;
  const std::size_t growth = peak_growth([&] { refused = detail::encode_value(large, &why); });
  EXPECT_EQ(refused, std::nullopt);
  EXPECT_THAT(why, HasSubstr("encodes to more than the size limit of 67108864 bytes"));
  EXPECT_LE(growth, std::size_t{4096});
  EXPECT_TRUE(detail::encode_value(std::string((std::size_t{64} << 20) - 5, 'x')).has_value());
}

}  // namespace
}  // namespace picocache

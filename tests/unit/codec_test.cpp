// The canonical encoding: every standard codec round-trips, the bytes of a few are pinned (a
// change to the on-disk/over-the-wire format must fail here), keys are canonical where the
// contract says so, and bad bytes from a store throw DecodeError instead of crashing.
#include <picocache/codec.hpp>
#include <picocache/key.hpp>
#include <picocache/memoize.hpp>

#include <gtest/gtest.h>

#include <array>
#include <bitset>
#include <chrono>
#include <cmath>
#include <complex>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <limits>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <variant>
#include <vector>

// A recursive record with a codec of the shape picocache-gen writes: decoding it recurses once per
// level of the stored bytes, so the bytes decide how deep the decoder goes.
struct Node {
  std::vector<Node> children;
  bool operator==(const Node& other) const { return children == other.children; }
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

// README.md's example of a codec of one's own ("What can be cached"), verbatim: keep them equal.
class Handle {
 public:
  explicit Handle(std::string path) : path_(std::move(path)) {}
  const std::string& path() const { return path_; }
  bool operator==(const Handle& other) const { return path_ == other.path_; }

 private:
  std::string path_;
};

// clang-format off
template <> struct picocache::Codec<Handle> {
  static void encode(picocache::Encoder& e, const Handle& h) { e.write(h.path()); }
  static Handle decode(picocache::Decoder& d) { return Handle(d.read<std::string>()); }
  static void describe(std::string& schema) { schema += "Handle{path:s}"; }
};
// clang-format on

// The shape picocache-gen writes for a record without fields: one byte, checked.
struct Empty {
  bool operator==(const Empty&) const { return true; }
};

template <>
struct picocache::Codec<Empty> {
  static void encode(Encoder& encoder, const Empty& value) {
    static_cast<void>(value);
    encoder.write_u8(0);
  }
  static Empty decode(Decoder& decoder) {
    const std::size_t start = decoder.position();
    if (decoder.read_u8() != 0) decoder.fail("empty record byte is not 0", start);
    return Empty{};
  }
  static void describe(std::string& schema) { schema += "rec<Empty>"; }
};

// Enums with codecs of the shape picocache-gen writes for the enums it sees (the text is pinned
// by tests/lit/gen/enum_codecs.cpp): an unscoped enum without a fixed underlying type, whose
// values are those of a 2-bit bit-field (0..3), and a flag enum with a fixed underlying type.
enum Level { level_low, level_mid, level_high };
enum class Access : std::uint8_t { read = 1, write = 2 };

template <>
struct picocache::Codec<Level> {
  static constexpr std::size_t kMinEncodedSize = 1;
  static void encode(Encoder& encoder, Level value) { detail::encode_enum(encoder, value); }
  static Level decode(Decoder& decoder) { return detail::decode_enum<Level>(decoder, 0, 3); }
  static void describe(std::string& schema) {
    schema += "enum<u32;level_low=0,level_mid=1,level_high=2>";
  }
};

template <>
struct picocache::Codec<Access> {
  static constexpr std::size_t kMinEncodedSize = 1;
  static void encode(Encoder& encoder, Access value) { detail::encode_enum(encoder, value); }
  static Access decode(Decoder& decoder) { return detail::decode_enum<Access>(decoder); }
  static void describe(std::string& schema) { schema += "enum<u8;read=1,write=2>"; }
};

namespace picocache {
namespace {

template <class T>
std::string encode(const T& value, EncodeMode mode = EncodeMode::value) {
  std::string bytes;
  Encoder encoder(bytes, mode);
  encoder.write(value);
  return bytes;
}

template <class T>
T decode(std::string_view bytes) {
  Decoder decoder(bytes);
  T value = decoder.read<T>();
  decoder.expect_end();
  return value;
}

std::string to_hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string hex;
  for (const char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    hex += digits[byte >> 4];
    hex += digits[byte & 0xf];
  }
  return hex;
}

std::string from_hex(std::string_view hex) {
  std::string bytes;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    bytes += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
  }
  return bytes;
}

// `value` as memoize stores it and reads it back: encode_value, then decode_value.
template <class T>
std::optional<T> through_store(const T& value) {
  const std::optional<std::string> stored = detail::encode_value(value);
  if (!stored) return std::nullopt;
  return detail::decode_value<T>(*stored);
}

template <class T>
void expect_round_trip(const T& value) {
  EXPECT_EQ(decode<T>(encode(value)), value) << "bytes " << to_hex(encode(value));
}

enum class Color : std::uint8_t { red, green, blue };
enum class Sign : int { negative = -1, zero = 0, positive = 1 };
enum Plain { plain_a = 7 };

// ---- round trips: every codec ----

TEST(CodecRoundTrip, Bool) {
  expect_round_trip(true);
  expect_round_trip(false);
}

TEST(CodecRoundTrip, SignedIntegers) {
  for (const std::int64_t v :
       {std::int64_t{0}, std::int64_t{1}, std::int64_t{-1}, std::int64_t{63}, std::int64_t{-64},
        std::int64_t{1} << 40, std::numeric_limits<std::int64_t>::min(),
        std::numeric_limits<std::int64_t>::max()}) {
    expect_round_trip(v);
  }
  expect_round_trip(std::numeric_limits<std::int8_t>::min());
  expect_round_trip(std::numeric_limits<std::int8_t>::max());
  expect_round_trip(std::numeric_limits<short>::min());
  expect_round_trip(std::numeric_limits<int>::min());
  expect_round_trip(std::numeric_limits<int>::max());
  expect_round_trip(std::numeric_limits<long>::min());
  expect_round_trip(std::numeric_limits<long long>::max());
  expect_round_trip(static_cast<signed char>(-5));
}

TEST(CodecRoundTrip, UnsignedIntegers) {
  expect_round_trip(std::numeric_limits<std::uint8_t>::max());
  expect_round_trip(std::numeric_limits<unsigned short>::max());
  expect_round_trip(std::numeric_limits<unsigned>::max());
  expect_round_trip(std::numeric_limits<unsigned long>::max());
  expect_round_trip(std::numeric_limits<std::uint64_t>::max());
  expect_round_trip(std::size_t{12345});
}

TEST(CodecRoundTrip, Characters) {
  expect_round_trip('a');
  expect_round_trip('\xff');
  expect_round_trip('\0');
  expect_round_trip(L'\x263a');
  expect_round_trip(u'\xffff');
  expect_round_trip(U'\x10ffff');
  expect_round_trip(u8'z');
  expect_round_trip(static_cast<unsigned char>(200));
}

TEST(CodecRoundTrip, Enums) {
  expect_round_trip(Color::blue);
  expect_round_trip(Sign::negative);
  expect_round_trip(plain_a);
}

TEST(CodecRoundTrip, GeneratedEnumCodecs) {
  expect_round_trip(level_high);
  // 3 is no enumerator but lies in the enum's value range (a 2-bit bit-field).
  expect_round_trip(static_cast<Level>(3));
  // A flag combination of a fixed underlying type decodes as stored.
  expect_round_trip(static_cast<Access>(static_cast<std::uint8_t>(Access::read) |
                                        static_cast<std::uint8_t>(Access::write)));
  expect_round_trip(static_cast<Access>(255));
  // The same bytes as the generic enum codec: keys do not change with the codec.
  EXPECT_EQ(encode(level_mid), encode(1U));
}

TEST(CodecDecodeErrors, UnscopedEnumOutsideItsRangeIsAMiss) {
  EXPECT_THROW(decode<Level>(encode(4U)), DecodeError);
  EXPECT_THROW(decode<Access>(encode(256U)), DecodeError);  // not an 8-bit value
  // Through the store's header: a miss, not undefined behaviour.
  std::string stored;
  detail::append_value_header(stored, schema_fingerprint<Level>());
  stored += encode(7U);
  EXPECT_EQ(detail::decode_value<Level>(stored), std::nullopt);
  stored.resize(detail::value_header_size);
  stored += encode(2U);
  EXPECT_EQ(detail::decode_value<Level>(stored), level_high);
}

TEST(CodecRoundTrip, OwningPointers) {
  const auto unique =
      decode<std::unique_ptr<std::string>>(encode(std::make_unique<std::string>("owned")));
  ASSERT_NE(unique, nullptr);
  EXPECT_EQ(*unique, "owned");
  EXPECT_EQ(decode<std::unique_ptr<int>>(encode(std::unique_ptr<int>())), nullptr);
  EXPECT_EQ(to_hex(encode(std::unique_ptr<int>())), "00");
  EXPECT_EQ(to_hex(encode(std::make_unique<int>(5))), "010a");

  const auto original = std::make_shared<const std::vector<int>>(std::vector<int>{1, 2});
  const auto shared = decode<std::shared_ptr<const std::vector<int>>>(encode(original));
  ASSERT_NE(shared, nullptr);
  EXPECT_EQ(*shared, *original);
  EXPECT_NE(shared.get(), original.get());  // a new object, never the encoded one
  EXPECT_EQ(decode<std::shared_ptr<int>>(encode(std::shared_ptr<int>())), nullptr);
  // unique_ptr and shared_ptr write the same bytes.
  EXPECT_EQ(encode(std::make_shared<int>(5)), encode(std::make_unique<int>(5)));
  const auto through = through_store(std::make_shared<std::string>("stored"));
  ASSERT_TRUE(through.has_value());
  ASSERT_NE(*through, nullptr);
  EXPECT_EQ(**through, "stored");
  EXPECT_THROW(decode<std::unique_ptr<int>>(from_hex("020a")), DecodeError);
  EXPECT_THROW(decode<std::unique_ptr<int>>(from_hex("01")), DecodeError);
}

TEST(CodecRoundTrip, Bitsets) {
  expect_round_trip(std::bitset<1>("1"));
  expect_round_trip(std::bitset<12>("101000000011"));
  expect_round_trip(std::bitset<64>(0x8000000000000001ULL));
  expect_round_trip(std::bitset<0>());
  EXPECT_EQ(to_hex(encode(std::bitset<12>("100000000011"))), "0308");
  // A bit beyond N is not an Encoder's.
  EXPECT_THROW(decode<std::bitset<12>>(from_hex("0310")), DecodeError);
  EXPECT_THROW(decode<std::bitset<12>>(from_hex("03")), DecodeError);
}

TEST(CodecRoundTrip, Complex) {
  expect_round_trip(std::complex<double>(1.5, -2.25));
  expect_round_trip(std::complex<float>(0.5F, 3.0F));
  EXPECT_EQ(encode(std::complex<float>(0.5F, 3.0F)), encode(std::complex<double>(0.5, 3.0)));
  EXPECT_EQ(encode(std::complex<double>(-0.0, 1.0), EncodeMode::key),
            encode(std::complex<double>(0.0, 1.0), EncodeMode::key));
}

TEST(CodecKeys, SpansEncodeTheirElementsAsAVector) {
  const std::vector<int> values{3, 1, 4};
  const std::span<const int> span(values);
  EXPECT_EQ(encode(span, EncodeMode::key), encode(values, EncodeMode::key));
  const std::array<std::string, 2> names{"a", "b"};
  EXPECT_EQ(encode(std::span<const std::string, 2>(names), EncodeMode::key),
            encode(std::vector<std::string>{"a", "b"}, EncodeMode::key));
  EXPECT_EQ(schema_of<std::span<const int>>(), "vec<i>");
}

TEST(CodecRoundTrip, Floating) {
  for (const double v :
       {0.0, -0.0, 1.5, -2.25e300, 5e-324, std::numeric_limits<double>::infinity(),
        -std::numeric_limits<double>::infinity(), std::numeric_limits<double>::max()}) {
    expect_round_trip(v);
  }
  expect_round_trip(0.1f);
  expect_round_trip(-std::numeric_limits<float>::max());
  expect_round_trip(std::numeric_limits<float>::denorm_min());
  EXPECT_TRUE(std::signbit(decode<double>(encode(-0.0))));
  EXPECT_TRUE(std::isnan(decode<double>(encode(std::nan("")))));
  EXPECT_TRUE(std::isnan(decode<float>(encode(std::nanf("")))));
}

TEST(CodecRoundTrip, Strings) {
  expect_round_trip(std::string());
  expect_round_trip(std::string("hello"));
  expect_round_trip(std::string("with\0nul", 8));
  expect_round_trip(std::string(1000, 'x'));
  // string_view is encode-only; it reads back as the std::string it equals.
  EXPECT_EQ(encode(std::string_view("abc")), encode(std::string("abc")));
  EXPECT_EQ(decode<std::string>(encode(std::string_view("abc"))), "abc");
}

TEST(CodecRoundTrip, Sequences) {
  expect_round_trip(std::vector<int>{});
  expect_round_trip(std::vector<int>{1, -2, 3});
  expect_round_trip(std::vector<bool>{true, false, true});
  expect_round_trip(std::vector<std::string>{"a", "", "bc"});
  expect_round_trip(std::vector<std::vector<double>>{{1.0}, {}, {2.0, 3.0}});
  expect_round_trip(std::vector<int>(10000, 7));
  expect_round_trip(std::deque<int>{4, 5, 6});
  expect_round_trip(std::list<std::string>{"x", "y"});
}

TEST(CodecRoundTrip, Arrays) {
  expect_round_trip(std::array<int, 3>{1, 2, 3});
  expect_round_trip(std::array<std::string, 2>{"a", "b"});
  expect_round_trip(std::array<int, 0>{});
}

TEST(CodecRoundTrip, OrderedContainers) {
  expect_round_trip(std::set<int>{3, 1, 2});
  expect_round_trip(std::multiset<int>{1, 1, 2});
  expect_round_trip(std::map<std::string, int>{{"a", 1}, {"b", 2}});
  expect_round_trip(std::multimap<int, std::string>{{1, "a"}, {1, "b"}, {0, "c"}});
  expect_round_trip(std::map<int, std::vector<int>, std::greater<>>{{1, {1}}, {2, {}}});
}

TEST(CodecRoundTrip, UnorderedContainers) {
  expect_round_trip(std::unordered_set<int>{3, 1, 2});
  expect_round_trip(std::unordered_multiset<int>{1, 1, 2});
  expect_round_trip(std::unordered_map<std::string, int>{{"a", 1}, {"b", 2}});
  expect_round_trip(std::unordered_multimap<int, int>{{1, 1}, {1, 2}});
  expect_round_trip(std::unordered_map<int, std::unordered_set<std::string>>{{1, {"x", "y"}}});
}

TEST(CodecRoundTrip, PairsAndTuples) {
  expect_round_trip(std::pair<int, std::string>{-1, "x"});
  expect_round_trip(std::tuple<>{});
  expect_round_trip(std::tuple<int, double, std::string, bool>{1, 2.5, "s", true});
}

TEST(CodecRoundTrip, Optionals) {
  expect_round_trip(std::optional<int>{});
  expect_round_trip(std::optional<int>{0});
  expect_round_trip(std::optional<std::optional<std::string>>{std::optional<std::string>{}});
}

TEST(CodecRoundTrip, Variants) {
  using V = std::variant<std::monostate, int, long, double, std::string, std::vector<int>>;
  expect_round_trip(V{});
  expect_round_trip(V{std::in_place_index<1>, 5});
  expect_round_trip(V{std::in_place_index<2>, 5L});
  expect_round_trip(V{2.5});
  expect_round_trip(V{std::string("s")});
  expect_round_trip(V{std::vector<int>{1, 2}});
  // The alternative, not only the value, survives a round trip.
  EXPECT_EQ(decode<V>(encode(V{std::in_place_index<2>, 5L})).index(), 2u);
  expect_round_trip(std::monostate{});
  expect_round_trip(std::vector<std::monostate>(3));
}

TEST(CodecRoundTrip, Durations) {
  expect_round_trip(std::chrono::milliseconds(-1500));
  expect_round_trip(std::chrono::nanoseconds::max());
  expect_round_trip(std::chrono::duration<double, std::ratio<60>>(1.5));
  expect_round_trip(std::chrono::duration<unsigned, std::micro>(7));
}

TEST(CodecRoundTrip, DeeplyNested) {
  using T = std::map<std::string,
                     std::vector<std::optional<std::tuple<int, std::variant<bool, std::string>>>>>;
  expect_round_trip(T{
      {"k", {std::nullopt, std::tuple<int, std::variant<bool, std::string>>{1, std::string("v")}}},
      {"", {}}});
}

// ---- pinned bytes: the format is a contract (keys and values are shared across machines) ----

TEST(CodecBytes, Pinned) {
  EXPECT_EQ(to_hex(encode(true)), "01");
  EXPECT_EQ(to_hex(encode(5)), "0a");
  EXPECT_EQ(to_hex(encode(-1)), "01");
  EXPECT_EQ(to_hex(encode(std::int64_t{300})), "d804");
  EXPECT_EQ(to_hex(encode(300u)), "ac02");
  EXPECT_EQ(to_hex(encode(std::numeric_limits<std::uint64_t>::max())), "ffffffffffffffffff01");
  EXPECT_EQ(to_hex(encode(std::numeric_limits<std::int64_t>::min())), "ffffffffffffffffff01");
  EXPECT_EQ(to_hex(encode('a')), "61");
  EXPECT_EQ(to_hex(encode('\xff')), "ff01");  // the same on signed-char and unsigned-char ABIs
  EXPECT_EQ(to_hex(encode(Color::blue)), "02");
  EXPECT_EQ(to_hex(encode(Sign::negative)), "01");
  EXPECT_EQ(to_hex(encode(1.0)), "000000000000f03f");
  EXPECT_EQ(to_hex(encode(1.0f)), "000000000000f03f");
  EXPECT_EQ(to_hex(encode(std::string("hi"))), "026869");
  EXPECT_EQ(to_hex(encode(std::vector<int>{1, -1})), "020201");
  EXPECT_EQ(to_hex(encode(std::array<int, 2>{1, 2})), "0204");
  EXPECT_EQ(to_hex(encode(std::map<std::string, int>{{"a", 1}})), "01016102");
  EXPECT_EQ(to_hex(encode(std::unordered_set<int>{3, 1, 2})), "03020406");
  EXPECT_EQ(to_hex(encode(std::pair<int, bool>{1, true})), "0201");
  EXPECT_EQ(to_hex(encode(std::tuple<int, std::string>{2, "x"})), "040178");
  EXPECT_EQ(to_hex(encode(std::optional<int>{})), "00");
  EXPECT_EQ(to_hex(encode(std::optional<int>{3})), "0106");
  EXPECT_EQ(to_hex(encode(std::variant<int, std::string>{"a"})), "010161");
  EXPECT_EQ(to_hex(encode(std::variant<int, std::string>{"a"}, EncodeMode::key)), "730161");
  EXPECT_EQ(to_hex(encode(std::variant<int, std::string>{"a"}, EncodeMode::typed_key)), "010161");
  EXPECT_EQ(to_hex(encode(std::chrono::milliseconds(1500))), "b817");
  EXPECT_EQ(to_hex(encode(std::monostate{})), "00");
}

// ---- canonical keys ----

TEST(CodecKeys, IntegerWidthDoesNotMatter) {
  EXPECT_EQ(encode(std::int32_t{5}), encode(std::int64_t{5}));
  EXPECT_EQ(encode(std::int8_t{-5}), encode(std::int64_t{-5}));
  EXPECT_EQ(encode(std::uint16_t{5}), encode(std::uint64_t{5}));
  EXPECT_EQ(encode(5L), encode(5LL));
  // A value stored as one width reads back as another when it fits.
  EXPECT_EQ(decode<short>(encode(std::int64_t{-7})), -7);
}

TEST(CodecKeys, NegativeZeroIsZeroInKeysOnly) {
  for (const EncodeMode mode : {EncodeMode::key, EncodeMode::typed_key}) {
    EXPECT_EQ(encode(-0.0, mode), encode(0.0, mode));
    EXPECT_EQ(encode(-0.0f, mode), encode(0.0, mode));
    EXPECT_EQ(hash_key(encode(-0.0, mode)), hash_key(encode(0.0, mode)));
  }
  EXPECT_NE(encode(-0.0), encode(0.0));
  EXPECT_EQ(to_hex(encode(-0.0)), "0000000000000080");
  EXPECT_EQ(to_hex(encode(-0.0, EncodeMode::key)), "0000000000000000");
}

TEST(CodecKeys, AllNaNsAreOneKey) {
  const double quiet = std::numeric_limits<double>::quiet_NaN();
  const double negative = -quiet;
  const double payload = std::nan("1234");
  const double signalling = std::numeric_limits<double>::signaling_NaN();
  for (const EncodeMode mode : {EncodeMode::key, EncodeMode::typed_key}) {
    const std::string canonical = encode(quiet, mode);
    EXPECT_EQ(to_hex(canonical), "000000000000f87f");
    EXPECT_EQ(encode(negative, mode), canonical);
    EXPECT_EQ(encode(payload, mode), canonical);
    EXPECT_EQ(encode(signalling, mode), canonical);
    EXPECT_EQ(encode(std::nanf("9"), mode), canonical);
    EXPECT_EQ(hash_key(encode(std::vector<double>{payload}, mode)),
              hash_key(encode(std::vector<double>{negative}, mode)));
  }
  // Value mode keeps the bit pattern.
  EXPECT_NE(encode(payload), encode(quiet));
}

TEST(CodecKeys, UnorderedContainersIgnoreInsertionOrderAndBuckets) {
  std::unordered_map<std::string, int> forward(1);
  std::unordered_map<std::string, int> backward(1000);
  std::unordered_set<std::string> set_forward(2);
  std::unordered_set<std::string> set_backward(5000);
  for (int i = 0; i < 200; ++i) {
    forward.emplace("key" + std::to_string(i), i);
    set_forward.insert(std::to_string(i * 7919));
  }
  for (int i = 199; i >= 0; --i) {
    backward.emplace("key" + std::to_string(i), i);
    set_backward.insert(std::to_string(i * 7919));
  }
  backward.rehash(4099);
  ASSERT_EQ(forward, backward);
  for (const EncodeMode mode : {EncodeMode::value, EncodeMode::key, EncodeMode::typed_key}) {
    EXPECT_EQ(encode(forward, mode), encode(backward, mode));
    EXPECT_EQ(hash_key(encode(forward, mode)), hash_key(encode(backward, mode)));
    EXPECT_EQ(encode(set_forward, mode), encode(set_backward, mode));
    EXPECT_EQ(hash_key(encode(set_forward, mode)), hash_key(encode(set_backward, mode)));
  }
  std::unordered_multiset<int> multi_a{1, 2, 2, 3};
  std::unordered_multiset<int> multi_b{2, 3, 2, 1};
  EXPECT_EQ(encode(multi_a), encode(multi_b));
}

TEST(CodecKeys, VariantTypedness) {
  using V = std::variant<int, long>;
  const V as_int{std::in_place_index<0>, 5};
  const V as_long{std::in_place_index<1>, 5L};
  EXPECT_EQ(encode(as_int, EncodeMode::key), encode(as_long, EncodeMode::key));
  EXPECT_EQ(hash_key(encode(as_int, EncodeMode::key)), hash_key(encode(as_long, EncodeMode::key)));
  EXPECT_NE(encode(as_int, EncodeMode::typed_key), encode(as_long, EncodeMode::typed_key));
  EXPECT_NE(hash_key(encode(as_int, EncodeMode::typed_key)),
            hash_key(encode(as_long, EncodeMode::typed_key)));
  EXPECT_EQ(to_hex(encode(as_int, EncodeMode::key)), "690a");
  EXPECT_EQ(to_hex(encode(as_long, EncodeMode::typed_key)), "010a");
}

// As in Python, where lru_cache(typed=True) treats (1,) and (1.0,) alike: typed tells the
// alternatives of a variant argument apart, not those of a variant inside an argument.
TEST(CodecKeys, TypedAppliesToTopLevelArgumentsOnly) {
  using V = std::variant<int, long>;
  const V as_int{std::in_place_index<0>, 5};
  const V as_long{std::in_place_index<1>, 5L};
  const EncodeMode typed = EncodeMode::typed_key;
  EXPECT_NE(encode(as_int, typed), encode(as_long, typed));
  EXPECT_EQ(encode(std::vector<V>{as_int}, typed), encode(std::vector<V>{as_long}, typed));
  EXPECT_EQ(encode(std::vector<V>{as_int}, typed), encode(std::vector<V>{as_int}, EncodeMode::key));
  EXPECT_EQ(encode(std::tuple<V>{as_int}, typed), encode(std::tuple<V>{as_long}, typed));
  EXPECT_EQ(encode(std::optional<V>{as_int}, typed), encode(std::optional<V>{as_long}, typed));
  EXPECT_EQ(encode(std::unordered_set<V>{as_int}, typed),
            encode(std::unordered_set<V>{as_long}, typed));
  // A variant inside the top-level variant is inside the argument too.
  using Outer = std::variant<V, std::string>;
  EXPECT_EQ(encode(Outer{as_int}, typed), encode(Outer{as_long}, typed));
  // Every argument is top level: the second one of a call is still typed.
  std::string first;
  std::string second;
  Encoder first_encoder(first, typed);
  first_encoder.write(1);
  first_encoder.write(as_int);
  Encoder second_encoder(second, typed);
  second_encoder.write(1);
  second_encoder.write(as_long);
  EXPECT_NE(first, second);
}

TEST(CodecKeys, VariantKindsNeverCollide) {
  using V = std::variant<int, unsigned, std::uint64_t, bool, float, double, std::string, Color>;
  // Same value, same kind: one key (typed=false).
  EXPECT_EQ(encode(V{std::in_place_index<0>, 7}, EncodeMode::key),
            encode(V{std::in_place_index<1>, 7u}, EncodeMode::key));
  EXPECT_EQ(encode(V{0.5f}, EncodeMode::key), encode(V{0.5}, EncodeMode::key));
  // Different values or kinds: different keys. unsigned 10 must not meet int 5 (zigzag 10).
  EXPECT_NE(encode(V{std::in_place_index<0>, 5}, EncodeMode::key),
            encode(V{std::in_place_index<1>, 10u}, EncodeMode::key));
  EXPECT_NE(encode(V{std::in_place_index<0>, -1}, EncodeMode::key),
            encode(V{std::numeric_limits<std::uint64_t>::max()}, EncodeMode::key));
  EXPECT_NE(encode(V{std::in_place_index<0>, 1}, EncodeMode::key),
            encode(V{true}, EncodeMode::key));
  EXPECT_NE(encode(V{std::in_place_index<0>, 2}, EncodeMode::key),
            encode(V{Color::blue}, EncodeMode::key));
  EXPECT_EQ(to_hex(encode(V{Color::blue}, EncodeMode::key)), "780702");
  EXPECT_EQ(to_hex(encode(V{std::numeric_limits<std::uint64_t>::max()}, EncodeMode::key)),
            "75ffffffffffffffffff01");
}

TEST(CodecKeys, StringViewAndStringAgree) {
  EXPECT_EQ(encode(std::string_view("key"), EncodeMode::key),
            encode(std::string("key"), EncodeMode::key));
}

// ---- untrusted bytes ----

TEST(CodecDecodeErrors, Truncated) {
  const std::string bytes = encode(std::vector<std::string>{"abc", "def"});
  for (std::size_t size = 0; size < bytes.size(); ++size) {
    EXPECT_THROW(decode<std::vector<std::string>>(bytes.substr(0, size)), DecodeError) << size;
  }
  EXPECT_THROW(decode<double>(from_hex("000000")), DecodeError);
  EXPECT_THROW(decode<int>(from_hex("80")), DecodeError);  // continuation bit, then nothing
  EXPECT_THROW(decode<int>(""), DecodeError);
}

TEST(CodecDecodeErrors, TrailingBytes) {
  EXPECT_THROW(decode<int>(from_hex("0a00")), DecodeError);
  const std::string bytes = from_hex("0a00");
  Decoder decoder(bytes);
  EXPECT_EQ(decoder.read<int>(), 5);
  EXPECT_EQ(decoder.remaining(), 1u);
  EXPECT_THROW(decoder.expect_end(), DecodeError);
}

TEST(CodecDecodeErrors, HugeCountsAreRejectedBeforeAllocating) {
  std::string bytes;
  Encoder(bytes).write_varint(std::uint64_t{1} << 60);
  bytes += "abc";
  EXPECT_THROW(decode<std::vector<int>>(bytes), DecodeError);
  EXPECT_THROW(decode<std::string>(bytes), DecodeError);
  EXPECT_THROW(decode<std::deque<int>>(bytes), DecodeError);
  EXPECT_THROW(decode<std::list<int>>(bytes), DecodeError);
  EXPECT_THROW((decode<std::map<int, int>>(bytes)), DecodeError);
  EXPECT_THROW(decode<std::set<int>>(bytes), DecodeError);
  EXPECT_THROW((decode<std::unordered_map<int, int>>(bytes)), DecodeError);
  EXPECT_THROW(decode<std::unordered_set<int>>(bytes), DecodeError);
  EXPECT_THROW(decode<std::vector<std::monostate>>(bytes), DecodeError);
  Decoder huge_count(bytes);
  EXPECT_THROW(huge_count.read_count(), DecodeError);
  // A count within the bytes left is fine to read, even if the elements then run out.
  EXPECT_THROW(decode<std::vector<std::string>>(from_hex("03010101")), DecodeError);
}

TEST(CodecDecodeErrors, BadVarints) {
  EXPECT_THROW(decode<std::uint64_t>(from_hex("ffffffffffffffffff02")), DecodeError);
  EXPECT_THROW(decode<std::uint64_t>(from_hex("ffffffffffffffffffff01")), DecodeError);
  EXPECT_THROW(decode<std::uint64_t>(from_hex("8000")), DecodeError);  // padded zero
  EXPECT_EQ(decode<std::uint64_t>(from_hex("ffffffffffffffffff01")),
            std::numeric_limits<std::uint64_t>::max());
}

TEST(CodecDecodeErrors, ValuesOutOfRange) {
  EXPECT_THROW(decode<std::int8_t>(encode(std::int64_t{300})), DecodeError);
  EXPECT_THROW(decode<std::int8_t>(encode(std::int64_t{-129})), DecodeError);
  EXPECT_THROW(decode<std::uint8_t>(encode(std::uint64_t{256})), DecodeError);
  EXPECT_THROW(decode<char>(encode(std::uint64_t{256})), DecodeError);
  EXPECT_THROW(decode<int>(encode(std::numeric_limits<std::int64_t>::max())), DecodeError);
  EXPECT_THROW(decode<float>(encode(1e300)), DecodeError);
  EXPECT_TRUE(std::isinf(decode<float>(encode(std::numeric_limits<double>::infinity()))));
}

TEST(CodecDecodeErrors, BadTags) {
  EXPECT_THROW(decode<bool>(from_hex("02")), DecodeError);
  EXPECT_THROW(decode<std::optional<int>>(from_hex("0200")), DecodeError);
  EXPECT_THROW((decode<std::variant<int, std::string>>(from_hex("0200"))), DecodeError);
  EXPECT_THROW((decode<std::variant<int, std::string>>(from_hex("ffffffffffffffffff01"))),
               DecodeError);
  EXPECT_THROW(decode<std::monostate>(from_hex("01")), DecodeError);
}

TEST(CodecDecodeErrors, MessageSaysWhereAndWhat) {
  try {
    decode<bool>(from_hex("02"));
    FAIL() << "expected DecodeError";
  } catch (const DecodeError& error) {
    EXPECT_STREQ(error.what(),
                 "picocache: cannot decode value at byte 0 of 1: bool byte 2 is neither 0 nor 1");
  }
}

// Bytes from a shared store may be anything: decoding must either succeed or throw DecodeError.
TEST(CodecDecodeErrors, ArbitraryBytesNeverCrash) {
  using T = std::map<
      std::string,
      std::vector<std::optional<std::variant<std::int8_t, float, std::string, std::set<bool>>>>>;
  const std::string valid = encode(
      T{{"key", {std::nullopt, std::int8_t{-3}, 1.5f, std::string("v"), std::set<bool>{true}}}});
  std::mt19937 random(12345);  // fixed seed: a failure must reproduce
  std::uniform_int_distribution<int> byte(0, 255);
  int decoded = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string bytes = valid;
    if (round % 2 == 0) {
      bytes[random() % bytes.size()] = static_cast<char>(byte(random));  // one corrupted byte
    } else {
      bytes.resize(random() % 48);
      for (char& c : bytes) c = static_cast<char>(byte(random));  // noise
    }
    try {
      decode<T>(bytes);
      ++decoded;
    } catch (const DecodeError&) {
    }
  }
  EXPECT_GT(decoded, 0);  // some corruptions still decode (a changed digit): that is fine
}

// ---- empty elements: zero bytes on the wire, still values ----

// Elements that encode to no bytes at all: a count of them is not bounded by the bytes left.
TEST(CodecEmptyElements, RoundTripThroughStoredValues) {
  const std::vector<std::tuple<>> tuples(5);
  EXPECT_EQ(to_hex(encode(tuples)), "05");
  EXPECT_EQ(through_store(tuples), tuples);
  using Arrays = std::vector<std::array<int, 0>>;
  const Arrays arrays(3);
  EXPECT_EQ(through_store(arrays), arrays);
  using Empty = std::tuple<std::tuple<>, std::array<bool, 0>>;
  using Nested = std::map<int, std::vector<Empty>>;
  const Nested nested{{1, std::vector<Empty>(4)}, {2, {}}};
  EXPECT_EQ(through_store(nested), nested);
}

// ---- nesting: stored bytes cannot make the decoder recurse without bound ----

// One byte per level: a Node whose only child has one child, and so on, one million deep. Before
// the depth limit this overflowed the stack (SIGSEGV) inside decode_value; it runs in a forked
// child so that a crash fails the test instead of ending the test program.
TEST(CodecNesting, DeepStoredValueIsAMissNotACrash) {
  std::string stored;
  detail::append_value_header(stored, schema_fingerprint<Node>());
  stored.append(1000000, '\x01');
  stored += '\x00';
  EXPECT_EXIT(
      {
        const std::optional<Node> decoded = detail::decode_value<Node>(stored);
        std::exit(decoded.has_value() ? 1 : 0);
      },
      ::testing::ExitedWithCode(0), "");
  // Shallow nesting of the same type still round-trips.
  Node shallow;
  shallow.children.resize(2);
  shallow.children[0].children.resize(3);
  EXPECT_EQ(through_store(shallow), shallow);
}

// ---- codecs of one's own ----

TEST(CustomCodec, ReadmeExample) {
  expect_round_trip(Handle("/data/input.csv"));
  EXPECT_EQ(to_hex(encode(Handle("ab"))), "026162");
  EXPECT_EQ(schema_of<std::vector<Handle>>(), "vec<Handle{path:s}>");
  EXPECT_EQ(through_store(std::vector<Handle>{Handle("a"), Handle("")}),
            (std::vector<Handle>{Handle("a"), Handle("")}));
  EXPECT_THROW(decode<Handle>(from_hex("0561")), DecodeError);  // truncated path
}

TEST(CustomCodec, GeneratedEmptyRecordShape) {
  expect_round_trip(Empty{});
  expect_round_trip(std::vector<Empty>(3));
  EXPECT_THROW(decode<Empty>(from_hex("01")), DecodeError);
  EXPECT_EQ(through_store(std::vector<Empty>(2)), std::vector<Empty>(2));
}

// ---- schemas ----

TEST(CodecSchema, Descriptions) {
  EXPECT_EQ(schema_of<bool>(), "b");
  EXPECT_EQ(schema_of<int>(), "i");
  EXPECT_EQ(schema_of<std::int64_t>(), "i");
  EXPECT_EQ(schema_of<unsigned>(), "u");
  EXPECT_EQ(schema_of<char>(), "u");
  EXPECT_EQ(schema_of<signed char>(), "i");
  EXPECT_EQ(schema_of<float>(), "f");
  EXPECT_EQ(schema_of<double>(), "f");
  EXPECT_EQ(schema_of<std::string>(), "s");
  EXPECT_EQ(schema_of<std::string_view>(), "s");
  EXPECT_EQ(schema_of<Color>(), "enum<u>");
  EXPECT_EQ(schema_of<Sign>(), "enum<i>");
  EXPECT_EQ(schema_of<std::vector<int>>(), "vec<i>");
  EXPECT_EQ(schema_of<std::deque<int>>(), "deque<i>");
  EXPECT_EQ(schema_of<std::list<int>>(), "list<i>");
  EXPECT_EQ((schema_of<std::array<double, 3>>()), "arr<3,f>");
  EXPECT_EQ(schema_of<std::set<int>>(), "set<i>");
  EXPECT_EQ(schema_of<std::multiset<int>>(), "multiset<i>");
  EXPECT_EQ((schema_of<std::map<std::string, std::vector<int>>>()), "map<s,vec<i>>");
  EXPECT_EQ((schema_of<std::multimap<int, int>>()), "multimap<i,i>");
  EXPECT_EQ(schema_of<std::unordered_set<int>>(), "uset<i>");
  EXPECT_EQ(schema_of<std::unordered_multiset<int>>(), "umultiset<i>");
  EXPECT_EQ((schema_of<std::unordered_map<int, bool>>()), "umap<i,b>");
  EXPECT_EQ((schema_of<std::unordered_multimap<int, bool>>()), "umultimap<i,b>");
  EXPECT_EQ((schema_of<std::pair<int, std::string>>()), "pair<i,s>");
  EXPECT_EQ((schema_of<std::tuple<int, double, bool>>()), "tup<i,f,b>");
  EXPECT_EQ(schema_of<std::tuple<>>(), "tup<>");
  EXPECT_EQ(schema_of<std::optional<int>>(), "opt<i>");
  EXPECT_EQ((schema_of<std::variant<std::monostate, int, std::string>>()), "var<mono|i|s>");
  EXPECT_EQ(schema_of<std::chrono::milliseconds>(), "dur<1/1000,i>");
  EXPECT_EQ((schema_of<std::chrono::duration<double, std::ratio<60>>>()), "dur<60/1,f>");
  EXPECT_EQ(schema_of<std::unique_ptr<int>>(), "ptr<i>");
  EXPECT_EQ(schema_of<std::shared_ptr<const std::string>>(), "ptr<s>");
  EXPECT_EQ(schema_of<std::bitset<12>>(), "bits<12>");
  EXPECT_EQ(schema_of<std::complex<double>>(), "cplx<f>");
  EXPECT_EQ(schema_of<Level>(), "enum<u32;level_low=0,level_mid=1,level_high=2>");
}

TEST(CodecSchema, FingerprintsTellShapesApart) {
  EXPECT_NE(schema_fingerprint<std::vector<int>>(), schema_fingerprint<std::vector<double>>());
  EXPECT_NE(schema_fingerprint<int>(), schema_fingerprint<unsigned>());
  EXPECT_NE((schema_fingerprint<std::map<int, int>>()),
            (schema_fingerprint<std::unordered_map<int, int>>()));
  EXPECT_NE((schema_fingerprint<std::tuple<int, int>>()),
            (schema_fingerprint<std::tuple<int, int, int>>()));
  EXPECT_NE(schema_fingerprint<std::chrono::seconds>(),
            schema_fingerprint<std::chrono::milliseconds>());
  // Width is not part of the schema, matching the encoding.
  EXPECT_EQ(schema_fingerprint<int>(), schema_fingerprint<long long>());
  EXPECT_EQ(schema_fingerprint<std::vector<int>>(), hash64("vec<i>"));
  // Pinned: stored values carry this number, so it must not drift.
  EXPECT_EQ(schema_fingerprint<std::vector<int>>(), UINT64_C(0x63f74cd21b03d44a));
}

}  // namespace
}  // namespace picocache

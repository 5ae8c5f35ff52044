// The public headers in a target built with -fno-exceptions -fno-rtti (see CMakeLists.txt): values
// round-trip through encode_value / decode_value, hostile bytes decode as nullopt instead of
// aborting, and a custom Codec<T> written as README.md shows works, including one that rejects
// what it reads with Decoder::fail. A plain program (no GoogleTest, which is built with
// exceptions): it prints each failed check and exits non-zero.
#include <picocache/picocache.hpp>

#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#if defined(__cpp_exceptions) || defined(__GXX_RTTI)
#error "this test must be compiled with -fno-exceptions -fno-rtti"
#endif

namespace {

int failures = 0;

void check(bool ok, const char* what, int line) {
  if (!ok) {
    std::printf("codec_no_exceptions_test.cpp:%d: check failed: %s\n", line, what);
    ++failures;
  }
}
#define CHECK(condition) check((condition), #condition, __LINE__)

// The README's example of a codec of one's own ("What can be cached").
class Handle {
 public:
  explicit Handle(std::string path) : path_(std::move(path)) {}
  const std::string& path() const { return path_; }
  bool operator==(const Handle& other) const { return path_ == other.path_; }

 private:
  std::string path_;
};

// A codec that validates what it reads: under -fno-exceptions fail() returns, so it returns a
// value after it, and decode_value reports the miss.
struct Percent {
  int value = 0;
  bool operator==(const Percent& other) const { return value == other.value; }
};

// A record of the shape picocache-gen writes, with a field large in memory for its bytes.
struct Names {
  std::vector<std::string> names;
  int count = 0;
  bool operator==(const Names& other) const { return names == other.names && count == other.count; }
};

// A recursive record (the shape picocache-gen writes), for the depth limit.
struct Node {
  std::vector<Node> children;
};

}  // namespace

// clang-format off
template <> struct picocache::Codec<Handle> {
  static void encode(picocache::Encoder& e, const Handle& h) { e.write(h.path()); }
  static Handle decode(picocache::Decoder& d) { return Handle(d.read<std::string>()); }
  static void describe(std::string& schema) { schema += "Handle{path:s}"; }
};
// clang-format on

template <>
struct picocache::Codec<Percent> {
  static void encode(Encoder& e, const Percent& p) { e.write(p.value); }
  static Percent decode(Decoder& d) {
    const std::size_t start = d.position();
    const int value = d.read<int>();
    if (value < 0 || value > 100) {
      d.fail("percent " + std::to_string(value) + " is not within 0..100", start);
      return Percent{};
    }
    return Percent{value};
  }
  static void describe(std::string& schema) { schema += "Percent{value:i}"; }
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

namespace {

using picocache::detail::decode_value;
using picocache::detail::encode_value;

template <class T>
bool round_trips(const T& value) {
  const std::optional<std::string> stored = encode_value(value);
  if (!stored) return false;
  const std::optional<T> decoded = decode_value<T>(*stored);
  return decoded.has_value() && *decoded == value;
}

template <class T>
std::string stored_value(std::string_view payload) {
  std::string stored;
  picocache::detail::append_value_header(stored, picocache::schema_fingerprint<T>());
  stored += payload;
  return stored;
}

std::string varint(std::uint64_t value) {
  std::string bytes;
  picocache::Encoder(bytes).write_varint(value);
  return bytes;
}

void round_trips_of_standard_types() {
  CHECK(round_trips(42));
  CHECK(round_trips(-1.5));
  CHECK(round_trips(std::string("hello")));
  CHECK(round_trips(std::vector<std::string>{"a", "", "bc"}));
  CHECK(round_trips(std::map<std::string, std::vector<int>>{{"k", {1, 2}}, {"", {}}}));
  CHECK(round_trips(std::optional<std::optional<int>>{std::optional<int>{}}));
  CHECK(round_trips(std::variant<int, std::string>{std::string("v")}));
  CHECK(round_trips(std::tuple<int, bool, std::string>{1, true, "s"}));
  CHECK(round_trips(std::vector<std::tuple<>>(7)));
  // Large in memory for its size: decoded through the check-then-build path.
  std::vector<std::string> many(300000);
  many.back() = "last";
  CHECK(round_trips(many));
}

void hostile_bytes_are_misses() {
  using Strings = std::vector<std::string>;
  const std::optional<std::string> stored = encode_value(Strings{"abc", "def"});
  CHECK(stored.has_value());
  for (std::size_t size = picocache::detail::value_header_size; size < stored->size(); ++size) {
    CHECK(!decode_value<Strings>(stored->substr(0, size)).has_value());
  }
  CHECK(!decode_value<Strings>(*stored + "x").has_value());  // trailing byte
  CHECK(!decode_value<bool>(stored_value<bool>("\x02")).has_value());
  CHECK(!(decode_value<std::variant<int, std::string>>(
              stored_value<std::variant<int, std::string>>("\x05\x00")))
             .has_value());
  CHECK(!decode_value<float>(*encode_value(1e300)).has_value());  // float and double share "f"
  CHECK(!decode_value<Strings>(stored_value<Strings>(varint(std::uint64_t{1} << 60))).has_value());
  // Truncated after 4 million empty strings: rejected by the check, not built.
  const std::string truncated = stored_value<Strings>(varint(4000000) + std::string(3999999, '\0') +
                                                      "\x05"
                                                      "ab");
  CHECK(!decode_value<Strings>(truncated).has_value());
  // The same bytes as a field of a record (a codec without skip): checked before it is built.
  std::string record(truncated);
  record.replace(0, picocache::detail::value_header_size, stored_value<Names>(""));
  CHECK(!decode_value<Names>(record).has_value());
  CHECK(round_trips(Names{Strings(300000, ""), 7}));
  // A million levels of nesting: the depth limit, not a stack overflow.
  std::string deep(1000000, '\x01');
  deep += '\x00';
  CHECK(!decode_value<Node>(stored_value<Node>(deep)).has_value());
}

void custom_codecs() {
  CHECK(round_trips(Handle("/data/input.csv")));
  CHECK(round_trips(std::vector<Handle>{Handle("a"), Handle("b")}));
  CHECK(round_trips(Percent{100}));
  CHECK(!decode_value<Percent>(stored_value<Percent>(varint(202))).has_value());  // zigzag 101
  CHECK(!decode_value<std::vector<Percent>>(
             stored_value<std::vector<Percent>>(varint(2) + varint(2) + varint(202)))
             .has_value());
}

void decoder_reports_failures_as_values() {
  const std::string bytes = varint(202);
  picocache::Decoder decoder(bytes);
  const Percent percent = decoder.read<Percent>();
  CHECK(decoder.failed());
  CHECK(percent == Percent{});
  CHECK(decoder.error() ==
        "picocache: cannot decode value at byte 0 of 2: percent 101 is not "
        "within 0..100");
  // After a failure, reads return neutral values and the first message stays.
  CHECK(decoder.read_varint() == 0);
  CHECK(decoder.read_bytes().empty());
  decoder.fail("second failure", 0);
  CHECK(decoder.error().find("percent 101") != std::string::npos);
  // The checked path (a value large in memory for its size) at exactly the depth limit.
  using Nested = std::vector<std::vector<std::string>>;
  const Nested nested{std::vector<std::string>(300000)};
  std::string nested_bytes;
  picocache::Encoder(nested_bytes).write(nested);
  picocache::CodecLimits three;
  three.max_depth = 3;
  picocache::Decoder at_limit(nested_bytes, three);
  CHECK(at_limit.read<Nested>() == nested);
  at_limit.expect_end();
  CHECK(!at_limit.failed());
  picocache::CodecLimits two;
  two.max_depth = 2;
  picocache::Decoder beyond(nested_bytes, two);
  static_cast<void>(beyond.read<Nested>());
  CHECK(beyond.failed());
  CHECK(beyond.error().find("depth limit of 2") != std::string::npos);
  picocache::Decoder fine(bytes);
  CHECK(fine.read<int>() == 101);
  fine.expect_end();
  CHECK(!fine.failed());
}

}  // namespace

int main() {
  round_trips_of_standard_types();
  hostile_bytes_are_misses();
  custom_codecs();
  decoder_reports_failures_as_values();
  if (failures != 0) {
    std::printf("%d checks failed\n", failures);
    return 1;
  }
  std::printf("codec_no_exceptions_test: all checks passed\n");
  return 0;
}

// Decoder: reads values back from bytes written by an Encoder in value mode. The bytes come from
// a shared store and are untrusted: every read is bounds-checked, every length is checked against
// the bytes left, and nesting depth, element count and size are checked against CodecLimits
// before anything is allocated or recursed into. Anything wrong is a failure: DecodeError, or
// under -fno-exceptions a recorded failure (see exception_mode.hpp).
//
// Amplification: a few bytes can legitimately decode into much more memory (an empty std::string
// is 1 byte on the wire and 32 in memory). So a value whose elements would take more memory than
// its bytes' size plus kUncheckedBuildSlack is read again, and this time every value whose codec
// has a skip is first read through without being built (skip<T>) and built only when all of it
// is well-formed: the outermost value when it is of a standard type, else each such value met
// inside codecs without skip (records, users' codecs). So corrupt bytes are rejected with little
// memory spent; only well-formed values before the corruption (fields of a record before a
// corrupt field) are built in full.
//
// "Fails" below means: calls fail(), which throws DecodeError, or under -fno-exceptions records
// the failure and returns. Nothing else throws here except std::bad_alloc (failure messages and
// what codecs build) and what a Codec<T>::decode throws.
#pragma once

#include <picocache/codec/codec_limits.hpp>
#include <picocache/codec/codec_traits.hpp>
#include <picocache/codec/cold_path.hpp>
#include <picocache/codec/decode_error.hpp>
#include <picocache/codec/exception_mode.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>

namespace picocache {
namespace detail {

// Memory a value may build beyond its bytes' size before the whole value is checked first.
inline constexpr std::size_t kUncheckedBuildSlack = std::size_t{1} << 20;

// Thrown (with exceptions) when a value builds past its budget: caught by the outermost
// Decoder::read, which checks the whole value and builds it again. Not a std::exception, so that
// codecs catching DecodeError or std::exception do not swallow it.
struct BuildBudgetExceeded {};

}  // namespace detail

inline namespace PICOCACHE_DECODE_NAMESPACE {

class Decoder {
 public:
  // Views `in` (which must outlive the decoder); `limits` are those the bytes were encoded under.
  explicit Decoder(std::string_view in, const CodecLimits& limits = kDefaultCodecLimits)
      : in_(in), limits_(limits) {}
  // The decoder only views its input: a temporary std::string would be gone before the first
  // read. (A template, so that string literals still pick the string_view constructor.)
  template <class String, class = std::enable_if_t<std::is_same_v<String, std::string>>>
  explicit Decoder(String&&) = delete;
  template <class String, class = std::enable_if_t<std::is_same_v<String, std::string>>>
  Decoder(String&&, const CodecLimits&) = delete;

  // One byte. Fails when no byte is left; returns 0 after a failure.
  std::uint8_t read_u8() {
    if (!require(1, "a byte")) return 0;
    return static_cast<std::uint8_t>(in_[position_++]);
  }

  // An unsigned LEB128 varint, as Encoder::write_varint writes it. Fails on truncation, on more
  // than 64 bits and on a padded (non-canonical) encoding; returns 0 after a failure.
  std::uint64_t read_varint() {
    // Most varints (lengths, counts, small integers) are one byte: read it here, inline.
    if (!failed() && position_ < in_.size()) {
      const auto first = static_cast<std::uint8_t>(in_[position_]);
      if (first < 0x80) {
        ++position_;
        return first;
      }
    }
    const std::size_t start = position_;
    std::uint64_t value = 0;
    for (unsigned shift = 0;; shift += 7) {
      const std::uint8_t byte = read_u8();
      if (failed()) return 0;
      // The 10th byte holds only bit 63; anything more would not fit in 64 bits.
      if (shift == 63 && byte > 1) {
        fail("varint longer than 64 bits", start);
        return 0;
      }
      value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) {
        // A zero final byte means padding: an Encoder never writes it, so these are not our bytes.
        if (byte == 0 && shift != 0) {
          fail("non-canonical varint", start);
          return 0;
        }
        return value;
      }
    }
  }

  // A zigzag varint, as Encoder::write_signed writes it. Fails as read_varint does.
  std::int64_t read_signed() {
    const std::uint64_t zigzag = read_varint();
    const auto magnitude = static_cast<std::int64_t>(zigzag >> 1);
    return (zigzag & 1) != 0 ? ~magnitude : magnitude;
  }

  // 8 little-endian bytes of an IEEE 754 double, any bit pattern. Fails on truncation; returns
  // 0.0 after a failure.
  double read_double() {
    const std::string_view bytes = read_raw(8);
    if (bytes.size() != 8) return 0.0;
    std::uint64_t bits = 0;
    for (std::size_t i = 8; i-- > 0;) bits = (bits << 8) | static_cast<std::uint8_t>(bytes[i]);
    double value;
    std::memcpy(&value, &bits, sizeof value);
    return value;
  }

  // Length-prefixed bytes, as Encoder::write_bytes writes them: a view into the input (copy it
  // before the input goes). Fails when the length exceeds the bytes left; returns an empty view
  // after a failure. The bytes are not elements: they count against max_size only.
  std::string_view read_bytes() {
    const std::size_t start = position_;
    const std::uint64_t size = read_varint();
    if (size > remaining()) {
      fail_length(size, start);
      return {};
    }
    return read_raw(static_cast<std::size_t>(size));
  }

  // The next `size` bytes, no prefix. Fails when fewer are left; returns an empty view after a
  // failure.
  std::string_view read_raw(std::size_t size) {
    if (!require(size, "raw bytes")) return {};
    const std::string_view bytes = in_.substr(position_, size);
    position_ += size;
    return bytes;
  }

  // A container's element count (varint), for a codec about to read that many elements. Fails,
  // before anything is allocated, when the count would take the value past max_elements, or when
  // `count * min_element_bytes` exceeds the bytes left (pass the fewest bytes an element encodes
  // to, detail::kMinEncodedSizeOf<T>, or 0 for elements that may encode to nothing). Returns 0
  // after a failure. Reserve at most a few thousand elements up front even so: a count is a
  // promise of the input, not a fact (container_support.hpp).
  std::size_t read_count(std::size_t min_element_bytes = 1) {
    const std::size_t start = position_;
    const std::uint64_t count = read_varint();
    const std::size_t elements_left =
        elements_ < limits_.max_elements ? limits_.max_elements - elements_ : 0;
    if (count > elements_left) {
      fail_count_over_elements(count, start);
      return 0;
    }
    if (min_element_bytes != 0 && count > remaining() / min_element_bytes) {
      fail_count_over_bytes(count, start);
      return 0;
    }
    return static_cast<std::size_t>(count);
  }

  // Bytes not read yet.
  std::size_t remaining() const { return in_.size() - position_; }
  // Bytes read so far: where the next read starts. Take it before a read to name the value's
  // start in a fail() message.
  std::size_t position() const { return position_; }
  // The limits this decoder enforces (kDefaultCodecLimits unless given).
  const CodecLimits& limits() const { return limits_; }

  // Fails unless every byte of the input has been read (trailing bytes mean these are not the
  // bytes of one value), or when the input exceeds max_size.
  void expect_end() const {
    if (in_.size() > limits_.max_size) {
      fail_oversize();
    } else if (remaining() != 0) {
      fail(std::to_string(remaining()) + " trailing bytes after the value", position_);
    }
  }

  // Reads one T through Codec<T>::decode. The outermost read checks the input's size against
  // max_size; every read counts one level of depth and one element against the limits and fails
  // before recursing past them. Under -fno-exceptions, returns a value built from neutral reads
  // after a failure: check failed() before using it.
  template <class T>
  T read() {
    static_assert(detail::has_decode<T>::value,
                  "picocache: no Codec<T>::decode for this type, so it cannot be a cached "
                  "function's result (std::string_view, for one, is encode-only: return "
                  "std::string). Specialise picocache::Codec<T> (see picocache/codec.hpp)");
    if constexpr (detail::has_decode<T>::value) {
      if (depth_ == 0) return read_outermost<T>();
      return read_nested<T>();
    }
  }

  // Reads past one T without building it: Codec<T>::skip when the codec has one (every standard
  // container, string, optional, variant, tuple and array codec does), else read<T>() and drop the
  // result. Counts depth and elements as read<T> does, so it fails exactly where read<T> would.
  // A codec's skip must read exactly the bytes its decode reads and fail where decode fails.
  template <class T>
  void skip() {
    if constexpr (detail::has_skip<T>::value) {
      const Level level(*this, 0);
      if (!failed()) Codec<T>::skip(*this);
    } else {
      static_cast<void>(read_nested<T>());
    }
  }

  // Fails the decode, saying what was wrong with the value that starts at byte `at`; for codecs
  // that validate what they read. With exceptions it throws DecodeError (so it does not return).
  // Under -fno-exceptions it records the first failure and returns: return any value after it
  // (T{} will do); every later read returns a neutral value and decode_value reports a miss.
  PICOCACHE_DECODE_NORETURN void fail(const std::string& what, std::size_t at) const {
#if defined(__cpp_exceptions)
    throw DecodeError(message(what, at));
#else
    if (failed_) return;  // the first failure is the one that explains the rest
    failed_ = true;
    error_ = message(what, at);
#endif
  }

  // Whether a read failed. Always false with exceptions (a failure throws instead); under
  // -fno-exceptions, codecs that loop over a count should stop once it is true.
  bool failed() const { return failed_; }

  // The first failure's message, under -fno-exceptions; empty otherwise.
  const std::string& error() const { return error_; }

 private:
  // One level of nesting, counted while a read<T> or skip<T> runs.
  class Level {
   public:
    Level(Decoder& decoder, std::size_t built_bytes) : decoder_(decoder) {
      decoder.enter(built_bytes);
    }
    ~Level() { --decoder_.depth_; }
    Level(const Level&) = delete;
    Level& operator=(const Level&) = delete;

   private:
    Decoder& decoder_;
  };

  void enter(std::size_t built_bytes) {
    if (++depth_ > limits_.max_depth) {
      fail_depth();
    } else if (++elements_ > limits_.max_elements) {
      fail_elements();
    }
    built_bytes_ += built_bytes;
    if (built_bytes_ > build_budget_) {
#if defined(__cpp_exceptions)
      throw detail::BuildBudgetExceeded{};
#else
      over_budget_ = true;
      failed_ = true;
#endif
    }
  }

  template <class T>
  T read_nested() {
    if constexpr (detail::has_skip<T>::value) {
      if (check_before_build_ && !in_checked_value_) return check_then_build<T>();
    }
    const Level level(*this, sizeof(T));
    return Codec<T>::decode(*this);
  }

  // The first attempt builds within a budget of the input's size plus kUncheckedBuildSlack. A
  // value that needs more is read again with every value that has a skip checked before it is
  // built (the outermost one, or each one met inside a codec without skip), without a budget.
  template <class T>
  T read_outermost() {
    if (in_.size() > limits_.max_size) {
      fail_oversize();
      return read_nested<T>();  // under -fno-exceptions: a neutral value
    }
    const std::size_t start = position_;
    const std::size_t elements_before = elements_;
    build_budget_ = remaining() + detail::kUncheckedBuildSlack;
    built_bytes_ = 0;
#if defined(__cpp_exceptions)
    try {
      return read_nested<T>();
    } catch (const detail::BuildBudgetExceeded&) {
      // ignored: the value is read again below, checked before it is built
    }
#else
    {
      T first = read_nested<T>();
      if (!over_budget_) return first;
    }
    over_budget_ = false;
    failed_ = false;
    error_.clear();
#endif
    build_budget_ = std::numeric_limits<std::size_t>::max();
    position_ = start;
    depth_ = 0;  // a throw leaves the level whose enter() threw counted
    elements_ = elements_before;
    check_before_build_ = true;
    T value = read_nested<T>();
    check_before_build_ = false;
    return value;
  }

  // Reads past a T (allocating nothing for standard types), then, if it is well-formed, goes back
  // and builds it; values inside it are not checked again.
  template <class T>
  T check_then_build() {
    const std::size_t start = position_;
    const std::size_t elements_before = elements_;
    skip<T>();
    if (!failed()) {
      position_ = start;
      elements_ = elements_before;
    }  // else (under -fno-exceptions) build a neutral value from the failed decoder
    in_checked_value_ = true;
    const Level level(*this, sizeof(T));
    T value = Codec<T>::decode(*this);
    in_checked_value_ = false;
    return value;
  }

  bool require(std::size_t size, const char* what) const {
    if (failed()) return false;
    if (size > remaining()) {
      fail_truncated(size, what);
      return false;
    }
    return true;
  }

  // The failures of the reads above, out of line (cold_path.hpp).
  PICOCACHE_COLD void fail_truncated(std::size_t size, const char* what) const {
    fail("truncated: needed " + std::to_string(size) + " bytes of " + what + ", " +
             std::to_string(remaining()) + " left",
         position_);
  }
  PICOCACHE_COLD void fail_length(std::uint64_t size, std::size_t start) const {
    fail("length " + std::to_string(size) + " exceeds the " + std::to_string(remaining()) +
             " bytes left",
         start);
  }
  PICOCACHE_COLD void fail_count_over_elements(std::uint64_t count, std::size_t start) const {
    fail("count " + std::to_string(count) + " exceeds the element limit (" +
             std::to_string(limits_.max_elements) + " values, " + std::to_string(elements_) +
             " read)",
         start);
  }
  PICOCACHE_COLD void fail_count_over_bytes(std::uint64_t count, std::size_t start) const {
    fail("count " + std::to_string(count) + " exceeds the " + std::to_string(remaining()) +
             " bytes left",
         start);
  }
  PICOCACHE_COLD void fail_depth() const {
    fail("nested deeper than the depth limit of " + std::to_string(limits_.max_depth) + " levels",
         position_);
  }
  PICOCACHE_COLD void fail_elements() const {
    fail("more values than the element limit of " + std::to_string(limits_.max_elements),
         position_);
  }
  PICOCACHE_COLD void fail_oversize() const {
    fail("the value's " + std::to_string(in_.size()) + " bytes exceed the size limit of " +
             std::to_string(limits_.max_size),
         0);
  }

  std::string message(const std::string& what, std::size_t at) const {
    return "picocache: cannot decode value at byte " + std::to_string(at) + " of " +
           std::to_string(in_.size()) + ": " + what;
  }

  std::string_view in_;
  CodecLimits limits_;
  std::size_t position_ = 0;
  std::size_t depth_ = 0;
  std::size_t elements_ = 0;
  std::size_t built_bytes_ = 0;  // sizeof of every value read so far: what building them takes
  std::size_t build_budget_ = std::numeric_limits<std::size_t>::max();
  bool check_before_build_ = false;  // the second attempt, after the budget was exceeded
  bool in_checked_value_ = false;    // inside a value check_then_build checked
  // Failure state under -fno-exceptions; mutable so that the const checks (expect_end) and fail
  // can record it.
  mutable bool failed_ = false;
  mutable std::string error_;
#if !defined(__cpp_exceptions)
  bool over_budget_ = false;
#endif
};

}  // namespace PICOCACHE_DECODE_NAMESPACE
}  // namespace picocache

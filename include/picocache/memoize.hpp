// What a generated wrapper calls: one CachedFunction object per cached function, and memoize<R>(),
// which looks the call up in the process's store and runs the original body on a miss. C++17.
//
// The shape picocache-gen emits, which this header must keep compiling, is pinned by the lit test
// tests/lit/gen/free_function.cpp (free functions: the wrapper calls memoize<R> with an encoder
// lambda and a lambda calling the body function) and tests/lit/gen/members.cpp (members).
//
// The constructor call picocache-gen emits (pinned by tests/lit/gen/free_function.cpp):
//
//   static ::picocache::CachedFunction& function = *new ::picocache::CachedFunction{
//       ::picocache::address_of<long (*)(int)>(&::fib), "fib", "long (int)",
//       "fp:<32 hex: the code fingerprint>", ::picocache::key_schema<int>(), 256ULL, false};
//
// The code version is "fp:" and the generator's fingerprint of the function's code, or "v:" and
// the annotation's `version`. A function whose annotation sets `single_flight`, `lock_timeout` or
// `ttl` gets a last argument, every field given (C++17 aggregate order;
// -Wmissing-field-initializers); without it the defaults apply:
//
//       ..., ::picocache::FunctionOptions{true, ::std::chrono::milliseconds(30000), ...}};
//
// The template stays thin: the store, its failures and the warnings live in the runtime library
// (picocache::detail::lookup and remember), so user code compiles little and never sees a store.
#pragma once

#include <picocache/codec.hpp>
#include <picocache/key.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace picocache {

// maxsize=none: the store never evicts this function's entries.
inline constexpr std::uint64_t unbounded = ~std::uint64_t{0};

// The bytes of a function pointer or member function pointer, zero-padded: how cache_info(fn)
// finds the CachedFunction of `fn`.
using FunctionAddress = std::array<unsigned char, 16>;

template <class F>
FunctionAddress address_of(F fn) {
  static_assert((std::is_pointer_v<F> && std::is_function_v<std::remove_pointer_t<F>>) ||
                    std::is_member_function_pointer_v<F>,
                "picocache: address_of takes a function pointer or a member function pointer");
  static_assert(sizeof(F) <= sizeof(FunctionAddress),
                "picocache: unexpected function pointer size");
  FunctionAddress address{};
  std::memcpy(address.data(), &fn, sizeof fn);
  return address;
}

// How long a miss waits for another caller's computation of the same key, unless the annotation's
// `lock_timeout` says otherwise.
inline constexpr std::chrono::milliseconds kDefaultLockTimeout = std::chrono::minutes(10);

// ttl=none: an entry never expires by age (only eviction or a clear removes it).
inline constexpr std::chrono::milliseconds kNoTtl{0};

// Per-function options beyond the generated constructor's first seven arguments (the annotation's
// `single_flight`, `lock_timeout` and `ttl` keys). Defaults apply when generated code passes none.
struct FunctionOptions {
  // Concurrent misses of one key (threads, processes, machines) run the body once; the others
  // wait for its result. False: every miss runs the body.
  bool single_flight = true;
  // The longest a miss waits for another caller's computation before running the body itself.
  std::chrono::milliseconds lock_timeout = kDefaultLockTimeout;
  // An entry older than this, counted from when it was written, is a miss (kNoTtl: never).
  std::chrono::milliseconds ttl = kNoTtl;
};

// hash64 of the schemas of the key's types (std::decay_t of each; for a non-static member the
// class first, then the parameters), each followed by '\0': part of a function's id(), so keys
// written for another shape of an argument type (two same-typed fields swapped) never match.
// User Codec specialisations count through their describe(). Throws only std::bad_alloc.
template <class... Ts>
std::uint64_t key_schema() {
  std::string schemas;
  ((schemas += schema_of<std::decay_t<Ts>>(), schemas += '\0'), ...);
  return hash64(schemas);
}

// One cached function: its identity in the store and this process's hit/miss counts. Generated
// code defines one at namespace scope per cached function; it registers itself in the process's
// registry (for cache_info and friends) on construction and unregisters on destruction.
class CachedFunction {
 public:
  // What generated code calls. `code_version` is "fp:<32 hex>" (the code fingerprint) or
  // "v:<text>" (the annotation's `version`); `key_schema` is key_schema<key types...>(). Both are
  // part of id(), so results of other code or of other shapes of the argument types never match.
  CachedFunction(FunctionAddress address, const char* qualified_name, const char* signature,
                 const char* code_version, std::uint64_t key_schema, std::uint64_t maxsize,
                 bool typed, FunctionOptions options = {});
  // For hand-written instances (tests, benchmarks): code version "" and key schema 0.
  CachedFunction(FunctionAddress address, const char* qualified_name, const char* signature,
                 std::uint64_t maxsize, bool typed, FunctionOptions options = {});
  ~CachedFunction();

  CachedFunction(const CachedFunction&) = delete;
  CachedFunction& operator=(const CachedFunction&) = delete;

  const FunctionAddress& address() const { return address_; }
  const std::string& qualified_name() const { return qualified_name_; }
  const std::string& signature() const { return signature_; }
  // "qualified_name signature": how listings and error messages name the function.
  const std::string& display_name() const { return display_name_; }
  // "fp:<32 hex>" or "v:<version>" (see the constructor); "" for a hand-written instance.
  const std::string& code_version() const { return code_version_; }
  // 32 hex digits of hash_key(qualified_name '\0' signature '\0'): the same for every code
  // version of the function (how superseded versions are found).
  const std::string& family_id() const { return family_id_; }
  // 32 hex digits of hash_key(qualified_name '\0' signature '\0' code_version '\0' <16 hex of
  // key_schema> '\0' <key and value format versions> '\0'): the store's name for this version.
  const std::string& id() const { return id_; }
  std::uint64_t key_schema() const { return key_schema_; }
  std::uint64_t maxsize() const { return maxsize_; }
  bool typed() const { return typed_; }
  bool single_flight() const { return options_.single_flight; }
  std::chrono::milliseconds lock_timeout() const { return options_.lock_timeout; }
  // How long an entry stays fresh after it was written; kNoTtl: for ever.
  std::chrono::milliseconds ttl() const { return options_.ttl; }

  std::uint64_t hits() const { return hits_.load(std::memory_order_relaxed); }
  std::uint64_t misses() const { return misses_.load(std::memory_order_relaxed); }
  void count_hit() { hits_.fetch_add(1, std::memory_order_relaxed); }
  void count_miss() { misses_.fetch_add(1, std::memory_order_relaxed); }
  void reset_counters() {
    hits_.store(0, std::memory_order_relaxed);
    misses_.store(0, std::memory_order_relaxed);
  }

 private:
  FunctionAddress address_;
  std::string qualified_name_;
  std::string signature_;
  std::string display_name_;
  std::string code_version_;
  std::uint64_t key_schema_;
  std::string family_id_;
  std::string id_;
  std::uint64_t maxsize_;
  bool typed_;
  FunctionOptions options_;
  std::atomic<std::uint64_t> hits_{0};
  std::atomic<std::uint64_t> misses_{0};
};

namespace detail {

// The version of the key encoding (Encoder's key modes): part of every function's id().
inline constexpr std::uint8_t kKeyFormatVersion = 1;
// The version byte that starts every stored value; a value with another version is a miss.
inline constexpr std::uint8_t value_format_version = 1;
// Version byte + 8-byte little-endian schema fingerprint of the result type.
inline constexpr std::size_t value_header_size = 9;

// Decodes a stored value (header included) into *out, a std::optional of the result type;
// false when it does not decode. How the runtime hands a value it found to the caller's result
// type without copying the bytes (decode_into<R> below).
using DecodeInto = bool (*)(std::string_view stored, void* out);

// Looks the call up, in the in-process tier and then the process's store, and decodes the value
// found with `decode` into `out`: true when `out` then holds the result. False on absence, on
// store failure (reported once, never thrown), when the entry was stored for other `arguments`
// (a hash collision: the entry's argument check does not match) or when the value does not
// decode. A tier hit decodes under the tier's lock; a codec that calls a cached function from
// its decode finds the tier absent for that nested call. Defined in the runtime library.
bool lookup(CachedFunction& fn, const Key128& key, std::string_view arguments, DecodeInto decode,
            void* out);

// Stores `value` (header included) for `key`, with the check of `arguments`, evicting down to
// fn.maxsize(). Store failures are reported once and never thrown. Defined in the runtime
// library.
void remember(CachedFunction& fn, const Key128& key, std::string_view arguments, std::string value);

// A result of `fn` that cannot be stored because it is beyond the codec limits (`reason` says
// which): counts it in picocache::unstorable_results() and logs one warning per function. Never
// throws. Defined in the runtime library (unstorable_results.cpp).
void report_unstorable(CachedFunction& fn, std::string_view reason);

// The stored form of `result`, or nullopt when it is beyond the codec limits (then reported with
// report_unstorable: the caller returns it without storing it).
template <class R>
std::optional<std::string> storable_value(CachedFunction& fn, const R& result);

struct FlightState;

// One miss under single-flight (runtime/single_flight.hpp has the protocol). The constructor
// either waits for another caller's computation of the same key, in this process or another,
// and then waited_value() holds its stored value; or it makes this call the key's leader (taking
// the store's lease), and the caller runs the body and passes the value to finish(). Destroying
// a leader that did not finish (the body threw) releases the waiters at once, storing nothing.
class Flight {
 public:
  Flight(CachedFunction& fn, const Key128& key, std::string_view arguments);
  ~Flight();
  Flight(const Flight&) = delete;
  Flight& operator=(const Flight&) = delete;

  // The value (header included) another caller computed while this one waited, or nullopt.
  const std::optional<std::string>& waited_value() const { return waited_; }
  // Counts this call as a hit that waited (cache_info's hits, store_counters().waited).
  void count_waited();
  // Stores `value` for the key, hands it to this process's waiters, and releases the lease.
  void finish(std::string value);

 private:
  CachedFunction& fn_;
  const Key128& key_;
  std::string_view arguments_;
  FlightState* led_ = nullptr;  // the in-process flight this call leads, or nullptr
  std::optional<std::string> waited_;
};

inline void append_value_header(std::string& out, std::uint64_t fingerprint) {
  out.push_back(static_cast<char>(value_format_version));
  for (int i = 0; i < 8; ++i) {
    out.push_back(static_cast<char>(static_cast<std::uint8_t>(fingerprint)));
    fingerprint >>= 8;
  }
}

// The payload after a header that matches `fingerprint`, or nullopt: a value written by another
// format version or for another shape of the result type is a miss, never misread.
inline std::optional<std::string_view> value_payload(std::string_view stored,
                                                     std::uint64_t fingerprint) {
  if (stored.size() < value_header_size ||
      static_cast<std::uint8_t>(stored[0]) != value_format_version) {
    return std::nullopt;
  }
  std::uint64_t found = 0;
  for (std::size_t i = 8; i >= 1; --i) found = (found << 8) | static_cast<std::uint8_t>(stored[i]);
  if (found != fingerprint) return std::nullopt;
  return stored.substr(value_header_size);
}

// The stored value of `result` (header, then its encoding), or nullopt when the encoding is beyond
// kDefaultCodecLimits, which decode_value would reject; `why` then says which limit (the test
// CodecLimitsEncoder.OversizeResultIsRefused pins it). Throws only what the result's codecs throw.
template <class R>
std::optional<std::string> encode_value(const R& result, std::string* why = nullptr) {
  std::string bytes;
  append_value_header(bytes, schema_fingerprint<R>());
  Encoder encoder(bytes, EncodeMode::value, kDefaultCodecLimits);
  encoder.write(result);
  if (!encoder.within_limits()) {
    if (why != nullptr) *why = encoder.limit_error();
    return std::nullopt;
  }
  return bytes;
}

inline namespace PICOCACHE_DECODE_NAMESPACE {

// The result decoded from a stored value, or nullopt when the header does not match or the
// payload does not decode exactly within kDefaultCodecLimits (bytes from a shared store are
// untrusted). Never throws: with exceptions, whatever a codec throws (DecodeError or any
// std::exception) is a miss; under -fno-exceptions a failure the decoder recorded is a miss.
template <class R>
std::optional<R> decode_value(std::string_view stored) {
  const std::optional<std::string_view> payload = value_payload(stored, schema_fingerprint<R>());
  if (!payload) return std::nullopt;
#if defined(__cpp_exceptions)
  try {
#endif
    Decoder decoder(*payload, kDefaultCodecLimits);
    std::optional<R> result(decoder.read<R>());
    decoder.expect_end();
    if (decoder.failed()) return std::nullopt;
    return result;
#if defined(__cpp_exceptions)
  } catch (const std::exception&) {  // DecodeError, or whatever a user's codec throws
    return std::nullopt;
  }
#endif
}

// A DecodeInto for result type R: `out` is a std::optional<R>.
template <class R>
bool decode_into(std::string_view stored, void* out) {
  auto& result = *static_cast<std::optional<R>*>(out);
  result.reset();
  if (std::optional<R> decoded = decode_value<R>(stored)) result.emplace(std::move(*decoded));
  return result.has_value();
}

}  // namespace PICOCACHE_DECODE_NAMESPACE
template <class R>
std::optional<std::string> storable_value(CachedFunction& fn, const R& result) {
  std::string why;  // stays empty (no allocation) unless the result is unstorable
  std::optional<std::string> value = encode_value(result, &why);
  if (!value) report_unstorable(fn, why);
  return value;
}

}  // namespace detail

// Returns fn's result for the arguments `encode_args` writes: from the store on a hit, else by
// running `body` and storing what it returns (with fn.single_flight(), concurrent misses of one
// key run `body` once and the others return its result). Exceptions from `body` propagate and store
// nothing; store failures never reach the caller (the call runs uncached and one warning is
// logged). A result beyond the codec limits is returned but not stored (detail::report_unstorable).
template <class R, class EncodeArgs, class Body>
R memoize(CachedFunction& fn, EncodeArgs&& encode_args, Body&& body) {
  static_assert(!std::is_void_v<R> && !std::is_reference_v<R>,
                "picocache: a cached function must return a value (not void, not a reference)");
  if (fn.maxsize() == 0) {  // maxsize=0 caches nothing, as lru_cache(maxsize=0)
    fn.count_miss();
    return std::forward<Body>(body)();
  }
  std::string arguments;
  Encoder encoder(arguments, fn.typed() ? EncodeMode::typed_key : EncodeMode::key);
  std::forward<EncodeArgs>(encode_args)(encoder);
  const Key128 key = hash_key(arguments);

  std::optional<R> found;
  if (detail::lookup(fn, key, arguments, &detail::decode_into<R>, &found)) {
    fn.count_hit();
    return std::move(*found);
  }
  if (!fn.single_flight()) {
    fn.count_miss();
    R result = std::forward<Body>(body)();
    if (std::optional<std::string> value = detail::storable_value(fn, result)) {
      detail::remember(fn, key, arguments, std::move(*value));
    }
    return result;
  }
  // A miss: wait for a computation of this key under way elsewhere, or lead it.
  detail::Flight flight(fn, key, arguments);
  if (const std::optional<std::string>& waited = flight.waited_value()) {
    if (std::optional<R> result = detail::decode_value<R>(*waited)) {
      flight.count_waited();
      return std::move(*result);
    }
  }
  fn.count_miss();
  R result = std::forward<Body>(body)();
  if (std::optional<std::string> value = detail::storable_value(fn, result)) {
    flight.finish(std::move(*value));
  }  // else the flight ends unfinished: this process's waiters run the body themselves
  return result;
}

}  // namespace picocache

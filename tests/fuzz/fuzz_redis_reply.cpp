// Fuzz target: Redis replies as the Redis store receives them. The store's reply checks live
// inside RedisStore's member functions (runtime/stores/redis_store.cpp), so this target feeds
// the bytes to hiredis' redisReader, as the store's connection does, in pieces whose sizes come
// from the input, and applies to each reply the checks the store makes: the type switch of get,
// size, clear and functions, and the error-reply wording. Fed whole or in pieces, the same bytes
// must give the same replies.
#include "fuzz_check.hpp"

#include <hiredis/hiredis.h>
#include <hiredis/read.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace {

using picocache::fuzz::check;

struct ReaderDeleter {
  void operator()(redisReader* reader) const { redisReaderFree(reader); }
};
struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

std::string_view text_of(const redisReply& reply) {
  return reply.str != nullptr ? std::string_view(reply.str, reply.len) : std::string_view();
}

// The store's handling of one reply, flattened to text: what get returns or fails with, what
// size and clear read, the id/name pairs functions() takes from an array.
void describe(const redisReply& reply, std::string& out, int depth) {
  check(depth < 64, "reply nesting deeper than hiredis' limit");
  switch (reply.type) {
    case REDIS_REPLY_NIL:
      out += "nil;";
      break;
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
      check(reply.str != nullptr || reply.len == 0, "a string reply without its bytes");
      out += "s:" + std::string(text_of(reply)) + ";";
      break;
    case REDIS_REPLY_ERROR: {
      const std::string_view text = text_of(reply);
      out += text.substr(0, 6) == "NOAUTH" ? "noauth;" : "error;";
      out += std::string(text) + ";";
      break;
    }
    case REDIS_REPLY_INTEGER:
      out += "i:" + std::to_string(static_cast<std::uint64_t>(reply.integer)) + ";";
      break;
    case REDIS_REPLY_ARRAY:
      check(reply.elements == 0 || reply.element != nullptr, "an array without its elements");
      out += "[" + std::to_string(reply.elements) + ";";
      for (std::size_t i = 0; i < reply.elements; ++i) {
        check(reply.element[i] != nullptr, "a null array element");
        describe(*reply.element[i], out, depth + 1);
      }
      // functions(): id/name pairs from any element type, read as the store reads them.
      for (std::size_t i = 0; i + 1 < reply.elements; i += 2) {
        out += std::string(text_of(*reply.element[i])) + "=" +
               std::string(text_of(*reply.element[i + 1])) + ",";
      }
      out += "]";
      break;
    default:
      out += "other;";
  }
}

// Every reply `bytes` holds, fed in pieces of the given sizes (cycled); "!" marks a protocol
// error, after which hiredis' reader is unusable (the store drops the connection).
std::string read_all(std::string_view bytes, const std::vector<std::size_t>& pieces) {
  const std::unique_ptr<redisReader, ReaderDeleter> reader(redisReaderCreate());
  check(reader != nullptr, "redisReaderCreate failed");
  std::string out;
  std::size_t fed = 0;
  for (std::size_t piece = 0; fed < bytes.size(); ++piece) {
    const std::size_t n = std::min(pieces[piece % pieces.size()], bytes.size() - fed);
    if (redisReaderFeed(reader.get(), bytes.data() + fed, n) != REDIS_OK) return out + "!";
    fed += n;
    for (;;) {
      void* raw = nullptr;
      if (redisReaderGetReply(reader.get(), &raw) != REDIS_OK) return out + "!";
      if (raw == nullptr) break;
      const ReplyPtr reply(static_cast<redisReply*>(raw));
      describe(*reply, out, 0);
      out += "\n";
    }
  }
  return out;
}

// Whether a line of `bytes` starts an array header "*N" with N above kMaxElements. hiredis
// (0.14, Debian's) callocs N pointers as soon as it reads the header, before any element arrives,
// so "*2147483647" costs 16 GiB: a known finding (the store sets no limit). Such inputs are
// skipped so that a run explores the rest instead of stopping at the same out-of-memory report.
constexpr long long kMaxElements = 1 << 16;
bool has_huge_array_header(std::string_view bytes) {
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (bytes[i] != '*' || (i != 0 && bytes[i - 1] != '\n')) continue;
    long long count = 0;
    for (std::size_t j = i + 1; j < bytes.size() && bytes[j] >= '0' && bytes[j] <= '9'; ++j) {
      count = count * 10 + (bytes[j] - '0');
      if (count > kMaxElements) return true;
    }
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::vector<std::size_t> pieces;
  for (std::uint8_t sizes = data[0]; pieces.size() < 3; sizes >>= 3)
    pieces.push_back(sizes % 8 + 1);
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (has_huge_array_header(bytes)) return -1;  // libFuzzer: do not add it to the corpus
  const std::string whole = read_all(bytes, {bytes.size() + 1});
  const std::string in_pieces = read_all(bytes, pieces);
  check(whole == in_pieces, "replies differ when the bytes arrive in pieces");
  return 0;
}

// pack_entry / unpack_entry: see entry_envelope.hpp for the layout.
#include "stores/entry_envelope.hpp"

#include "entry_check.hpp"

#include <stdexcept>

namespace picocache {
namespace {

constexpr std::size_t kFixedSize = 1 + 8 + 1;

}  // namespace

std::string pack_entry(std::string_view check, std::int64_t written_at, std::string_view value) {
  if (check.size() > kMaxCheckSize) throw std::logic_error("picocache: argument check too long");
  std::string out;
  out.reserve(kFixedSize + check.size() + value.size());
  out.push_back(static_cast<char>(kEnvelopeVersion));
  auto time = static_cast<std::uint64_t>(written_at);
  for (int i = 0; i < 8; ++i, time >>= 8) out.push_back(static_cast<char>(time & 0xff));
  out.push_back(static_cast<char>(check.size()));
  out.append(check);
  out.append(value);
  return out;
}

std::optional<StoredEntry> unpack_entry(std::string_view stored) {
  if (stored.size() < kFixedSize || static_cast<unsigned char>(stored[0]) != kEnvelopeVersion) {
    return std::nullopt;
  }
  std::uint64_t time = 0;
  for (int i = 8; i >= 1; --i) time = (time << 8) | static_cast<unsigned char>(stored[i]);
  const std::size_t check_size = static_cast<unsigned char>(stored[9]);
  if (check_size > kMaxCheckSize || stored.size() < kFixedSize + check_size) return std::nullopt;
  StoredEntry entry;
  entry.written_at = static_cast<std::int64_t>(time);
  entry.check = std::string(stored.substr(kFixedSize, check_size));
  entry.value = std::string(stored.substr(kFixedSize + check_size));
  return entry;
}

}  // namespace picocache

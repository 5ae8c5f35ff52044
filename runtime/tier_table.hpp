// One function's entries in the in-process tier (memory_tier.cpp): a hash table of Key128 with
// open addressing and linear probing over 64-byte slots. Each slot holds an entry's key, its
// bookkeeping and a pointer to one block with the call's argument bytes and then the value. A hit
// reads one slot and that block: two cache misses at 100,000 keys, where libstdc++'s
// std::unordered_map reads the bucket, the node before the wanted one (buckets point at their
// predecessor), the node and then the value's own allocation (perf: 28% of a tier hit was that
// walk).
#pragma once

#include <picocache/key.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <list>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

namespace picocache::detail {

struct alignas(64) TierEntry {
  Key128 key;
  std::unique_ptr<char[]> bytes;  // the arguments, then the value; null in an empty slot
  std::size_t arguments_size = 0;
  std::size_t value_size = 0;
  std::int64_t written_at = 0;          // when the store got it (epoch ms): for the ttl
  std::list<Key128>::iterator recency;  // in its function's list
  // Used since it last reached the list's end (functions of maxsize none: see Tier::find()).
  bool referenced = false;

  std::string_view arguments() const { return {bytes.get(), arguments_size}; }
  std::string_view value() const { return {bytes.get() + arguments_size, value_size}; }
  // Keeps a copy of `arguments` and `value` in one allocation.
  void keep(std::string_view arguments, std::string_view value) {
    bytes.reset(new char[arguments.size() + value.size() + 1]);  // + 1: never null, never empty
    std::memcpy(bytes.get(), arguments.data(), arguments.size());
    std::memcpy(bytes.get() + arguments.size(), value.data(), value.size());
    arguments_size = arguments.size();
    value_size = value.size();
  }
};

class TierTable {
 public:
  std::size_t size() const { return size_; }

  // The entry of `key`, or null. Valid until the next insert() or erase().
  TierEntry* find(const Key128& key) {
    if (size_ == 0) return nullptr;
    for (std::size_t i = home(key);; i = (i + 1) & mask_) {
      TierEntry& slot = slots_[i];
      if (!slot.bytes) return nullptr;
      if (slot.key == key) return &slot;
    }
  }

  // A new slot for `key`, which must be absent; the caller keeps its bytes before any other
  // call (a slot without bytes is empty). Moves other entries when the table grows.
  TierEntry& insert(const Key128& key) {
    if ((size_ + 1) * 5 > slots_.size() * 4) grow();  // at most 80% full
    std::size_t i = home(key);
    while (slots_[i].bytes) i = (i + 1) & mask_;
    ++size_;
    slots_[i].key = key;
    return slots_[i];
  }

  // Removes `key`'s entry, if any. Moves entries of the same probe run back into the hole, so
  // no tombstones accumulate.
  void erase(const Key128& key) {
    TierEntry* found = find(key);
    if (found == nullptr) return;
    std::size_t hole = static_cast<std::size_t>(found - slots_.data());
    slots_[hole] = TierEntry{};
    --size_;
    for (std::size_t i = (hole + 1) & mask_; slots_[i].bytes; i = (i + 1) & mask_) {
      // The entry at i may fill the hole unless its home lies cyclically in (hole, i].
      if (((i - home(slots_[i].key)) & mask_) >= ((i - hole) & mask_)) {
        slots_[hole] = std::move(slots_[i]);
        slots_[i] = TierEntry{};
        hole = i;
      }
    }
  }

  void clear() {
    slots_.clear();
    mask_ = 0;
    size_ = 0;
  }

 private:
  std::size_t home(const Key128& key) const { return slot_of(key, mask_); }

  static std::size_t slot_of(const Key128& key, std::size_t mask) {
    return static_cast<std::size_t>(key.lo ^ (key.hi * 0x9e3779b97f4a7c15ULL)) & mask;
  }

  // Twice the slots (16 at first). An allocation failure throws before anything changed.
  void grow() {
    std::vector<TierEntry> bigger(slots_.empty() ? 16 : slots_.size() * 2);
    const std::size_t mask = bigger.size() - 1;
    for (TierEntry& entry : slots_) {
      if (!entry.bytes) continue;
      std::size_t i = slot_of(entry.key, mask);
      while (bigger[i].bytes) i = (i + 1) & mask;
      bigger[i] = std::move(entry);
    }
    slots_ = std::move(bigger);
    mask_ = mask;
  }

  std::vector<TierEntry> slots_;  // a power of two of them, or none
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

}  // namespace picocache::detail

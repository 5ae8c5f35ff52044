// One function's entries in the in-process tier (memory_tier.cpp): a hash table of Key128 with
// open addressing and linear probing over 128-byte slots. Each slot holds an entry's key, its
// bookkeeping and, when they fit (78 bytes), the call's argument bytes and the value; else a
// pointer to one block of them. A hit of a small entry reads one slot: one cache miss at 100,000
// keys, where libstdc++'s std::unordered_map reads the bucket, the node before the wanted one
// (buckets point at their predecessor), the node and then the value's own allocation (perf: 28%
// of a tier hit was that walk).
//
// The table also keeps its entries' recency: a doubly linked list through the slots themselves
// (indices, not pointers, fixed up whenever an entry moves). Moving a hit entry to the front then
// reads its two neighbours' slots, in parallel; a std::list node of its own was one more
// dependent cache miss before those (perf: 95 ns of a 415 ns hit at 50,000 keys).
#pragma once

#include <picocache/key.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

namespace picocache::detail {

// 128 bytes: two cache lines, read together. An entry whose arguments and value fit in
// kInlineBytes keeps them in the slot itself (a hit is then one slot read); a larger one keeps
// them in one block of its own (one more, dependent, read).
struct alignas(64) TierEntry {
  static constexpr std::size_t kInlineBytes = 78;
  // The most bytes an entry keeps (its sizes are 32-bit); the tier keeps no larger value.
  static constexpr std::size_t kMostBytes = 0xffffffffu;

  static constexpr std::uint32_t kNone = 0xffffffffu;  // no neighbour: the list's end

  Key128 key;
  std::int64_t written_at = 0;  // when the store got it (epoch ms): for the ttl
  // The slots of the next more and the next less recently used entries (TierTable's list).
  std::uint32_t newer = kNone;
  std::uint32_t older = kNone;
  std::unique_ptr<char[]> heap;  // the bytes when they do not fit inline
  std::uint32_t arguments_size = 0;
  std::uint32_t value_size = 0;
  bool occupied = false;  // false: an empty slot
  // Used since it last reached the list's end (functions of maxsize none: see Tier::find()).
  bool referenced = false;
  char inline_bytes[kInlineBytes] = {};

  const char* bytes() const { return heap ? heap.get() : inline_bytes; }
  std::string_view arguments() const { return {bytes(), arguments_size}; }
  std::string_view value() const { return {bytes() + arguments_size, value_size}; }
  // Keeps a copy of `arguments` and `value` (together at most kMostBytes), then the arguments.
  void keep(std::string_view arguments, std::string_view value) {
    const std::size_t size = arguments.size() + value.size();
    char* out = inline_bytes;
    heap.reset();
    if (size > kInlineBytes) {
      heap.reset(new char[size]);
      out = heap.get();
    }
    std::memcpy(out, arguments.data(), arguments.size());
    std::memcpy(out + arguments.size(), value.data(), value.size());
    arguments_size = static_cast<std::uint32_t>(arguments.size());
    value_size = static_cast<std::uint32_t>(value.size());
    occupied = true;
  }
};
static_assert(sizeof(TierEntry) == 128, "a tier slot is two cache lines");

class TierTable {
 public:
  std::size_t size() const { return size_; }

  // The entry of `key`, or null. Valid until the next insert() or erase().
  TierEntry* find(const Key128& key) {
    if (size_ == 0) return nullptr;
    for (std::size_t i = home(key);; i = (i + 1) & mask_) {
      TierEntry& slot = slots_[i];
      if (!slot.occupied) return nullptr;
      if (slot.key == key) return &slot;
    }
  }

  // Adds `entry` (kept: TierEntry::keep), whose key must be absent, as the most recently used.
  // Moves other entries when the table grows; an allocation failure throws before anything
  // changed.
  TierEntry& insert(TierEntry&& entry) {
    if ((size_ + 1) * 5 > slots_.size() * 4) grow();  // at most 80% full
    std::size_t i = home(entry.key);
    while (slots_[i].occupied) i = (i + 1) & mask_;
    slots_[i] = std::move(entry);
    ++size_;
    link_newest(static_cast<std::uint32_t>(i));
    return slots_[i];
  }

  // The least recently used entry, or null when empty. Valid until the next insert() or erase().
  TierEntry* oldest() { return size_ == 0 ? nullptr : &slots_[oldest_]; }

  // Makes `entry` (one of this table's) the most recently used.
  void make_newest(TierEntry& entry) {
    const auto i = static_cast<std::uint32_t>(&entry - slots_.data());
    if (i == newest_) return;
    unlink(i);
    link_newest(i);
  }

  // Removes `key`'s entry, if any. Moves entries of the same probe run back into the hole, so
  // no tombstones accumulate.
  void erase(const Key128& key) {
    TierEntry* found = find(key);
    if (found == nullptr) return;
    std::size_t hole = static_cast<std::size_t>(found - slots_.data());
    unlink(static_cast<std::uint32_t>(hole));
    slots_[hole] = TierEntry{};
    --size_;
    for (std::size_t i = (hole + 1) & mask_; slots_[i].occupied; i = (i + 1) & mask_) {
      // The entry at i may fill the hole unless its home lies cyclically in (hole, i].
      if (((i - home(slots_[i].key)) & mask_) >= ((i - hole) & mask_)) {
        slots_[hole] = std::move(slots_[i]);
        slots_[i] = TierEntry{};
        relink_moved(static_cast<std::uint32_t>(hole));
        hole = i;
      }
    }
  }

  void clear() {
    slots_.clear();
    mask_ = 0;
    size_ = 0;
    newest_ = oldest_ = TierEntry::kNone;
  }

 private:
  std::size_t home(const Key128& key) const { return slot_of(key, mask_); }

  static std::size_t slot_of(const Key128& key, std::size_t mask) {
    return static_cast<std::size_t>(key.lo ^ (key.hi * 0x9e3779b97f4a7c15ULL)) & mask;
  }

  // Puts the (unlinked) entry at slot i at the list's newest end.
  void link_newest(std::uint32_t i) {
    slots_[i].older = newest_;
    slots_[i].newer = TierEntry::kNone;
    if (newest_ != TierEntry::kNone) slots_[newest_].newer = i;
    newest_ = i;
    if (oldest_ == TierEntry::kNone) oldest_ = i;
  }

  // Takes the entry at slot i out of the list (its own links are left as they were).
  void unlink(std::uint32_t i) {
    const TierEntry& entry = slots_[i];
    (entry.newer == TierEntry::kNone ? newest_ : slots_[entry.newer].older) = entry.older;
    (entry.older == TierEntry::kNone ? oldest_ : slots_[entry.older].newer) = entry.newer;
  }

  // The entry now at slot i came from another slot: its neighbours point at i from now on.
  void relink_moved(std::uint32_t i) {
    const TierEntry& entry = slots_[i];
    (entry.newer == TierEntry::kNone ? newest_ : slots_[entry.newer].older) = i;
    (entry.older == TierEntry::kNone ? oldest_ : slots_[entry.older].newer) = i;
  }

  // Twice the slots (16 at first), the order kept. An allocation failure throws before anything
  // changed.
  void grow() {
    std::vector<TierEntry> bigger(slots_.empty() ? 16 : slots_.size() * 2);
    const std::size_t mask = bigger.size() - 1;
    std::uint32_t newest = TierEntry::kNone;
    std::uint32_t oldest = TierEntry::kNone;
    // Oldest first, each becoming the newest of the bigger table's list.
    for (std::uint32_t from = oldest_; from != TierEntry::kNone;) {
      TierEntry& entry = slots_[from];
      const std::uint32_t next = entry.newer;
      std::size_t i = slot_of(entry.key, mask);
      while (bigger[i].occupied) i = (i + 1) & mask;
      bigger[i] = std::move(entry);
      bigger[i].older = newest;
      bigger[i].newer = TierEntry::kNone;
      if (newest != TierEntry::kNone) bigger[newest].newer = static_cast<std::uint32_t>(i);
      newest = static_cast<std::uint32_t>(i);
      if (oldest == TierEntry::kNone) oldest = newest;
      from = next;
    }
    slots_ = std::move(bigger);
    mask_ = mask;
    newest_ = newest;
    oldest_ = oldest;
  }

  std::vector<TierEntry> slots_;  // a power of two of them, or none
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
  std::uint32_t newest_ = TierEntry::kNone;  // the list's ends: slots, or kNone when empty
  std::uint32_t oldest_ = TierEntry::kNone;
};

}  // namespace picocache::detail

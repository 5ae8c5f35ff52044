// Leases as open-file-description locks (F_OFD_SETLK) on one byte per key of a side file
// (`<database>-lease`): the kernel drops a lease when its holder releases it or dies, however it
// dies, so a SIGKILLed holder never blocks the others.
//
// One open of the file serves every lease a process takes there, as long as the path names that
// file: a lease costs two fcntl() calls (lock, unlock), not an open(), an fcntl() and a close()
// (open() alone cost more than the two fcntl() on the development machine). The path is checked
// with a stat() at most every kPathCheckInterval (a stat() per lease was 5% of a SQLite miss):
// when it names another file (the lease file was replaced or deleted), the next lease after that
// check opens it anew (an open whose leases are still held stays open until they are released).
// Until then this process and one that opened the new file do not exclude each other: at worst
// both compute a key, each storing the same result.
//
// OFD locks of one open never exclude each other, so the bytes this process holds are also kept
// in a set: two threads of one process exclude each other as two processes do. A child process
// opens the file anew at its first lease (fork_generation()), so it never shares the parent's
// open, and its copies of the parent's leases release nothing.
#pragma once

#include "stores/store.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>

namespace picocache {

class FileLeases : public std::enable_shared_from_this<FileLeases> {
 public:
  // Leases in `lock_path`, which is created at the first lease when missing.
  static std::shared_ptr<FileLeases> create(std::string lock_path);
  FileLeases(const FileLeases&) = delete;
  FileLeases& operator=(const FileLeases&) = delete;

  // Takes the lease of `key`, or returns nullptr when another holder (a process, or a thread of
  // this one) has it. Never waits. Throws StoreError when the file cannot be opened or locked.
  // The lease needs no renewal: it lasts until destroyed or its process dies.
  std::unique_ptr<KeyLease> try_lease(const Key128& key);

  // For a store's prepare_fork(): the lock of this object's state when no other thread holds it
  // (a child forked while one did would wait for it forever), else an empty lock.
  std::unique_lock<std::mutex> try_hold_for_fork() {
    return std::unique_lock(mutex_, std::try_to_lock);
  }

 private:
  class Lease;
  struct Open;
  explicit FileLeases(std::string lock_path) : lock_path_(std::move(lock_path)) {}
  // This process's open of the file the path names now; called with mutex_ held.
  std::shared_ptr<Open> current_open_locked();
  // Drops the lock on `byte` in `open`; never throws.
  void release(Open& open, std::uint64_t byte) noexcept;

  // How stale this process's view of which file the path names may be.
  static constexpr std::chrono::milliseconds kPathCheckInterval{100};

  const std::string lock_path_;
  std::mutex mutex_;
  std::chrono::steady_clock::time_point path_checked_at_;  // of open_, at the latest stat()
  std::shared_ptr<Open> open_;              // the latest open (its leases hold it too)
  std::unordered_set<std::uint64_t> held_;  // bytes this process holds, in any open
};

}  // namespace picocache

// FileLeases: see file_lease.hpp.
#include "stores/file_lease.hpp"

#include "fork_generation.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace picocache {
namespace {

// Keys map to bytes of a 2^40-byte range (locks may lie beyond the end of the file, which stays
// empty): two keys share a byte with odds of 2^-40, and then only wait for each other.
constexpr std::uint64_t kLockRange = std::uint64_t{1} << 40;

// F_OFD_SETLK of `type` on one byte: 0, or the errno.
int set_lock(int fd, short type, std::uint64_t byte) {
  struct flock lock{};
  lock.l_type = type;
  lock.l_whence = SEEK_SET;
  lock.l_start = static_cast<off_t>(byte);
  lock.l_len = 1;
  lock.l_pid = 0;  // required for OFD locks
  return ::fcntl(fd, F_OFD_SETLK, &lock) == 0 ? 0 : errno;
}

}  // namespace

// One open of the lease file, closed when neither FileLeases nor a lease taken in it needs it.
struct FileLeases::Open {
  Open(int descriptor, const struct stat& file)
      : fd(descriptor),
        device(file.st_dev),
        inode(file.st_ino),
        generation(detail::fork_generation()) {}
  // A child's inherited open is the parent's too: closing it drops nothing of the parent's.
  ~Open() { ::close(fd); }
  Open(const Open&) = delete;
  Open& operator=(const Open&) = delete;

  const int fd;
  const dev_t device;
  const ino_t inode;
  const std::uint64_t generation;  // fork_generation() at the open
};

class FileLeases::Lease final : public KeyLease {
 public:
  Lease(std::shared_ptr<FileLeases> leases, std::shared_ptr<Open> open, std::uint64_t byte)
      : leases_(std::move(leases)), open_(std::move(open)), byte_(byte) {}
  ~Lease() override { leases_->release(*open_, byte_); }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  bool renew(std::chrono::milliseconds) override { return true; }

 private:
  std::shared_ptr<FileLeases> leases_;
  std::shared_ptr<Open> open_;  // the open the lock is in outlives the lease
  std::uint64_t byte_;
};

std::shared_ptr<FileLeases> FileLeases::create(std::string lock_path) {
  return std::shared_ptr<FileLeases>(new FileLeases(std::move(lock_path)));
}

std::shared_ptr<FileLeases::Open> FileLeases::current_open_locked() {
  const std::uint64_t generation = detail::fork_generation();
  if (open_ && open_->generation != generation) {
    // Forked: that open is the parent's, and so are the bytes held in it.
    open_.reset();
    held_.clear();
  }
  const auto now = std::chrono::steady_clock::now();
  if (open_ && now < path_checked_at_ + kPathCheckInterval) return open_;
  struct stat named{};
  if (open_ && ::stat(lock_path_.c_str(), &named) == 0 && named.st_dev == open_->device &&
      named.st_ino == open_->inode) {
    path_checked_at_ = now;
    return open_;
  }
  const int fd = ::open(lock_path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  struct stat opened{};
  if (fd < 0 || ::fstat(fd, &opened) != 0) {
    const int error = errno;
    if (fd >= 0) ::close(fd);
    throw StoreError(
        fmt::format("cannot open the lease file {}: {}", lock_path_, std::strerror(error)));
  }
  try {
    open_ = std::make_shared<Open>(fd, opened);
  } catch (...) {
    ::close(fd);
    throw;
  }
  path_checked_at_ = now;
  return open_;
}

std::unique_ptr<KeyLease> FileLeases::try_lease(const Key128& key) {
  const std::uint64_t byte = key.lo % kLockRange;
  std::lock_guard lock(mutex_);
  const std::shared_ptr<Open> open = current_open_locked();
  if (held_.count(byte) != 0) return nullptr;
  held_.insert(byte);  // first, so that a failure below leaves nothing held
  if (const int error = set_lock(open->fd, F_WRLCK, byte); error != 0) {
    held_.erase(byte);
    if (error == EAGAIN || error == EACCES) return nullptr;
    throw StoreError(
        fmt::format("cannot lock the lease file {}: {}", lock_path_, std::strerror(error)));
  }
  try {
    return std::make_unique<Lease>(shared_from_this(), open, byte);
  } catch (...) {
    set_lock(open->fd, F_UNLCK, byte);
    held_.erase(byte);
    throw;
  }
}

void FileLeases::release(Open& open, std::uint64_t byte) noexcept {
  std::lock_guard lock(mutex_);
  // A lease taken before a fork, released in the child: the lock is the parent's.
  if (open.generation != detail::fork_generation()) return;
  set_lock(open.fd, F_UNLCK, byte);
  held_.erase(byte);
}

}  // namespace picocache

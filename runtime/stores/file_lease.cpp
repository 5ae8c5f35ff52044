// try_file_lease(): see file_lease.hpp.
#include "stores/file_lease.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace picocache {
namespace {

// Keys map to bytes of a 2^40-byte range (locks may lie beyond the end of the file, which stays
// empty): two keys share a byte with odds of 2^-40, and then only wait for each other.
constexpr std::uint64_t kLockRange = std::uint64_t{1} << 40;

class FileLease final : public KeyLease {
 public:
  explicit FileLease(int fd) : fd_(fd) {}
  ~FileLease() override { ::close(fd_); }  // closing the description drops its lock
  FileLease(const FileLease&) = delete;
  FileLease& operator=(const FileLease&) = delete;
  bool renew(std::chrono::milliseconds) override { return true; }

 private:
  int fd_;
};

}  // namespace

std::unique_ptr<KeyLease> try_file_lease(const std::string& lock_path, const Key128& key) {
  const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    throw StoreError(
        fmt::format("cannot open the lease file {}: {}", lock_path, std::strerror(errno)));
  }
  struct flock lock{};
  lock.l_type = F_WRLCK;
  lock.l_whence = SEEK_SET;
  lock.l_start = static_cast<off_t>(key.lo % kLockRange);
  lock.l_len = 1;
  lock.l_pid = 0;  // required for OFD locks
  if (::fcntl(fd, F_OFD_SETLK, &lock) == 0) return std::make_unique<FileLease>(fd);
  const int error = errno;
  ::close(fd);
  if (error == EAGAIN || error == EACCES) return nullptr;
  throw StoreError(
      fmt::format("cannot lock the lease file {}: {}", lock_path, std::strerror(error)));
}

}  // namespace picocache

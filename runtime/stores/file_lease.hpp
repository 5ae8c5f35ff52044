// Leases as open-file-description locks (F_OFD_SETLK) on one byte per key of a side file
// (`<database>-lease`): the kernel drops a lease when its holder closes it or dies, however it
// dies, so a SIGKILLed holder never blocks the others. OFD locks belong to one open of the file,
// not to the process, so two threads of one process exclude each other too, and closing another
// descriptor of the file (as POSIX record locks would) never drops them.
#pragma once

#include "stores/store.hpp"

#include <memory>
#include <string>

namespace picocache {

// Takes the lease of `key` in `lock_path` (created when missing), or returns nullptr when
// another holder has it. Never waits. Throws StoreError when the file cannot be opened or locked.
// The lease needs no renewal: it lasts until destroyed or its process dies.
std::unique_ptr<KeyLease> try_file_lease(const std::string& lock_path, const Key128& key);

}  // namespace picocache

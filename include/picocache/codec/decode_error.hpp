// DecodeError: bytes that cannot be a value of the requested type. Values come from shared
// stores, so this is an expected, recoverable event (the caller treats it as a cache miss).
#pragma once

#include <stdexcept>

namespace picocache {

class DecodeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace picocache

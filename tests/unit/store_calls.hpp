// Store calls in the shape most tests need: a value in, a value out (the entry's check and
// write time are the store's business, tested in store_conformance_test.cpp).
#pragma once

#include "entry_check.hpp"
#include "stores/store.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace picocache {

// The value stored for `key`, or nullopt (a use, as memoize's lookup).
inline std::optional<std::string> value_at(Store& store, const FunctionRef& fn, const Key128& key) {
  std::optional<StoredEntry> entry = store.get(fn, key);
  if (!entry) return std::nullopt;
  return std::move(entry->value);
}

// Stores `value` for `key` with the check of `arguments`, evicting down to `maxsize`.
inline void put_value(Store& store, const FunctionRef& fn, const Key128& key,
                      std::string_view value, std::uint64_t maxsize,
                      std::string_view arguments = {}) {
  const std::string check = detail::entry_check(arguments);
  EntryWrite entry;
  entry.value = value;
  entry.check = check;
  entry.maxsize = maxsize;
  store.put(fn, key, entry);
}

}  // namespace picocache

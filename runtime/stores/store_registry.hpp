// The table of stores, keyed by URL scheme: every place that turns a URL into a store, explains
// which URLs exist, or iterates the stores (open_store, configure(), the CLI's messages, the
// conformance suite) reads it, so a new store is one file pair, one line in
// store_registry.cpp and one CMake option.
#pragma once

#include "stores/store.hpp"

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace picocache {

// How a store is opened.
struct OpenOptions {
  // The command-line tool inspects stores: it must not create an SQLite file that is missing.
  bool must_exist = false;
};

// One kind of store.
struct StoreKind {
  std::string name;                  // "sqlite", "redis": what messages and test names say
  std::vector<std::string> schemes;  // the URL schemes it serves, lower case ("redis", "unix")
  std::string url_forms;             // its URL forms, for help and "expected one of ..." text
  // Throws picocache::Error when `url` (of one of `schemes`) is malformed; opens nothing.
  std::function<void(std::string_view url)> check_url;
  // Opens the store named by `url`: throws picocache::Error for a malformed URL, StoreError
  // when the store cannot be opened.
  std::function<std::unique_ptr<Store>(std::string_view url, const OpenOptions& options)> open;
};

// Every registered kind, built-in ones first. Safe to call from any thread.
std::vector<StoreKind> store_kinds();

// Adds a kind (a test's in-memory store, a plug-in); it serves its schemes from now on, in
// open_store(), URL errors and the CLI. Throws Error when a scheme is taken already.
void register_store_kind(StoreKind kind);

// The kind that serves `url`'s scheme. Throws Error naming every known form when there is none.
StoreKind store_kind_for(std::string_view url);

// Throws Error when `url` is no valid store URL; opens nothing.
void check_store_url(std::string_view url);

// Opens the store named by `url`. Throws Error for a bad URL, StoreError when it cannot open.
std::unique_ptr<Store> open_store(std::string_view url, const OpenOptions& options = {});

// The store a process uses when configure() was not called: PICOCACHE_URL when set, else
// sqlite:picocache.db in the working directory.
std::string default_store_url();

// "expected one of FORM, FORM, ...": every registered kind's URL forms.
std::string expected_url_forms();

}  // namespace picocache

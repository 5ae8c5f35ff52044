// picocache: inspects and clears PicoCache stores from the command line.
//
//   picocache [--url URL] list              functions with entries, their sizes and names
//   picocache [--url URL] clear NAME|ID     removes one function's entries
//   picocache [--url URL] clear --all       removes every function's entries
//
// The store is --url, else $PICOCACHE_URL, else sqlite:picocache.db: the same store a program
// started in this directory would use.
#include "stores/store.hpp"
#include "stores/store_url.hpp"

#include <picocache/picocache.hpp>

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr std::string_view kUsage =
    "usage: picocache [--url URL] list\n"
    "       picocache [--url URL] clear NAME|ID\n"
    "       picocache [--url URL] clear --all\n"
    "The store is --url, else $PICOCACHE_URL, else sqlite:picocache.db.\n";

int usage_error(std::string_view why) {
  fmt::print(stderr, "picocache: {}\n{}", why, kUsage);
  return 2;
}

std::string default_url() {
  const char* env = std::getenv("PICOCACHE_URL");
  return env && *env ? env : "sqlite:picocache.db";
}

// The functions whose id or name (qualified name, with or without its signature) is `wanted`.
std::vector<picocache::FunctionSummary> matching(const std::vector<picocache::FunctionSummary>& all,
                                                 std::string_view wanted) {
  std::vector<picocache::FunctionSummary> found;
  for (const auto& f : all) {
    std::string_view name = f.name;
    std::string_view qualified = name.substr(0, name.find(' '));
    if (f.id == wanted || name == wanted || qualified == wanted) found.push_back(f);
  }
  return found;
}

int list(picocache::Store& store) {
  const auto functions = store.functions();
  if (functions.empty()) {
    fmt::print("no cached functions\n");
    return 0;
  }
  fmt::print("{:<32}  {:>8}  {}\n", "ID", "ENTRIES", "FUNCTION");
  for (const auto& f : functions) fmt::print("{:<32}  {:>8}  {}\n", f.id, f.size, f.name);
  return 0;
}

int clear(picocache::Store& store, std::string_view what) {
  const auto functions = store.functions();
  const auto targets = what == "--all" ? functions : matching(functions, what);
  if (targets.empty()) {
    fmt::print(stderr, "picocache: no cached function matches '{}' (see 'picocache list')\n", what);
    return 1;
  }
  for (const auto& f : targets) {
    store.clear(picocache::FunctionRef{f.id, f.name});
    fmt::print("cleared {} entries of {}\n", f.size, f.name);
  }
  return 0;
}

// Opens the store; an SQLite file that does not exist is reported, not created.
std::unique_ptr<picocache::Store> open_existing(const std::string& url) {
  const picocache::StoreUrl parsed = picocache::parse_store_url(url);
  if (const auto* sqlite = std::get_if<picocache::SqliteUrl>(&parsed)) {
    if (!sqlite->memory && !std::filesystem::exists(sqlite->path)) {
      throw std::runtime_error("no such database file: " + sqlite->path);
    }
  }
  return picocache::open_store(url);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  std::string url = default_url();
  if (args.size() >= 2 && args[0] == "--url") {
    url = args[1];
    args.erase(args.begin(), args.begin() + 2);
  }
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    fmt::print("{}", kUsage);
    return args.empty() ? 2 : 0;
  }
  try {
    if (args[0] == "list" && args.size() == 1) {
      auto store = open_existing(url);
      return list(*store);
    }
    if (args[0] == "clear" && args.size() == 2) {
      auto store = open_existing(url);
      return clear(*store, args[1]);
    }
    return usage_error(fmt::format("unknown command '{}'", fmt::join(args, " ")));
  } catch (const std::exception& e) {
    fmt::print(stderr, "picocache: {}: {}\n", picocache::redact_store_url(url), e.what());
    return 1;
  }
}

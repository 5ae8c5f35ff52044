// picocache: inspects and clears PicoCache stores from the command line.
//
//   picocache [--url URL] list              function versions with entries: their ids, code
//                                           versions, last uses, sizes and names
//   picocache [--url URL] clear NAME|ID     removes one function's entries (every version of it
//                                           for a NAME, that version for an ID)
//   picocache [--url URL] clear --all       removes every function's entries
//   picocache [--url URL] prune             removes every version of each function but the
//                                           most recently used one
//   picocache stores                        the kinds of store and their URL forms
//   picocache stats -- COMMAND [ARGS...]    runs COMMAND, then prints its store counters
//
// The store is --url, else $PICOCACHE_URL, else sqlite:picocache.db: the same store a program
// started in this directory would use.
#include "function_names.hpp"
#include "stores/store_registry.hpp"
#include "stores/store_url.hpp"

#include <picocache/picocache.hpp>

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <exception>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr std::string_view kUsage =
    "usage: picocache [--url URL] list\n"
    "       picocache [--url URL] clear NAME|ID\n"
    "       picocache [--url URL] clear --all\n"
    "       picocache [--url URL] prune\n"
    "       picocache stores\n"
    "       picocache stats -- COMMAND [ARGS...]\n"
    "The store is --url, else $PICOCACHE_URL, else sqlite:picocache.db.\n";

int usage_error(std::string_view why) {
  fmt::print(stderr, "picocache: {}\n{}", why, kUsage);
  return 2;
}

// The functions whose id is `wanted`, else those the runtime's naming rule matches.
std::vector<picocache::FunctionSummary> matching(const std::vector<picocache::FunctionSummary>& all,
                                                 std::string_view wanted) {
  for (const auto& f : all) {
    if (f.id == wanted) return {f};
  }
  using picocache::FunctionSummary;
  return picocache::detail::functions_named(
      all, wanted, [](const FunctionSummary& f) -> std::string_view { return f.name; },
      [](const FunctionSummary& f) { return picocache::detail::qualified_name_of(f.name); });
}

int stores() {
  for (const picocache::StoreKind& kind : picocache::store_kinds()) {
    fmt::print("{:<10}  {}\n", kind.name, kind.url_forms);
  }
  return 0;
}

// How a listing shows a code version: a fingerprint's first 12 hex digits, "version 2" for the
// annotation's `version = 2`, "-" when none was recorded.
std::string version_label(std::string_view version) {
  if (version.substr(0, 3) == "fp:") return std::string(version.substr(3, 12));
  if (version.substr(0, 2) == "v:") return fmt::format("version {}", version.substr(2));
  if (version.empty()) return "-";
  return std::string(version);
}

// A last use as "YYYY-MM-DD HH:MM UTC", or "-" when none was recorded.
std::string last_used_label(std::int64_t ms) {
  if (ms <= 0) return "-";
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M UTC", &utc);
  return text;
}

// A maxsize as a number or "none"; "-" where the store does not keep it.
std::string maxsize_label(const std::optional<std::uint64_t>& maxsize) {
  if (!maxsize) return "-";
  if (*maxsize == picocache::unbounded) return "none";
  return std::to_string(*maxsize);
}

// A ttl in its largest whole unit, spelled as the annotation's `ttl` takes it ("90s", "90min",
// "2h", "1500ms"), or "none"; "-" where the store does not keep it.
std::string ttl_label(const std::optional<std::chrono::milliseconds>& ttl) {
  if (!ttl) return "-";
  const std::int64_t ms = ttl->count();
  if (ms == 0) return "none";
  if (ms % 86'400'000 == 0) return fmt::format("{}d", ms / 86'400'000);
  if (ms % 3'600'000 == 0) return fmt::format("{}h", ms / 3'600'000);
  if (ms % 60'000 == 0) return fmt::format("{}min", ms / 60'000);
  if (ms % 1'000 == 0) return fmt::format("{}s", ms / 1'000);
  return fmt::format("{}ms", ms);
}

// One row per version, a function's versions together, the most recently used first.
std::vector<picocache::FunctionSummary> by_function(std::vector<picocache::FunctionSummary> all) {
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
    if (a.name != b.name) return a.name < b.name;
    if (a.last_used_ms != b.last_used_ms) return a.last_used_ms > b.last_used_ms;
    return a.id < b.id;
  });
  return all;
}

int list(picocache::Store& store) {
  const auto functions = by_function(store.functions());
  if (functions.empty()) {
    fmt::print("no cached functions\n");
    return 0;
  }
  constexpr const char* kRow = "{:<32}  {:<14}  {:<20}  {:>8}  {:>8}  {:>6}  {}\n";
  fmt::print(kRow, "ID", "VERSION", "LAST USED", "ENTRIES", "MAXSIZE", "TTL", "FUNCTION");
  for (const auto& f : functions) {
    fmt::print(kRow, f.id, version_label(f.version), last_used_label(f.last_used_ms), f.size,
               maxsize_label(f.maxsize), ttl_label(f.ttl), f.name);
  }
  return 0;
}

picocache::FunctionRef ref_of(const picocache::FunctionSummary& f) {
  return picocache::FunctionRef{f.id, f.name, f.family, f.version};
}

// Keeps each function's most recently used version (the first of its rows in by_function's
// order) and clears the others.
int prune(picocache::Store& store) {
  const auto functions = by_function(store.functions());
  std::size_t removed = 0;
  for (std::size_t i = 0; i < functions.size(); ++i) {
    const auto& f = functions[i];
    if (i == 0 || functions[i - 1].name != f.name) continue;  // the one kept
    store.clear(ref_of(f));
    fmt::print("removed {} entries of {} ({}, last used {})\n", f.size, f.name,
               version_label(f.version), last_used_label(f.last_used_ms));
    ++removed;
  }
  if (removed == 0) fmt::print("nothing to prune: no function has more than one version\n");
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
    store.clear(ref_of(f));
    fmt::print("cleared {} entries of {}\n", f.size, f.name);
  }
  return 0;
}

// Opens the store; an SQLite file that does not exist is reported, not created.
std::unique_ptr<picocache::Store> open_existing(const std::string& url) {
  picocache::OpenOptions options;
  options.must_exist = true;
  return picocache::open_store(url, options);
}

// Runs `command` with PICOCACHE_STATS_FILE set, then prints the store counters it wrote at
// exit. Returns the command's exit status.
int run_with_stats(char** command) {
  const char* tmp = std::getenv("TMPDIR");
  std::string path = std::string(tmp && *tmp ? tmp : "/tmp") + "/picocache-stats-XXXXXX";
  const int fd = ::mkstemp(path.data());
  if (fd < 0) {
    fmt::print(stderr, "picocache: cannot create a file for the counters: {}\n",
               std::strerror(errno));
    return 1;
  }
  ::close(fd);
  const pid_t child = ::fork();
  if (child == 0) {
    ::setenv("PICOCACHE_STATS_FILE", path.c_str(), 1);
    ::execvp(command[0], command);
    fmt::print(stderr, "picocache: cannot run {}: {}\n", command[0], std::strerror(errno));
    std::_Exit(127);
  }
  int status = 0;
  while (child > 0 && ::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  std::ifstream counters(path);
  std::string line;
  bool any = false;
  while (std::getline(counters, line)) {
    fmt::print("{}\n", line);
    any = true;
  }
  ::unlink(path.c_str());
  if (!any)
    fmt::print(stderr, "picocache: {} wrote no counters (does it use PicoCache?)\n", command[0]);
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  std::string url = picocache::default_store_url();
  if (args.size() >= 2 && args[0] == "--url") {
    url = args[1];
    args.erase(args.begin(), args.begin() + 2);
  }
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    fmt::print("{}", kUsage);
    return args.empty() ? 2 : 0;
  }
  try {
    if (args[0] == "stores" && args.size() == 1) return stores();
    if (args[0] == "stats" && args.size() >= 3 && args[1] == "--") {
      return run_with_stats(argv + (argc - static_cast<int>(args.size()) + 2));
    }
    if (args[0] == "list" && args.size() == 1) {
      auto store = open_existing(url);
      return list(*store);
    }
    if (args[0] == "prune" && args.size() == 1) {
      auto store = open_existing(url);
      return prune(*store);
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

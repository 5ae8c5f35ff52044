// The store table (see store_registry.hpp): the built-in kinds, one line each, and the kinds
// registered at run time.
#include "stores/store_registry.hpp"

#include "stores/store_url.hpp"

#include <picocache/picocache.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <mutex>

namespace picocache {

// Each built-in store's entry, defined in its own unit.
StoreKind sqlite_store_kind();
#ifdef PICOCACHE_HAVE_REDIS
StoreKind redis_store_kind();
#endif
#ifdef PICOCACHE_HAVE_POSTGRES
StoreKind postgres_store_kind();
#endif
#ifdef PICOCACHE_HAVE_MEMCACHED
StoreKind memcached_store_kind();
#endif

namespace {

struct Registry {
  std::mutex mutex;
  std::vector<StoreKind> kinds{
      sqlite_store_kind(),
#ifdef PICOCACHE_HAVE_REDIS
      redis_store_kind(),
#endif
#ifdef PICOCACHE_HAVE_POSTGRES
      postgres_store_kind(),
#endif
#ifdef PICOCACHE_HAVE_MEMCACHED
      memcached_store_kind(),
#endif
  };
};

// Never destroyed: stores may be opened from other static objects' destructors.
Registry& registry() {
  static auto* instance = new Registry;
  return *instance;
}

std::string lower_scheme(std::string_view url) {
  std::string scheme(url.substr(0, std::min(url.find(':'), url.size())));
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return scheme;
}

std::string forms_of(const std::vector<StoreKind>& kinds) {
  std::vector<std::string> forms;
  forms.reserve(kinds.size());
  for (const StoreKind& kind : kinds) forms.push_back(kind.url_forms);
  return fmt::format("expected one of {}", fmt::join(forms, ", "));
}

}  // namespace

std::vector<StoreKind> store_kinds() {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  return r.kinds;
}

void register_store_kind(StoreKind kind) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  for (const StoreKind& known : r.kinds) {
    for (const std::string& scheme : kind.schemes) {
      if (std::find(known.schemes.begin(), known.schemes.end(), scheme) != known.schemes.end()) {
        throw Error(fmt::format("picocache: the URL scheme '{}' is served by the {} store already",
                                scheme, known.name));
      }
    }
  }
  r.kinds.push_back(std::move(kind));
}

std::string default_store_url() {
  const char* from_environment = std::getenv("PICOCACHE_URL");
  return from_environment && *from_environment ? from_environment : "sqlite:picocache.db";
}

std::string expected_url_forms() { return forms_of(store_kinds()); }

StoreKind store_kind_for(std::string_view url) {
  const std::vector<StoreKind> kinds = store_kinds();
  const std::size_t colon = url.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    bad_store_url(url, fmt::format("no scheme ({})", forms_of(kinds)));
  }
  const std::string scheme = lower_scheme(url);
  for (const StoreKind& kind : kinds) {
    if (std::find(kind.schemes.begin(), kind.schemes.end(), scheme) != kind.schemes.end()) {
      return kind;
    }
  }
  bad_store_url(url,
                fmt::format("unknown scheme '{}' ({})", url.substr(0, colon), forms_of(kinds)));
}

void check_store_url(std::string_view url) { store_kind_for(url).check_url(url); }

std::unique_ptr<Store> open_store(std::string_view url, const OpenOptions& options) {
  return store_kind_for(url).open(url, options);
}

}  // namespace picocache

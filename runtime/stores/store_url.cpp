// The URL parsers of the built-in stores and redact_store_url: how PicoCache reads the URL forms
// that name an SQLite file or a Redis server. Which parser serves a scheme is the registry's
// business (store_registry.cpp).
#include "stores/store_url.hpp"

#include <picocache/picocache.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <climits>
#include <string>
#include <system_error>

namespace picocache {
namespace {

[[noreturn]] void bad_url(std::string_view url, std::string_view what) { bad_store_url(url, what); }

bool all_digits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// `text` as a number no larger than `max`, or nullopt (not all digits, or too large).
std::optional<unsigned long> parse_number(std::string_view text, unsigned long max) {
  if (!all_digits(text)) return std::nullopt;
  unsigned long value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || value > max) return std::nullopt;
  return value;
}

std::uint16_t parse_port(std::string_view url, std::string_view text) {
  const std::optional<unsigned long> port = parse_number(text, 65535);
  // The port is not quoted: in a mistyped URL it may be a piece of the password.
  if (!port || *port == 0) bad_url(url, "bad port (expected a number from 1 to 65535)");
  return static_cast<std::uint16_t>(*port);
}

unsigned parse_db(std::string_view url, std::string_view text) {
  const std::optional<unsigned long> db = parse_number(text, INT_MAX);
  if (!db) {
    bad_url(url, fmt::format("bad database number '{}' (expected a number such as 0)", text));
  }
  return static_cast<unsigned>(*db);
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Undoes %XX escapes, so a password may hold ':', '@' or '/'.
std::string percent_decode(std::string_view url, std::string_view text) {
  std::string decoded;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      decoded += text[i];
      continue;
    }
    const int high = i + 1 < text.size() ? hex_digit(text[i + 1]) : -1;
    const int low = i + 2 < text.size() ? hex_digit(text[i + 2]) : -1;
    if (high < 0 || low < 0) {
      bad_url(url, "bad %-escape in the user or password (expected % and two hex digits)");
    }
    decoded += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return decoded;
}

SqliteUrl parse_sqlite(std::string_view url, std::string_view rest) {
  if (rest == ":memory:") return SqliteUrl{"", true};
  if (rest.substr(0, 2) == "//") {
    if (rest.substr(0, 3) != "///") {
      bad_url(url,
              "a SQLite URL has no host (write sqlite:relative/path.db or "
              "sqlite:///absolute/path.db)");
    }
    rest.remove_prefix(2);  // keep the path's leading '/'
    if (rest == "/") rest = {};
  }
  if (rest.empty()) {
    bad_url(url,
            "empty SQLite path (write sqlite:picocache.db, sqlite:///absolute/path.db or "
            "sqlite::memory:)");
  }
  if (rest.front() == ':') {
    bad_url(url,
            "a SQLite path cannot start with ':' (for an in-memory database write "
            "sqlite::memory:)");
  }
  if (const auto query = rest.find('?'); query != std::string_view::npos) {
    bad_url(url, fmt::format("unexpected '{}' after the path (SQLite URLs take no parameters)",
                             rest.substr(query)));
  }
  return SqliteUrl{std::string(rest), false};
}

RedisUrl parse_redis(std::string_view url, std::string_view rest) {
  RedisUrl parsed;
  // The user and password run to the last '@', as redact_store_url hides them: a base64
  // password holds '/' and '+', and users paste it unescaped.
  const std::size_t at = rest.rfind('@');
  std::string_view host_part = at == std::string_view::npos ? rest : rest.substr(at + 1);
  const std::size_t authority_end = std::min(host_part.find_first_of("/?#"), host_part.size());
  std::string_view authority = host_part.substr(0, authority_end);
  std::string_view tail = host_part.substr(authority_end);

  if (at != std::string_view::npos) {
    const std::string_view userinfo = rest.substr(0, at);
    const std::size_t colon = userinfo.find(':');
    if (colon == std::string_view::npos) {
      bad_url(url,
              "no ':' before the password (write redis://:PASSWORD@HOST or "
              "redis://USER:PASSWORD@HOST)");
    }
    if (colon + 1 == userinfo.size()) bad_url(url, "empty password after ':'");
    parsed.user = percent_decode(url, userinfo.substr(0, colon));
    parsed.password = percent_decode(url, userinfo.substr(colon + 1));
  }

  std::string_view host = authority;
  std::optional<std::string_view> port;
  if (!authority.empty() && authority.front() == '[') {  // [IPv6]
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) bad_url(url, "no ']' after the IPv6 address");
    host = authority.substr(1, close - 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') bad_url(url, "unexpected characters after ']' (expected :PORT)");
      port = after.substr(1);
    }
  } else if (const std::size_t colon = authority.find(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) bad_url(url, "missing host (write redis://HOST[:PORT][/DB])");
  parsed.host = std::string(host);
  if (port) parsed.port = parse_port(url, *port);

  if (!tail.empty() && tail.front() == '/') {
    tail.remove_prefix(1);
    std::size_t digits = 0;
    while (digits < tail.size() && tail[digits] >= '0' && tail[digits] <= '9') ++digits;
    if (digits == 0 && !tail.empty()) {
      bad_url(url, fmt::format("bad database number '{}' (expected a number such as 0)", tail));
    }
    if (digits > 0) parsed.db = parse_db(url, tail.substr(0, digits));
    tail.remove_prefix(digits);
    if (!tail.empty()) {
      bad_url(url, fmt::format("unexpected '{}' after the database number", tail));
    }
  }
  if (!tail.empty()) {
    bad_url(url, fmt::format("unexpected '{}' after the host (the database is a path: "
                             "redis://HOST:PORT/DB)",
                             tail));
  }
  return parsed;
}

RedisUrl parse_unix(std::string_view url, std::string_view rest) {
  RedisUrl parsed;
  const std::size_t query = std::min(rest.find('?'), rest.size());
  const std::string_view path = rest.substr(0, query);
  if (path.empty() || path == "/") {
    bad_url(url, "missing socket path (write unix:///PATH/redis.sock)");
  }
  if (path.front() != '/') {
    bad_url(url, "the socket path must be absolute (write unix:///PATH/redis.sock)");
  }
  parsed.unix_path = std::string(path);
  std::string_view parameters = rest.substr(query);
  if (!parameters.empty()) parameters.remove_prefix(1);
  while (!parameters.empty()) {
    const std::size_t amp = std::min(parameters.find('&'), parameters.size());
    const std::string_view parameter = parameters.substr(0, amp);
    if (parameter.substr(0, 3) != "db=") {
      bad_url(url, fmt::format("unknown parameter '{}' (only ?db=N is supported)", parameter));
    }
    parsed.db = parse_db(url, parameter.substr(3));
    parameters.remove_prefix(std::min(amp + 1, parameters.size()));
  }
  return parsed;
}

// `url` with the value of every `password=` query parameter (PostgreSQL's URIs take one) as
// "***".
std::string mask_password_parameters(std::string_view url) {
  const std::size_t query = url.find('?');
  if (query == std::string_view::npos) return std::string(url);
  std::string masked(url.substr(0, query + 1));
  std::string_view parameters = url.substr(query + 1);
  bool first = true;
  while (true) {
    const std::size_t amp = std::min(parameters.find('&'), parameters.size());
    const std::string_view parameter = parameters.substr(0, amp);
    if (!first) masked += '&';
    first = false;
    if (parameter.substr(0, 9) == "password=") {
      masked += "password=***";
    } else {
      masked += parameter;
    }
    if (amp == parameters.size()) break;
    parameters.remove_prefix(amp + 1);
  }
  return masked;
}

}  // namespace

void bad_store_url(std::string_view url, std::string_view what) {
  throw Error(fmt::format("picocache: bad store URL '{}': {}", redact_store_url(url), what));
}

SqliteUrl parse_sqlite_url(std::string_view url) {
  return parse_sqlite(url, url.substr(std::min(url.find(':') + 1, url.size())));
}

RedisUrl parse_redis_url(std::string_view url) {
  const std::size_t colon = url.find(':');
  std::string scheme(url.substr(0, colon));
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::string_view rest = url.substr(std::min(colon + 1, url.size()));
  if (rest.substr(0, 2) != "//") {
    bad_url(url, fmt::format("expected '//' after '{}:' (write redis://HOST or "
                             "unix:///PATH/redis.sock)",
                             scheme));
  }
  return scheme == "unix" ? parse_unix(url, rest.substr(2)) : parse_redis(url, rest.substr(2));
}

namespace {

// The authority's secret masked (see redact_store_url).
std::string redact_authority(std::string_view url) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  std::string scheme(url.substr(0, scheme_end));
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (scheme == "sqlite") return std::string(url);  // a path, which may hold '@', and no secret
  // Everything between "://" and the last '@' (user and password alike): a password may hold
  // '/', '?', '#' or '@' unescaped, so the authority's usual end cannot be trusted here.
  const std::size_t authority = scheme_end + 3;
  const std::size_t at = url.rfind('@');
  if (at == std::string_view::npos || at < authority) return std::string(url);
  // PostgreSQL's userinfo without ':' is a user name only (its password is in PGPASSWORD,
  // ~/.pgpass or ?password=, masked above): nothing to hide.
  if ((scheme == "postgresql" || scheme == "postgres") &&
      url.substr(authority, at - authority).find(':') == std::string_view::npos) {
    return std::string(url);
  }
  return fmt::format("{}***{}", url.substr(0, authority), url.substr(at));
}

}  // namespace

// The authority first, then ?password= parameters: masking a parameter first could take the last
// '@' with it (a password "?password=x@" in the authority) and leave the authority's secret shown.
std::string redact_store_url(std::string_view url) {
  return mask_password_parameters(redact_authority(url));
}

}  // namespace picocache

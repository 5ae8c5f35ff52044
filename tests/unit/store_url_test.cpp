// Store URLs: every accepted form, and the messages for the rejected ones.
#include "stores/store_url.hpp"

#include "memory_test_store.hpp"
#include "stores/store_registry.hpp"

#include <picocache/picocache.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace picocache {
namespace {

using ::testing::HasSubstr;

SqliteUrl sqlite(std::string_view url) {
  EXPECT_EQ(store_kind_for(url).name, "sqlite");
  return parse_sqlite_url(url);
}
RedisUrl redis(std::string_view url) {
  EXPECT_EQ(store_kind_for(url).name, "redis");
  return parse_redis_url(url);
}

std::string error_of(std::string_view url) {
  try {
    check_store_url(url);
  } catch (const Error& error) {
    return error.what();
  }
  return "no error";
}

TEST(StoreUrl, SqliteRelativeFile) {
  EXPECT_EQ(sqlite("sqlite:picocache.db").path, "picocache.db");
  EXPECT_EQ(sqlite("sqlite:data/cache.db").path, "data/cache.db");
  EXPECT_FALSE(sqlite("sqlite:picocache.db").memory);
}

TEST(StoreUrl, SqliteAbsoluteFile) {
  EXPECT_EQ(sqlite("sqlite:///var/cache/app.db").path, "/var/cache/app.db");
}

TEST(StoreUrl, SqliteMemory) { EXPECT_TRUE(sqlite("sqlite::memory:").memory); }

TEST(StoreUrl, RedisDefaults) {
  const RedisUrl url = redis("redis://cache.local");
  EXPECT_EQ(url.host, "cache.local");
  EXPECT_EQ(url.port, 6379);
  EXPECT_EQ(url.db, 0u);
  EXPECT_TRUE(url.password.empty());
  EXPECT_TRUE(url.user.empty());
}

TEST(StoreUrl, RedisEveryPart) {
  const RedisUrl url = redis("redis://alice:s3cret@10.0.0.5:6380/4");
  EXPECT_EQ(url.user, "alice");
  EXPECT_EQ(url.password, "s3cret");
  EXPECT_EQ(url.host, "10.0.0.5");
  EXPECT_EQ(url.port, 6380);
  EXPECT_EQ(url.db, 4u);
}

TEST(StoreUrl, RedisPasswordOnlyAndEscapes) {
  const RedisUrl url = redis("redis://:p%40ss@localhost/1");
  EXPECT_TRUE(url.user.empty());
  EXPECT_EQ(url.password, "p@ss");
  EXPECT_EQ(url.db, 1u);
}

TEST(StoreUrl, RedisIpv6) {
  const RedisUrl url = redis("redis://[::1]:7000");
  EXPECT_EQ(url.host, "::1");
  EXPECT_EQ(url.port, 7000);
}

TEST(StoreUrl, UnixSocket) {
  const RedisUrl url = redis("unix:///run/redis/redis.sock?db=2");
  EXPECT_EQ(url.unix_path, "/run/redis/redis.sock");
  EXPECT_EQ(url.db, 2u);
  EXPECT_EQ(redis("unix:///tmp/r.sock").db, 0u);
}

TEST(StoreUrl, BadUrlsSayWhatIsWrong) {
  EXPECT_THAT(error_of("mysql://db/x"), HasSubstr("mysql://db/x"));
  EXPECT_THAT(error_of("mysql://db/x"), HasSubstr("scheme"));
  EXPECT_THAT(error_of(""), HasSubstr("no scheme"));
  EXPECT_THAT(error_of("sqlite:"), HasSubstr("path"));
  EXPECT_THAT(error_of("redis://"), HasSubstr("host"));
  EXPECT_THAT(error_of("redis://host:99999"), HasSubstr("port"));
  EXPECT_THAT(error_of("redis://host:abc"), HasSubstr("port"));
  EXPECT_THAT(error_of("redis://host/xyz"), HasSubstr("database number"));
  EXPECT_THAT(error_of("unix://"), HasSubstr("path"));
  EXPECT_THAT(error_of("unix:///s.sock?db=x"), HasSubstr("db"));
}

TEST(StoreUrl, MessagesNeverShowThePassword) {
  EXPECT_THAT(error_of("redis://u:hunter2@host:bad"), Not(HasSubstr("hunter2")));
  EXPECT_EQ(redact_store_url("redis://u:hunter2@host:1/0"), "redis://***@host:1/0");
  EXPECT_EQ(redact_store_url("sqlite:x.db"), "sqlite:x.db");
}

// The "expected one of" text comes from the registry: every kind's forms, a test's kind too.
TEST(StoreUrl, AnUnknownSchemeListsEveryRegisteredForm) {
  ASSERT_TRUE(testing::register_memory_test_store());
  const std::string message = error_of("nosuchscheme:x");
  EXPECT_THAT(message, HasSubstr("unknown scheme 'nosuchscheme'"));
  EXPECT_THAT(message, HasSubstr("sqlite:PATH"));
  EXPECT_THAT(message, HasSubstr("redis://"));
  EXPECT_THAT(message, HasSubstr("testmem:NAME"));
  EXPECT_EQ(store_kind_for("TESTMEM:x").name, "testmem") << "schemes are case-insensitive";
  EXPECT_THROW(register_store_kind(StoreKind{"again", {"sqlite"}, "", {}, {}}), Error);
}

// #12.7: everything between "://" and the last '@' is the user and password, even when the
// password holds '/', '?', '#' or '@' unescaped (base64 passwords have '/' and '+').
TEST(StoreUrl, RedactsAPasswordWithSlashesOrAtSigns) {
  EXPECT_EQ(redact_store_url("redis://:s3cr/et+pw@cache"), "redis://***@cache");
  EXPECT_EQ(redact_store_url("redis://:a?b#c@cache:6380/2"), "redis://***@cache:6380/2");
  EXPECT_EQ(redact_store_url("redis://user:p@ss@cache/1"), "redis://***@cache/1");
  EXPECT_EQ(redact_store_url("REDIS://:pw@cache"), "REDIS://***@cache");
  EXPECT_EQ(redact_store_url("redis://cache:6379/0"), "redis://cache:6379/0");
  EXPECT_EQ(redact_store_url("sqlite:///data/a@b.db"), "sqlite:///data/a@b.db");
}

// Found by fuzz_store_url: a password holding "?password=" must not let the parameter masking
// take the '@' that ends the authority.
TEST(StoreUrl, APasswordHoldingAPasswordParameterIsHidden) {
  EXPECT_EQ(redact_store_url("redis://:Zq9?password=A@cache"), "redis://***@cache");
  EXPECT_EQ(redact_store_url("x://:Zq9?password=A@"), "x://***@");
  EXPECT_EQ(redact_store_url("postgresql://h/db?password=pw"), "postgresql://h/db?password=***");
}

// The parser splits the authority where the redaction does, so such a password works as written.
TEST(StoreUrl, PasswordMayHoldASlash) {
  const RedisUrl url = redis("redis://:s3cr/et+pw==@cache:6380/3");
  EXPECT_EQ(url.password, "s3cr/et+pw==");
  EXPECT_EQ(url.host, "cache");
  EXPECT_EQ(url.port, 6380);
  EXPECT_EQ(url.db, 3u);
}

// No message shows the user or password, whatever else is wrong with the URL, and no message
// quotes a fragment of the authority on its own (a mistyped host or port may be a password).
TEST(StoreUrl, ErrorsNeverShowTheUserOrPassword) {
  for (const std::string_view url :
       {"redis://:Zq9/x@host:bad", "redis://u:Zq9@[::1]x", "redis://u:Zq9@[::1:1",
        "redis://Zq9@host", "redis://:Zq9@", "redis://:Zq9@host:0", "redis://:Zq9#x@host:99999",
        "redis://u:Zq9%zz@host", "redis://:Zq9@host/xyz", "redis://:Zq9?@host/1?x",
        "redis://Zq9:@host"}) {
    const std::string message = error_of(url);
    EXPECT_THAT(message, HasSubstr("bad store URL")) << url;
    EXPECT_THAT(message, Not(HasSubstr("Zq9"))) << url;
  }
  EXPECT_THAT(error_of("redis://host:abc"), HasSubstr("bad port"));
  EXPECT_THAT(error_of("redis://host:abc"), Not(HasSubstr("'abc'")));
  EXPECT_THAT(error_of("redis://[::1]abc"), Not(HasSubstr("'abc'")));
}

TEST(StoreUrl, ConfigureRejectsABadUrl) { EXPECT_THROW(configure("nosuchscheme:x"), Error); }

}  // namespace
}  // namespace picocache

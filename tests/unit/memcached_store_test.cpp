// The Memcached store's own tests, against private memcached servers (memcached_server.hpp): the
// URL forms, what it guarantees where memcached cannot do what the other stores do (a value over
// the item size is refused; a clear elsewhere is seen within a second; the index keeps maxsize
// across writer processes; a dead holder's lease expires), several servers, outages through
// memoize, and processes sharing the store through PICOCACHE_URL (cache_client).
#include "client_process.hpp"
#include "memcached_server.hpp"
#include "outage_capture.hpp"
#include "store_calls.hpp"
#include "stores/store.hpp"
#include "stores/store_registry.hpp"

#include <picocache/picocache.hpp>

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace picocache {
namespace {

using namespace std::chrono_literals;
using testing::MemcachedServer;

Key128 key(std::uint64_t n) { return hash_key(std::to_string(n)); }

FunctionRef function_of_this_test(std::string& storage) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  storage = hash_key(std::string(info->test_suite_name()) + info->name()).to_hex();
  return {storage, "f int (int)"};
}

// The server's curr_items, read with a `stats` command.
int items_on(const MemcachedServer& server) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(server.port()));
  std::string reply;
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    const std::string command = "stats\r\n";
    if (send(fd, command.data(), command.size(), MSG_NOSIGNAL) > 0) {
      char buffer[8192];
      while (reply.find("END\r\n") == std::string::npos) {
        const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
        if (n <= 0) break;
        reply.append(buffer, static_cast<std::size_t>(n));
      }
    }
  }
  close(fd);
  const std::size_t at = reply.find("STAT curr_items ");
  return at == std::string::npos ? -1 : std::atoi(reply.c_str() + at + 16);
}

TEST(MemcachedUrl, ServersAndPortsAreParsedAndNothingElseIsAccepted) {
  for (const char* good : {"memcached://localhost", "memcached://127.0.0.1:11311",
                           "memcached://a:1,b:2,c", "memcached://[::1]:11211", "memcached://h/"}) {
    EXPECT_NO_THROW(check_store_url(good)) << good;
  }
  for (const char* bad : {"memcached://", "memcached:h", "memcached://h:0", "memcached://h:x",
                          "memcached://h:", "memcached://h/db", "memcached://h?x=1",
                          "memcached://a,,b", "memcached://u:pw@h"}) {
    EXPECT_THROW(check_store_url(bad), Error) << bad;
  }
}

class MemcachedStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    PICOCACHE_REQUIRE_MEMCACHED_SERVER();
    if (!server_) server_ = new MemcachedServer();  // the default 1 MB item size
  }
  static MemcachedServer* server_;
};
MemcachedServer* MemcachedStoreTest::server_ = nullptr;

TEST_F(MemcachedStoreTest, AValueOverTheItemSizeIsRefusedAndOthersStillStored) {
  std::string id;
  const FunctionRef fn = function_of_this_test(id);
  std::unique_ptr<Store> store = open_store(server_->url());
  try {
    put_value(*store, fn, key(1), std::string(2 << 20, 'x'), 10);
    ADD_FAILURE() << "a 2 MB value was stored";
  } catch (const StoreError& error) {
    EXPECT_NE(std::string(error.what()).find("larger than the server's item size"),
              std::string::npos)
        << error.what();
  }
  EXPECT_EQ(value_at(*store, fn, key(1)), std::nullopt);
  EXPECT_EQ(store->size(fn), 0u);
  put_value(*store, fn, key(2), "small", 10);
  EXPECT_EQ(value_at(*store, fn, key(2)), "small");
}

TEST_F(MemcachedStoreTest, AClearInAnotherProcessIsSeenWithinASecond) {
  std::string id;
  const FunctionRef fn = function_of_this_test(id);
  std::unique_ptr<Store> here = open_store(server_->url());
  std::unique_ptr<Store> elsewhere = open_store(server_->url());  // its own generation cache
  put_value(*here, fn, key(1), "v", 10);
  EXPECT_EQ(value_at(*elsewhere, fn, key(1)), "v");
  elsewhere->clear(fn);
  EXPECT_EQ(value_at(*elsewhere, fn, key(1)), std::nullopt) << "the clearing store sees it at once";
  const auto start = std::chrono::steady_clock::now();
  while (value_at(*here, fn, key(1)) && std::chrono::steady_clock::now() - start < 3s) {
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1500ms);
  EXPECT_EQ(value_at(*here, fn, key(1)), std::nullopt);
  EXPECT_EQ(here->size(fn), 0u);
}

TEST_F(MemcachedStoreTest, ConcurrentWriterProcessesNeverListMoreThanMaxsize) {
  std::string id;
  const FunctionRef fn = function_of_this_test(id);
  const std::string url = server_->url();
  std::vector<pid_t> children;
  for (int p = 0; p < 4; ++p) {
    const pid_t child = fork();
    if (child == 0) {
      int failures = 0;
      std::unique_ptr<Store> store = open_store(url);
      for (std::uint64_t i = 0; i < 150; ++i) {
        try {
          put_value(*store, fn, key((i * 7 + static_cast<std::uint64_t>(p) * 13) % 60), "v", 20);
          if (store->size(fn) > 20) ++failures;
        } catch (const StoreError&) {
          ++failures;
        }
      }
      _exit(failures == 0 ? 0 : 1);
    }
    children.push_back(child);
  }
  for (const pid_t child : children) EXPECT_EQ(testing::wait_for(child), 0);
  std::unique_ptr<Store> store = open_store(url);
  EXPECT_EQ(store->size(fn), 20u);
  int stored = 0;
  for (std::uint64_t n = 0; n < 60; ++n) stored += value_at(*store, fn, key(n)) ? 1 : 0;
  EXPECT_LE(stored, 20) << "more entries stored than maxsize";
  EXPECT_GT(stored, 0);
}

TEST_F(MemcachedStoreTest, ALeaseWhoseHolderDiedExpires) {
  std::string id;
  const FunctionRef fn = function_of_this_test(id);
  const std::string url = server_->url();
  const pid_t child = fork();
  if (child == 0) {
    std::unique_ptr<Store> store = open_store(url);
    std::unique_ptr<KeyLease> lease = store->try_lease(fn, key(1), 1s);
    _exit(lease ? 0 : 1);  // no destructor runs: the lease is never released
  }
  ASSERT_EQ(testing::wait_for(child), 0);
  std::unique_ptr<Store> store = open_store(url);
  EXPECT_FALSE(store->try_lease(fn, key(1), 1s)) << "the dead holder's lease is still on";
  bool taken = false;
  const auto start = std::chrono::steady_clock::now();
  while (!taken && std::chrono::steady_clock::now() - start < 4s) {
    taken = store->try_lease(fn, key(1), 1s) != nullptr;
    if (!taken) std::this_thread::sleep_for(50ms);
  }
  EXPECT_TRUE(taken) << "the lease did not expire";
}

TEST_F(MemcachedStoreTest, EntriesSpreadOverSeveralServers) {
  MemcachedServer second;
  const std::string url = server_->url() + ",127.0.0.1:" + std::to_string(second.port());
  std::string id;
  const FunctionRef fn = function_of_this_test(id);
  std::unique_ptr<Store> store = open_store(url);
  for (std::uint64_t n = 0; n < 40; ++n) put_value(*store, fn, key(n), std::to_string(n), 100);
  int found = 0;
  for (std::uint64_t n = 0; n < 40; ++n) {
    found += value_at(*store, fn, key(n)) == std::to_string(n) ? 1 : 0;
  }
  EXPECT_EQ(found, 40);
  // Each server holds some of them (consistent hashing spreads 40 keys over both).
  EXPECT_GT(items_on(*server_), 0);
  EXPECT_GT(items_on(second), 0);
  EXPECT_GE(items_on(*server_) + items_on(second), 40);
}

TEST_F(MemcachedStoreTest, ProcessesShareTheStoreThroughPicocacheUrl) {
  MemcachedServer own;  // cache_client's function id is fixed: a server of this test's own
  const std::string url = own.url();
  const testing::ClientRun first = testing::run_client(url, {"sequence", "15"});
  EXPECT_EQ(first.status, 0) << first.warnings;
  EXPECT_EQ(first.output, "hits=0 misses=15\n");
  const testing::ClientRun second = testing::run_client(url, {"sequence", "15"});
  EXPECT_EQ(second.status, 0) << second.warnings;
  EXPECT_EQ(second.output, "hits=15 misses=0\n");
  std::vector<pid_t> clients;
  for (int seed = 1; seed <= 4; ++seed) {
    clients.push_back(testing::spawn(url, {"stress", std::to_string(seed)}, -1));
  }
  for (const pid_t client : clients) {
    EXPECT_EQ(testing::wait_for(client), 0) << "1: a wrong value, 2: a warning, 127: exec failed";
  }
}

class MemcachedOutageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    PICOCACHE_REQUIRE_MEMCACHED_SERVER();
    server_ = std::make_unique<MemcachedServer>();
    capture_.start(server_->url());
  }
  void TearDown() override { capture_.stop(); }
  std::vector<std::string> warnings() { return capture_.warnings(); }
  std::unique_ptr<MemcachedServer> server_;
  testing::OutageCapture capture_;
};

TEST_F(MemcachedOutageTest, AServerStoppedMidRunGivesComputedResultsOneWarningAndResumes) {
  EXPECT_EQ(outage::square(3), 9);
  EXPECT_EQ(outage::square(3), 9);
  EXPECT_EQ(outage::square_calls, 1);
  server_->kill();
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 200; ++i) EXPECT_EQ(outage::square(i % 10), (i % 10) * (i % 10));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s) << "calls must not wait on the network";
  EXPECT_EQ(outage::square_calls, 1 + 200);
  const std::vector<std::string> logged = warnings();
  ASSERT_EQ(logged.size(), 1u) << "one warning per outage";
  EXPECT_NE(logged[0].find(server_->url()), std::string::npos) << logged[0];

  server_->start();  // empty
  EXPECT_TRUE(testing::wait_until_caching_resumes(4, 6s)) << "caching did not resume";
  EXPECT_EQ(warnings().size(), 1u);
}

}  // namespace
}  // namespace picocache

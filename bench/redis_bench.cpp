// The Redis store's cost over Redis itself, on one private redis-server (tests/unit's harness):
//   hit:        a cached call that hits, through memoize   vs  a raw hiredis GET of a value of
//               the same size (~100 bytes) on the same server
//   miss+store: a cached call that misses and stores       vs  a raw GET (nil) and SET
// The target is hit <= 1.2x raw GET: a hit is one EVALSHA round trip, and the round trip is
// most of the cost. Run a Release build:
//   build/bench/redis_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include "redis_server.hpp"
#include "stores/redis_store.hpp"
#include "stores/store_url.hpp"

#include <picocache/picocache.hpp>

#include <benchmark/benchmark.h>
#include <hiredis/hiredis.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>

namespace {

using picocache::testing::RedisServer;

constexpr std::size_t value_size = 100;  // bytes stored per entry, header included
constexpr std::size_t value_header = 9;   // format version + schema fingerprint

std::unique_ptr<RedisServer> server;

// The cached function: a 91-character string, so the stored value (header + length byte +
// characters) is 100 bytes, as the raw GET's value.
std::string make_payload(long n) {
  std::string text = std::to_string(n);
  text.resize(value_size - value_header - 1, 'x');
  return text;
}

std::string payload(long n);

picocache::CachedFunction payload_fn{picocache::address_of(&payload), "bench::payload",
                                     "std::string (long)", 1000, false};

std::string payload(long n) {
  return picocache::memoize<std::string>(
      payload_fn, [&](picocache::Encoder& e) { e.write(n); }, [&]() { return make_payload(n); });
}

struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

// A raw hiredis connection, set up as the store sets up its own (TCP, same timeouts).
class RawConnection {
 public:
  RawConnection() {
    const timeval connect_timeout{0, 100000};
    context_ = redisConnectWithTimeout("127.0.0.1", server->port(), connect_timeout);
    if (context_ == nullptr || context_->err != 0) throw std::runtime_error("raw connect failed");
    redisSetTimeout(context_, timeval{2, 0});
  }
  ~RawConnection() { redisFree(context_); }
  Reply command(int argc, const char** argv, const std::size_t* lengths) {
    return Reply(static_cast<redisReply*>(redisCommandArgv(context_, argc, argv, lengths)));
  }

 private:
  redisContext* context_ = nullptr;
};

void BM_HitThroughMemoize(benchmark::State& state) {
  payload(7);  // stored
  for (auto _ : state) benchmark::DoNotOptimize(payload(7));
  state.SetLabel("memoize hit: one EVALSHA");
}
BENCHMARK(BM_HitThroughMemoize);

void BM_RawGet(benchmark::State& state) {
  RawConnection raw;
  const std::string key = "bench:raw:value";
  const std::string value(value_size, 'v');
  const char* set_argv[3] = {"SET", key.data(), value.data()};
  const std::size_t set_lengths[3] = {3, key.size(), value.size()};
  raw.command(3, set_argv, set_lengths);
  const char* argv[2] = {"GET", key.data()};
  const std::size_t lengths[2] = {3, key.size()};
  for (auto _ : state) {
    Reply reply = raw.command(2, argv, lengths);
    std::string copy(reply->str, reply->len);  // as the store copies the value out
    benchmark::DoNotOptimize(copy);
  }
  state.SetLabel("hiredis GET, 100-byte value");
}
BENCHMARK(BM_RawGet);

void BM_StoreGetHit(benchmark::State& state) {
  auto store = picocache::open_store(server->url());
  const picocache::FunctionRef fn{"00112233445566778899aabbccddeeff", "bench::direct"};
  const picocache::Key128 key{1, 2};
  store->put(fn, key, std::string(value_size, 'v'), 1000);
  for (auto _ : state) benchmark::DoNotOptimize(store->get(fn, key));
  state.SetLabel("RedisStore::get hit, no memoize");
}
BENCHMARK(BM_StoreGetHit);

void BM_MissAndStoreThroughMemoize(benchmark::State& state) {
  long n = 1'000'000;
  for (auto _ : state) benchmark::DoNotOptimize(payload(++n));  // a new argument each time
  state.SetLabel("memoize miss: get script + put script (evicts past 1000)");
}
BENCHMARK(BM_MissAndStoreThroughMemoize);

void BM_RawGetAndSet(benchmark::State& state) {
  RawConnection raw;
  const std::string value(value_size, 'v');
  long n = 0;
  for (auto _ : state) {
    const std::string key = "bench:raw:" + std::to_string(++n);  // a new key: GET misses
    const char* get_argv[2] = {"GET", key.data()};
    const std::size_t get_lengths[2] = {3, key.size()};
    benchmark::DoNotOptimize(raw.command(2, get_argv, get_lengths));
    const char* set_argv[3] = {"SET", key.data(), value.data()};
    const std::size_t set_lengths[3] = {3, key.size(), value.size()};
    benchmark::DoNotOptimize(raw.command(3, set_argv, set_lengths));
  }
  state.SetLabel("hiredis GET (nil) + SET, 100-byte value");
}
BENCHMARK(BM_RawGetAndSet);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (auto reason = RedisServer::unavailable_reason()) {
    std::fprintf(stderr, "redis_bench: %s\n", reason->c_str());
    return RedisServer::in_ci() ? 1 : 0;
  }
  server = std::make_unique<RedisServer>();
  picocache::configure(server->url());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  server.reset();
  return 0;
}

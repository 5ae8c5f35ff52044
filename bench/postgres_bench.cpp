// The PostgreSQL store's hit against PostgreSQL itself, on one private cluster (tests/unit's
// harness: a free loopback port, fsync off), over a working set of 10,000 keys visited in a
// shuffled order (larger than any cache on the way: the store keeps no client-side copy):
//   BM_Hit_Memoize        a cached call that hits: encode, hash, the store's prepared SELECT
//                         (one round trip), verify the argument check, decode
//   BM_Hit_StoreGet       the store's get of the same entries, no memoize
//   BM_Hit_RawSelect      the same prepared SELECT on a raw libpq connection to the same table
//                         and rows (binary results, the value copied out)
// Target: hit <= 1.2x the raw SELECT. Run a Release build:
//   build/bench/picocache-bench-postgres --benchmark_repetitions=5
//       --benchmark_report_aggregates_only=true   (one command line)
#include "postgres_server.hpp"
#include "store_calls.hpp"
#include "stores/store.hpp"
#include "stores/store_registry.hpp"

#include <picocache/picocache.hpp>

#include <benchmark/benchmark.h>
#include <libpq-fe.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using picocache::testing::PostgresServer;

constexpr long kWorkingSet = 10'000;
std::unique_ptr<PostgresServer> server;

std::string make_value(long n) {
  std::string text = std::to_string(n);
  text.resize(90, 'x');
  return text;
}

std::string value_of(long n);
picocache::CachedFunction value_fn{picocache::address_of(&value_of), "bench::pg_value",
                                   "std::string (long)", picocache::unbounded, false};
std::string value_of(long n) {
  return picocache::memoize<std::string>(
      value_fn, [&](picocache::Encoder& e) { e.write(n); }, [&]() { return make_value(n); });
}

std::vector<long> shuffled_keys() {
  std::vector<long> keys(kWorkingSet);
  for (long i = 0; i < kWorkingSet; ++i) keys[static_cast<std::size_t>(i)] = i;
  std::shuffle(keys.begin(), keys.end(), std::mt19937(42));
  return keys;
}

const picocache::FunctionRef direct_fn{"00112233445566778899aabbccddeeff", "bench::direct"};

picocache::Key128 key_of(long n) { return picocache::hash_key(std::to_string(n)); }

void BM_Hit_Memoize(benchmark::State& state) {
  const std::vector<long> keys = shuffled_keys();
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(value_of(keys[i++ % keys.size()]));
  if (value_fn.hits() == 0) state.SkipWithError("no hits: is the server reachable?");
}
BENCHMARK(BM_Hit_Memoize);

void BM_Hit_StoreGet(benchmark::State& state) {
  auto store = picocache::open_store(server->url());
  const std::vector<long> keys = shuffled_keys();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(value_at(*store, direct_fn, key_of(keys[i++ % keys.size()])));
  }
}
BENCHMARK(BM_Hit_StoreGet);

void BM_Hit_RawSelect(benchmark::State& state) {
  PGconn* conn = PQconnectdb(server->url().c_str());
  if (PQstatus(conn) != CONNECTION_OK) throw std::runtime_error("raw connect failed");
  PQclear(PQprepare(conn, "raw_get",
                    "SELECT value, check_bytes, written_at FROM picocache_entries WHERE fid = $1 "
                    "AND key = decode($2, 'hex') AND (expires_at IS NULL OR expires_at > "
                    "$3::bigint)",
                    3, nullptr));
  const std::vector<long> keys = shuffled_keys();
  std::vector<std::string> hexes;
  hexes.reserve(keys.size());
  for (long n : keys) hexes.push_back(key_of(n).to_hex());
  const std::string fid(direct_fn.id);
  std::size_t i = 0;
  for (auto _ : state) {
    const std::string now = "1";
    const char* values[3] = {fid.c_str(), hexes[i++ % hexes.size()].c_str(), now.c_str()};
    PGresult* result = PQexecPrepared(conn, "raw_get", 3, values, nullptr, nullptr, 1);
    if (PQntuples(result) != 1) state.SkipWithError("raw miss");
    std::string copy(PQgetvalue(result, 0, 0), static_cast<std::size_t>(PQgetlength(result, 0, 0)));
    benchmark::DoNotOptimize(copy);
    PQclear(result);
  }
  PQfinish(conn);
}
BENCHMARK(BM_Hit_RawSelect);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  if (auto reason = PostgresServer::unavailable_reason()) {
    std::fprintf(stderr, "picocache-bench-postgres: %s\n", reason->c_str());
    return PostgresServer::in_ci() ? 1 : 0;
  }
  server = std::make_unique<PostgresServer>();
  unsetenv("PICOCACHE_URL");
  picocache::configure(server->url());
  picocache::set_log_handler([](std::string_view line) {
    std::fprintf(stderr, "picocache-bench-postgres: %.*s\n", static_cast<int>(line.size()),
                 line.data());
  });
  {  // the working set, stored once through both paths
    auto store = picocache::open_store(server->url());
    for (long n = 0; n < kWorkingSet; ++n) {
      value_of(n);
      put_value(*store, direct_fn, key_of(n), make_value(n), picocache::unbounded);
    }
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  picocache::configure("sqlite::memory:");  // writes the remembered hits while the server runs
  server.reset();
  return 0;
}

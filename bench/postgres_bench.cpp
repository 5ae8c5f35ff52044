// The PostgreSQL store's hit against PostgreSQL itself, on one private cluster (tests/unit's
// harness: a free loopback port, fsync off), over a working set of 10,000 keys visited in a
// shuffled order, larger than any cache on the way: the store keeps no client-side copy
// (store_hit_bench.hpp: BM_Hit_Memoize, where a hit is the store's prepared SELECT, one round
// trip, and BM_Hit_StoreGet), against:
//   BM_Hit_RawSelect      the same prepared SELECT on a raw libpq connection to the same table
//                         and rows (binary results, the value copied out)
// Target: hit <= 1.2x the raw SELECT. Run a Release build:
//   build/bench/picocache-bench-postgres --benchmark_repetitions=5
//       --benchmark_report_aggregates_only=true   (one command line)
#include "postgres_server.hpp"
#include "store_hit_bench.hpp"
#include "store_only.hpp"

#include <picocache/picocache.hpp>

#include <benchmark/benchmark.h>
#include <libpq-fe.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace {

using picocache::testing::PostgresServer;

std::string value_of(long n);
picocache::CachedFunction value_fn{picocache::address_of(&value_of), "bench::pg_value",
                                   "std::string (long)", picocache::unbounded, false};
std::string value_of(long n) {
  return picocache::memoize<std::string>(
      value_fn, [&](picocache::Encoder& e) { e.write(n); },
      [&]() { return bench::make_payload(n); });
}

void raw_select(benchmark::State& state, const PostgresServer& server) {
  PGconn* conn = PQconnectdb(server.url().c_str());
  if (PQstatus(conn) != CONNECTION_OK) throw std::runtime_error("raw connect failed");
  PQclear(PQprepare(conn, "raw_get",
                    "SELECT value, check_bytes, written_at FROM picocache_entries WHERE fid = $1 "
                    "AND key = decode($2, 'hex') AND (expires_at IS NULL OR expires_at > "
                    "$3::bigint)",
                    3, nullptr));
  const std::vector<long> keys = bench::shuffled_keys();
  std::vector<std::string> hexes;
  hexes.reserve(keys.size());
  for (long n : keys) hexes.push_back(bench::key_of(n).to_hex());
  const std::string fid(bench::kDirectFunction.id);
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

}  // namespace

int main(int argc, char** argv) {
  return bench::run_hit_benchmarks<PostgresServer>(
      argc, argv,
      {"picocache-bench-postgres", &value_of, &value_fn, picocache::unbounded, "BM_Hit_RawSelect",
       &raw_select});
}

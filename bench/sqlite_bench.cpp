// The SQLite store's cost over SQLite itself (issue #15), in one run, on one thread, on one
// database file, for a function of an `int` returning a 64-byte std::string, with working sets of
// 100, 10,000 and 100,000 keys (the benchmark's argument) used in a shuffled order:
//   BM_SqliteHit_Unbounded/W     a hit through memoize (lookup, argument check, decode) of a
//                                maxsize=none function holding the W keys
//   BM_SqliteHit_HalfFull/W      the same for a function of maxsize W/2 after all W keys were
//                                stored: the hits are timed over the W/2 resident keys
//   BM_RawSelect/W               a prepared point SELECT of the same value bytes from a plain
//                                two-column table of W rows, copied out
//   BM_SqliteMiss_Unbounded/W    a miss that stores (a key never seen) into a maxsize=none
//                                function already holding W keys
//   BM_SqliteMiss_Evicting/W     the same into a full function of maxsize W/2: each evicts one
//   BM_RawInsert/W               a prepared INSERT of the same bytes under a random key into a
//                                plain two-column table of W rows with keys spread as the
//                                inserted ones are, one transaction each
//   BM_PassThrough_MaxsizeZero   a cached call of a maxsize=0 function (the body is trivial)
//   BM_EntryCheck/N              the argument check every hit verifies, for N argument bytes
// Targets: each hit row <= 1.5x BM_RawSelect at the same W, each miss row <= 1.5x BM_RawInsert
// (means: WAL checkpoints fall inside the timed loops of both). The cached functions have the
// default options (single-flight on). No in-process tier is in front of the store here; its rows
// and the other stores' live in their own files (redis_bench.cpp, ...).
// Run (a Release or RelWithDebInfo build):
//   build/bench/picocache-bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include "entry_check.hpp"
#include "store_only.hpp"
#include "working_set_rows.hpp"

#include <picocache/picocache.hpp>

#include <benchmark/benchmark.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using bench::Row;
using bench::shuffled;
using bench::stored_bytes;

std::string database_path() {
  static const std::string path = [] {
    std::string dir = (std::filesystem::temp_directory_path() / "picocache-bench-XXXXXX").string();
    if (!mkdtemp(dir.data())) throw std::runtime_error("mkdtemp failed");
    return dir + "/bench.db";
  }();
  return path;
}

void BM_SqliteHit_Unbounded(benchmark::State& state) { bench::hits<Row::hit_unbounded>(state); }
void BM_SqliteHit_HalfFull(benchmark::State& state) { bench::hits<Row::hit_half_full>(state); }
void BM_SqliteMiss_Unbounded(benchmark::State& state) { bench::misses<Row::miss_unbounded>(state); }
void BM_SqliteMiss_Evicting(benchmark::State& state) { bench::misses<Row::miss_evicting>(state); }

// A raw connection to the same file, as a program using SQLite directly would have.
struct Database {
  sqlite3* db = nullptr;
  Database() {
    if (sqlite3_open(database_path().c_str(), &db) != SQLITE_OK) throw std::runtime_error("open");
    exec("PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL");
  }
  ~Database() { sqlite3_close(db); }
  void exec(const std::string& sql) {
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
      throw std::runtime_error(sqlite3_errmsg(db));
    }
  }
  sqlite3_stmt* prepare(const std::string& sql) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v3(db, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &statement, nullptr) !=
        SQLITE_OK) {
      throw std::runtime_error(sqlite3_errmsg(db));
    }
    return statement;
  }
};

// Row n's key in a raw table: n itself for the SELECT's table (dense keys, the harder baseline: its
// b-tree is packed), spread over the keys for the INSERT's, whose random new keys must land among
// the W rows as memoize's hashed keys land among the function's entries (with keys 0..W-1 they all
// landed above them, so the W rows never came into play and the row did not grow with W).
enum class RawKeys { dense, spread };

std::int64_t raw_key(RawKeys keys, int n) {
  if (keys == RawKeys::dense) return n;
  std::uint64_t z = static_cast<std::uint64_t>(n) + 0x9e3779b97f4a7c15ULL;  // splitmix64
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return static_cast<std::int64_t>((z ^ (z >> 31)) >> 1);
}

// A plain two-column table of W rows of the stored values' size, made once per W and role.
std::string raw_table(Database& database, const char* role, int working_set, RawKeys keys) {
  const std::string table = std::string("raw_") + role + "_" + std::to_string(working_set);
  database.exec("CREATE TABLE IF NOT EXISTS " + table + " (k INTEGER PRIMARY KEY, v BLOB)");
  sqlite3_stmt* count = database.prepare("SELECT count(*) FROM " + table);
  const bool empty = sqlite3_step(count) == SQLITE_ROW && sqlite3_column_int64(count, 0) == 0;
  sqlite3_finalize(count);
  if (!empty) return table;
  database.exec("BEGIN");
  sqlite3_stmt* insert = database.prepare("INSERT INTO " + table + " VALUES (?1, ?2)");
  for (int n = 0; n < working_set; ++n) {
    const std::string value = stored_bytes(n);
    sqlite3_bind_int64(insert, 1, raw_key(keys, n));
    sqlite3_bind_blob(insert, 2, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
    if (sqlite3_step(insert) != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(database.db));
    sqlite3_reset(insert);
  }
  sqlite3_finalize(insert);
  database.exec("COMMIT");
  return table;
}

void BM_RawSelect(benchmark::State& state) {
  const int working_set = static_cast<int>(state.range(0));
  Database database;
  const std::string table = raw_table(database, "select", working_set, RawKeys::dense);
  sqlite3_stmt* select = database.prepare("SELECT v FROM " + table + " WHERE k = ?1");
  const std::vector<int> keys = shuffled(0, working_set);
  std::size_t i = 0;
  for (auto _ : state) {
    sqlite3_bind_int64(select, 1, keys[i]);
    if (sqlite3_step(select) != SQLITE_ROW) {
      state.SkipWithError("row not found");
      break;
    }
    std::string value(static_cast<const char*>(sqlite3_column_blob(select, 0)),
                      static_cast<std::size_t>(sqlite3_column_bytes(select, 0)));
    benchmark::DoNotOptimize(value);
    sqlite3_reset(select);
    if (++i == keys.size()) i = 0;
  }
  sqlite3_finalize(select);
}

void BM_RawInsert(benchmark::State& state) {
  const int working_set = static_cast<int>(state.range(0));
  Database database;
  const std::string table = raw_table(database, "insert", working_set, RawKeys::spread);
  sqlite3_stmt* insert = database.prepare("INSERT INTO " + table + " VALUES (?1, ?2)");
  const std::string value = stored_bytes(0);
  // Random keys among the W rows' spread keys, as memoize's hashed keys land anywhere in its
  // b-tree; static, so that no key repeats across this benchmark's runs (two random 63-bit keys
  // meet with odds of about 2^-40 in a run).
  static std::mt19937_64 random(7);
  for (auto _ : state) {
    const auto key = static_cast<std::int64_t>(random() >> 1);
    sqlite3_bind_int64(insert, 1, key);
    sqlite3_bind_blob(insert, 2, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
    if (sqlite3_step(insert) != SQLITE_DONE) {
      state.SkipWithError(sqlite3_errmsg(database.db));
      break;
    }
    sqlite3_reset(insert);
  }
  sqlite3_finalize(insert);
}

long passthrough(long n);
picocache::CachedFunction passthrough_fn{picocache::address_of(&passthrough), "bench::passthrough",
                                         "long (long)", 0, false};
long passthrough(long n) {
  return picocache::memoize<long>(
      passthrough_fn, [&](picocache::Encoder& e) { e.write(n); }, [&]() { return n + 1; });
}

void BM_PassThrough_MaxsizeZero(benchmark::State& state) {
  long n = 0;
  for (auto _ : state) benchmark::DoNotOptimize(passthrough(n++));
}

// The cost verified hits add: the check of a call's arguments, computed on every lookup (a copy
// under 32 bytes, BLAKE2b-256 from 32 on; entry_check.hpp).
void BM_EntryCheck(benchmark::State& state) {
  const std::string arguments(static_cast<std::size_t>(state.range(0)), 'a');
  for (auto _ : state) benchmark::DoNotOptimize(picocache::detail::entry_check(arguments));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

BENCHMARK(BM_SqliteHit_Unbounded)->Apply(bench::working_sets);
BENCHMARK(BM_SqliteHit_HalfFull)->Apply(bench::working_sets);
BENCHMARK(BM_RawSelect)->Apply(bench::working_sets);
BENCHMARK(BM_SqliteMiss_Unbounded)->Apply(bench::working_sets);
BENCHMARK(BM_SqliteMiss_Evicting)->Apply(bench::working_sets);
BENCHMARK(BM_RawInsert)->Apply(bench::working_sets);
BENCHMARK(BM_PassThrough_MaxsizeZero);
BENCHMARK(BM_EntryCheck)->Arg(8)->Arg(100)->Arg(1000)->Arg(10000);

}  // namespace

int main(int argc, char** argv) {
  picocache::configure("sqlite:" + database_path());
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::error_code ignored;
  std::filesystem::remove_all(std::filesystem::path(database_path()).parent_path(), ignored);
  return 0;
}

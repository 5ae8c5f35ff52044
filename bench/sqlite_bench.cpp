// The SQLite store's cost over SQLite itself, measured in one run on one database file:
//   BM_Hit_Memoize             a cached call that hits (encode, hash, get, decode)
//   BM_Hit_RawSelect           a prepared point SELECT of the same row, value copied out
//   BM_MissStore_Memoize       a cached call that misses and stores, evicting at maxsize 1000
//   BM_MissStore_RawInsert     a prepared INSERT of a same-sized row into the same table, in its
//                              own transaction (memoize also evicts one row and reads the size)
//   BM_PassThrough_MaxsizeZero a cached call of a maxsize=0 function (the body is trivial)
//   BM_EntryCheck/N            the argument check every hit verifies, for N argument bytes: a copy
//                              under 32 bytes, BLAKE2b-256 from 32 on (entry_check.hpp)
// Targets: hit <= 1.5x raw SELECT, miss+store <= 1.5x raw INSERT, pass-through < 50 ns.
// Run a Release build:
//   build/bench/picocache-bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include "bench_payload.hpp"
#include "entry_check.hpp"

#include <picocache/picocache.hpp>

#include <benchmark/benchmark.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace {

using bench::kValueSize;
using bench::payload;
using bench::payload_fn;

std::string database_path() {
  static const std::string path = [] {
    std::string dir = (std::filesystem::temp_directory_path() / "picocache-bench-XXXXXX").string();
    if (!mkdtemp(dir.data())) throw std::runtime_error("mkdtemp failed");
    return dir + "/bench.db";
  }();
  return path;
}

long passthrough(long n);
picocache::CachedFunction passthrough_fn{picocache::address_of(&passthrough), "bench::passthrough",
                                         "long (long)", 0, false};
long passthrough(long n) {
  return picocache::memoize<long>(
      passthrough_fn, [&](picocache::Encoder& e) { e.write(n); }, [&]() { return n + 1; });
}

struct Database {
  sqlite3* db = nullptr;
  Database() {
    if (sqlite3_open(database_path().c_str(), &db) != SQLITE_OK) throw std::runtime_error("open");
    exec("PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL");
  }
  ~Database() { sqlite3_close(db); }
  void exec(const char* sql) {
    if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
      throw std::runtime_error(sqlite3_errmsg(db));
    }
  }
  sqlite3_stmt* prepare(const char* sql) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &statement, nullptr) !=
        SQLITE_OK) {
      throw std::runtime_error(sqlite3_errmsg(db));
    }
    return statement;
  }
};

void BM_Hit_Memoize(benchmark::State& state) {
  payload(1);  // stored once; every call below hits
  for (auto _ : state) benchmark::DoNotOptimize(payload(1));
  if (picocache::cache_info(&payload).hits == 0)
    state.SkipWithError("no hits: is the store broken?");
}

void BM_Hit_RawSelect(benchmark::State& state) {
  payload(1);
  Database database;
  sqlite3_stmt* select =
      database.prepare("SELECT value FROM picocache_entries WHERE function_id = ?1 AND key = ?2");
  const std::string id = payload_fn.id();
  std::string key_bytes = "key-of-sixteen-b";
  // The same row memoize reads: take its key from the table.
  {
    sqlite3_stmt* any =
        database.prepare("SELECT key FROM picocache_entries WHERE function_id = ?1");
    sqlite3_bind_text(any, 1, id.data(), static_cast<int>(id.size()), SQLITE_STATIC);
    if (sqlite3_step(any) == SQLITE_ROW) {
      key_bytes.assign(static_cast<const char*>(sqlite3_column_blob(any, 0)),
                       static_cast<std::size_t>(sqlite3_column_bytes(any, 0)));
    }
    sqlite3_finalize(any);
  }
  for (auto _ : state) {
    sqlite3_bind_text(select, 1, id.data(), static_cast<int>(id.size()), SQLITE_STATIC);
    sqlite3_bind_blob(select, 2, key_bytes.data(), static_cast<int>(key_bytes.size()),
                      SQLITE_STATIC);
    if (sqlite3_step(select) != SQLITE_ROW) {
      state.SkipWithError("row not found");
      break;
    }
    std::string value(static_cast<const char*>(sqlite3_column_blob(select, 0)),
                      static_cast<std::size_t>(sqlite3_column_bytes(select, 0)));
    benchmark::DoNotOptimize(value);
    sqlite3_reset(select);
  }
  sqlite3_finalize(select);
}

void BM_MissStore_Memoize(benchmark::State& state) {
  static long next = 1000000;
  for (auto _ : state) benchmark::DoNotOptimize(payload(next++));
}

void BM_MissStore_RawInsert(benchmark::State& state) {
  payload(1);  // the store has created its tables
  Database database;
  // The same table (and so the same recency index) memoize writes, under another function id.
  sqlite3_stmt* insert = database.prepare(
      "INSERT INTO picocache_entries (function_id, key, value, last_used) VALUES (?1, ?2, ?3, ?4)");
  const std::string id(32, 'a');
  const std::string value(kValueSize, 'v');
  static long next = 0;
  for (auto _ : state) {
    const long n = next++;
    const picocache::Key128 key = picocache::hash_key(std::to_string(n));
    sqlite3_bind_text(insert, 1, id.data(), static_cast<int>(id.size()), SQLITE_STATIC);
    sqlite3_bind_blob(insert, 2, &key, sizeof key, SQLITE_STATIC);
    sqlite3_bind_blob(insert, 3, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
    sqlite3_bind_int64(insert, 4, n);
    if (sqlite3_step(insert) != SQLITE_DONE) {
      state.SkipWithError(sqlite3_errmsg(database.db));
      break;
    }
    sqlite3_reset(insert);
  }
  sqlite3_finalize(insert);
}

void BM_PassThrough_MaxsizeZero(benchmark::State& state) {
  long n = 0;
  for (auto _ : state) benchmark::DoNotOptimize(passthrough(n++));
}

// The cost verified hits add: the check of a call's arguments, computed on every lookup.
void BM_EntryCheck(benchmark::State& state) {
  const std::string arguments(static_cast<std::size_t>(state.range(0)), 'a');
  for (auto _ : state) benchmark::DoNotOptimize(picocache::detail::entry_check(arguments));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_EntryCheck)->Arg(8)->Arg(100)->Arg(1000)->Arg(10000);

BENCHMARK(BM_Hit_Memoize);
BENCHMARK(BM_Hit_RawSelect);
BENCHMARK(BM_MissStore_Memoize);
BENCHMARK(BM_MissStore_RawInsert);
BENCHMARK(BM_PassThrough_MaxsizeZero);

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

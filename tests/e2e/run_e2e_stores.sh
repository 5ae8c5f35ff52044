#!/usr/bin/env bash
# End-to-end, issue #20: tests/e2e/project built against the installed package (Ninja, Release),
# then, for each of a private PostgreSQL and a private memcached (picocache-test-server starts
# them and sets PICOCACHE_URL), run twice in a fresh directory.
#   run_e2e_stores.sh <repo> <picocache-build-dir> <work-dir> <picocache-test-server> <store>...
# Checks, per store: the first run executes every body, the second none; both print the same,
# and the right results; nothing warns; no ./picocache.db appears (the URL was used, not the
# default SQLite file). A server that is not installed skips the test (exit 77), or fails it
# when CI=true (picocache-test-server decides).
#   run_e2e_stores.sh --runs <dir> <program>    (what the test server runs: the two runs)
set -euo pipefail

if [ "$1" = --runs ]; then
  cd "$2"
  "$3" >first.out 2>first.err || { cat first.err; exit 1; }
  "$3" >second.out 2>second.err || { cat second.err; exit 1; }
  echo "$PICOCACHE_URL" >url
  exit 0
fi

repo=$1 picocache_build=$2 work=$3 test_server=$4
shift 4

fail() { echo "FAIL: $*" >&2; exit 1; }

rm -rf "$work" && mkdir -p "$work"
cmake --install "$picocache_build" --prefix "$work/prefix" >"$work/install.log"
cp -r "$repo/tests/e2e/project" "$work/src"
cmake -S "$work/src" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$work/prefix" >"$work/configure.log"
cmake --build "$work/build" >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "build failed"; }

expected_bodies=$(( 2 + 31 + 2 ))  # measure x2 shapes, fib(0..30), describe x2 overloads
for store in "$@"; do
  run="$work/run-$store"
  mkdir "$run"
  status=0
  "$test_server" "$store" -- bash "$0" --runs "$run" "$work/build/shapes" || status=$?
  [ "$status" -eq 77 ] && exit 77  # not installed here, and not in CI
  [ "$status" -eq 0 ] || fail "$store: the runs failed (status $status)"
  cd "$run"
  first_bodies=$(grep -c '^body: ' first.err || true)
  second_bodies=$(grep -c '^body: ' second.err || true)
  [ "$first_bodies" -eq "$expected_bodies" ] || { cat first.err; fail "$store: the first run executed $first_bodies bodies, expected $expected_bodies"; }
  [ "$second_bodies" -eq 0 ] || { cat second.err; fail "$store: the second run executed $second_bodies bodies, expected 0"; }
  if grep -h 'picocache:' first.err second.err; then fail "$store: a run warned"; fi
  diff -u first.out second.out || fail "$store: the second run printed different results"
  grep -q "square: area 4.00 perimeter 8.00" first.out || { cat first.out; fail "$store: wrong result for the square"; }
  grep -q "triangle: area 24.00 perimeter 24.00" first.out || { cat first.out; fail "$store: wrong result for the triangle"; }
  grep -q "fib(30) = 832040" first.out || { cat first.out; fail "$store: wrong fib(30)"; }
  grep -q "a polygon with 5 sides / a shape called 5" first.out || { cat first.out; fail "$store: overloads shared an entry"; }
  grep -q "measure: currsize=2" first.out || { cat first.out; fail "$store: cache_info currsize is not 2"; }
  [ -e picocache.db ] && fail "$store: the program wrote ./picocache.db instead of using PICOCACHE_URL"
  grep -q "^$store" url || { cat url; fail "$store: PICOCACHE_URL was not a $store URL"; }
  cd "$work"
  echo "e2e stores ($store): ok"
done
echo "e2e stores (installed, Ninja, Release): ok"

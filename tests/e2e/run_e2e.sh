#!/usr/bin/env bash
# End-to-end: a user's project built against PicoCache, then run twice in a fresh directory.
#   run_e2e.sh installed <repo> <picocache-build-dir> <work-dir> <generator>
#   run_e2e.sh subdirectory <repo> <unused> <work-dir> <generator>
# (A picocache-gen run shows in the verbose build output as its command line, with --depfile.)
# Checks: the first run executes every cached body, the second none and prints the same;
# touching an included header re-runs picocache-gen; a rebuild with no change runs nothing.
set -euo pipefail
mode=$1 repo=$2 picocache_build=$3 work=$4 generator=$5

fail() { echo "FAIL: $*" >&2; exit 1; }

rm -rf "$work" && mkdir -p "$work"
configure_args=(-G "$generator" -DCMAKE_BUILD_TYPE=Release)
if [ "$mode" = installed ]; then
  cmake --install "$picocache_build" --prefix "$work/prefix" >"$work/install.log"
  configure_args+=(-DCMAKE_PREFIX_PATH="$work/prefix" -DPICOCACHE_E2E_TIDY=ON)
else
  configure_args+=(-DPICOCACHE_SOURCE_DIR="$repo")
fi
cp -r "$repo/tests/e2e/project" "$work/src"
cmake -S "$work/src" -B "$work/build" "${configure_args[@]}" >"$work/configure.log"

build() {  # prints the build tool's output, verbose, so the commands it ran can be checked
  if [ "$generator" = Ninja ]; then
    cmake --build "$work/build" -- -v 2>&1
  else
    cmake --build "$work/build" -- VERBOSE=1 2>&1
  fi
}
build >"$work/build1.log" || { cat "$work/build1.log"; fail "first build failed"; }
grep -q -- "--depfile" "$work/build1.log" || fail "first build did not run picocache-gen"
grep -q -- "-iquote" "$work/build1.log" || fail "generated sources were not compiled"
if [ "$mode" = installed ]; then
  grep -q -- "--load=.*picocache-tidy" "$work/build1.log" || fail "picocache_generate(shapes TIDY) did not run picocache-tidy"
  # The bodies print "body: ..." on purpose (to count them); the tidy check must see that I/O.
  grep -q "geometry.cpp:9:3: warning: call to .fprintf. does file, console or network I/O.*picocache-impure-call" "$work/build1.log" ||
    { cat "$work/build1.log"; fail "picocache-tidy did not report the I/O in measure()"; }
fi
grep -q "picocache_generated/shapes/plain.cpp" "$work/build1.log" && fail "plain.cpp was rewritten"

mkdir "$work/run"
cd "$work/run"
"$work/build/shapes" >first.out 2>first.err || { cat first.err; fail "first run failed"; }
"$work/build/shapes" >second.out 2>second.err || { cat second.err; fail "second run failed"; }
[ -f picocache.db ] || fail "no ./picocache.db after the runs"

expected_bodies=$(( 2 + 31 + 2 ))  # measure x2 shapes, fib(0..30), describe x2 overloads
first_bodies=$(grep -c '^body: ' first.err || true)
second_bodies=$(grep -c '^body: ' second.err || true)
[ "$first_bodies" -eq "$expected_bodies" ] || { cat first.err; fail "first run executed $first_bodies bodies, expected $expected_bodies"; }
[ "$second_bodies" -eq 0 ] || { cat second.err; fail "second run executed $second_bodies bodies, expected 0"; }
diff -u first.out second.out || fail "the second run printed different results"
grep -q "area 4.00 perimeter 8.00" first.out || { cat first.out; fail "wrong result for the square"; }
grep -q "fib(30) = 832040" first.out || fail "wrong fib(30)"
grep -q "measure: currsize=2" first.out || { cat first.out; fail "cache_info currsize is not 2"; }
grep -q "a polygon with 5 sides / a shape called 5" first.out || fail "overloads shared an entry"
grep -q "describe: single_flight=0 lock_timeout=600000ms" first.out || { cat first.out; fail "single_flight = false did not reach cache_parameters"; }
grep -q "describe: single_flight=1 lock_timeout=90000ms" first.out || { cat first.out; fail "lock_timeout = \"90s\" did not reach cache_parameters"; }

# The command-line tool sees the functions and clears one of them.
if [ "$mode" = installed ]; then
  cli="$work/prefix/bin/picocache"
  "$cli" list >list.out || fail "picocache list failed"
  grep -Eq "^[0-9a-f]{32} +([0-9a-f]{12}|version [^ ]+|-) +[0-9-]{10} [0-9:]{5} UTC +2 +16 +none +geo::measure" list.out || { cat list.out; fail "picocache list does not show geo::measure with 2 entries, maxsize 16, no ttl"; }
  grep -Eq " +31 +128 +none +geo::fib" list.out || { cat list.out; fail "picocache list does not show geo::fib with 31 entries, maxsize 128 (the default), no ttl"; }
  "$cli" clear geo::measure >clear.out || fail "picocache clear failed"
  grep -q "cleared 2 entries of geo::measure" clear.out || { cat clear.out; fail "unexpected clear output"; }
  "$work/build/shapes" >third.out 2>third.err
  [ "$(grep -c '^body: measure' third.err)" -eq 2 ] || { cat third.err; fail "after clear, measure did not run again"; }
  [ "$(grep -c '^body: fib' third.err || true)" -eq 0 ] || fail "clearing measure also cleared fib"
  "$cli" clear no::such >/dev/null 2>&1 && fail "clearing an unknown function succeeded"
fi

# Incremental builds: no change runs nothing; a touched header re-runs the generation.
build >"$work/build2.log"
grep -q -- "--depfile" "$work/build2.log" && { cat "$work/build2.log"; fail "a rebuild with no change re-ran picocache-gen"; }
if [ "$generator" = Ninja ]; then
  grep -q "no work to do" "$work/build2.log" || { cat "$work/build2.log"; fail "a rebuild with no change did work"; }
fi
sleep 1
touch "$work/src/include/units.hpp"
build >"$work/build3.log"
grep -q -- "--depfile" "$work/build3.log" || { cat "$work/build3.log"; fail "touching an included header did not re-run picocache-gen"; }

echo "e2e ($mode, $generator): ok"

#!/usr/bin/env bash
# End-to-end: tests/e2e/flags_project built against the installed package (Ninja, Release), then
# run twice in a fresh directory.
#   run_e2e_flags.sh <repo> <picocache-build-dir> <work-dir>
# Checks: the build passes (picocache-gen saw -DSENSOR_WIDE from target_compile_options and
# Release's -DNDEBUG, or the codec's layout tripwire fails it; the plain target_link_libraries
# signature is accepted); the results are right; the first run executes every body, with
# __func__ naming the function (a member function too), the recursion reaching the cache at every level; the second run
# executes none and prints the same; the same program built with -fno-exceptions -fno-rtti
# shares those entries and caches on its own.
set -euo pipefail
repo=$1 picocache_build=$2 work=$3

fail() { echo "FAIL: $*" >&2; exit 1; }

rm -rf "$work" && mkdir -p "$work"
cmake --install "$picocache_build" --prefix "$work/prefix" >"$work/install.log"
cp -r "$repo/tests/e2e/flags_project" "$work/src"
cmake -S "$work/src" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$work/prefix" >"$work/configure.log"
cmake --build "$work/build" -- -v >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "build failed"; }
grep -q -- "--depfile.*-DSENSOR_WIDE=1" "$work/build.log" || fail "picocache-gen did not get -DSENSOR_WIDE=1"
grep -q -- "--depfile.*-DNDEBUG" "$work/build.log" || fail "picocache-gen did not get -DNDEBUG"

mkdir "$work/run"
cd "$work/run"
"$work/build/sensors" >first.out 2>first.err || { cat first.err; fail "first run failed"; }
"$work/build/sensors" >second.out 2>second.err || { cat second.err; fail "second run failed"; }

grep -q "calibrated reading 9000000007 (id 7, sizeof 16)" first.out || { cat first.out; fail "wrong calibrated sample"; }
grep -q "steps(6) = 8" first.out || { cat first.out; fail "wrong steps(6)"; }
grep -q "steps(12) = 9" first.out || { cat first.out; fail "wrong steps(12)"; }
grep -q "scaled(4) = 21" first.out || { cat first.out; fail "wrong Gauge::scaled(4)"; }
grep -q "100.0 C" first.out || { cat first.out; fail "wrong to_celsius"; }
# calibrate once; steps 6 3 10 5 16 8 4 2 1, then only 12 (steps(6) is a hit); Gauge::scaled once.
grep -qx "body: calibrate(7)" first.err || { cat first.err; fail "__func__ in calibrate's body is not 'calibrate'"; }
grep -qx "body: steps(6)" first.err || { cat first.err; fail "__func__ in steps' body is not 'steps'"; }
grep -qx "body: scaled(4)" first.err || { cat first.err; fail "__func__ in the member Gauge::scaled's body is not 'scaled'"; }
first_bodies=$(grep -c '^body: ' first.err || true)
[ "$first_bodies" -eq 12 ] || { cat first.err; fail "first run executed $first_bodies bodies, expected 12"; }
second_bodies=$(grep -c '^body: ' second.err || true)
[ "$second_bodies" -eq 0 ] || { cat second.err; fail "second run executed $second_bodies bodies, expected 0"; }
diff -u first.out second.out || fail "the second run printed different results"

# The -fno-exceptions build: it finds what `sensors` stored (no body runs) and prints the same;
# in a fresh directory it runs every body once, then none.
"$work/build/sensors_noexcept" >noexcept.out 2>noexcept.err || { cat noexcept.err; fail "the -fno-exceptions build failed to run"; }
diff -u first.out noexcept.out || fail "the -fno-exceptions build printed different results"
[ "$(grep -c '^body: ' noexcept.err || true)" -eq 0 ] || { cat noexcept.err; fail "the -fno-exceptions build missed the shared entries"; }
mkdir "$work/run-noexcept" && cd "$work/run-noexcept"
"$work/build/sensors_noexcept" >first.out 2>first.err || { cat first.err; fail "-fno-exceptions first run failed"; }
"$work/build/sensors_noexcept" >second.out 2>second.err || { cat second.err; fail "-fno-exceptions second run failed"; }
[ "$(grep -c '^body: ' first.err || true)" -eq 12 ] || { cat first.err; fail "-fno-exceptions first run: expected 12 bodies"; }
[ "$(grep -c '^body: ' second.err || true)" -eq 0 ] || { cat second.err; fail "-fno-exceptions second run: expected no body"; }

echo "e2e flags (installed, Ninja, Release): ok"

#!/usr/bin/env bash
# End-to-end (issue #18): tests/e2e/headers_project built against the installed package (Ninja),
# then run twice in a fresh directory.
#   run_e2e_headers.sh <repo> <picocache-build-dir> <work-dir>
# Checks: the header's copy is generated and both translation units use it; the results are
# right; the first run executes each body once per key (the recursion reaching the cache at
# every level, other.cpp's calls hitting what main.cpp stored) and cache_info counts the calls of
# both units (one CachedFunction per program); the second run executes no body.
set -euo pipefail
repo=$1 picocache_build=$2 work=$3

fail() { echo "FAIL: $*" >&2; exit 1; }

rm -rf "$work" && mkdir -p "$work"
cmake --install "$picocache_build" --prefix "$work/prefix" >"$work/install.log"
cp -r "$repo/tests/e2e/headers_project" "$work/src"
cmake -S "$work/src" -B "$work/build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" \
  >"$work/configure.log"
cmake --build "$work/build" -- -v >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "build failed"; }
grep -q -- "--header" "$work/build.log" || fail "the annotated header was not rewritten"

mkdir "$work/run"
cd "$work/run"
"$work/build/rulers" >first.out 2>first.err || { cat first.err; fail "first run failed"; }
"$work/build/rulers" >second.out 2>second.err || { cat second.err; fail "second run failed"; }

grep -qx "triangle(6) = 21" first.out || { cat first.out; fail "wrong triangle(6)"; }
grep -qx "marks(10) = 6" first.out || { cat first.out; fail "wrong Ruler::marks(10)"; }
grep -qx "from_other = 16" first.out || { cat first.out; fail "wrong from_other"; }
grep -qx "halved = 3 3.5" first.out || { cat first.out; fail "wrong halved<int> / halved<double>"; }
grep -qx "digits = 4 4" first.out || { cat first.out; fail "wrong Digits<10>::count / Digits<2>::count"; }
grep -qx "halved<int> calls 1, halved<double> calls 1" first.out ||
  { cat first.out; fail "the two instantiations of halved are not two cached functions"; }
# triangle 6..0 once each (7 bodies, the recursion through the cache), marks(10) once, halved
# and Digits::count once per instantiation; other.cpp's triangle(4) and marks(10) hit.
first_bodies=$(grep -c '^body: ' first.err || true)
[ "$first_bodies" -eq 12 ] || { cat first.err; fail "first run executed $first_bodies bodies, expected 12"; }
grep -qx "triangle calls 8, marks calls 2" first.out ||
  { cat first.out; fail "cache_info does not count both translation units' calls (one CachedFunction per program)"; }
second_bodies=$(grep -c '^body: ' second.err || true)
[ "$second_bodies" -eq 0 ] || { cat second.err; fail "second run executed $second_bodies bodies, expected 0"; }
grep -qx "triangle calls 2, marks calls 2" second.out || { cat second.out; fail "wrong counts in the second run"; }

# The store lists each instantiation as its own function, its template arguments canonical.
"$work/prefix/bin/picocache" list >list.out || fail "picocache list failed"
for name in "ruler::triangle" "ruler::Ruler::marks" "ruler::halved<int32>" "ruler::halved<double>" \
  "ruler::Digits<10>::count" "ruler::Digits<2>::count"; do
  grep -qF "$name " list.out || { cat list.out; fail "picocache list does not show $name"; }
done

echo "e2e headers (installed, Ninja): ok"
